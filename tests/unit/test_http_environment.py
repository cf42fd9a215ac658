"""Proxy and CA bundle variables are honoured as requests does, but read once per host."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._http import Transport
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

API = "https://graph.example.test"
ENVIRONMENT = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
               "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def transport(**options):
    given = {"access_token": "t", "api_url": API}
    given.update(options)
    return Transport(settings_from_getter(given.get))


def test_proxy_from_the_environment_applies_unless_no_proxy_says_otherwise(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "identity.example.test")
    t = transport()
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:3128"
    assert "https" not in t.environment_for("https://identity.example.test/connect/token")["proxies"]


def test_the_proxy_option_is_used_without_environment_variables():
    t = transport(proxy="http://proxy.example.test:8080")
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:8080"


def test_ca_bundle_variable_applies_only_without_ca_path(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n(not read here)\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert transport().environment_for(API)["verify"] == "/etc/ssl/certs/ca-certificates.crt"
    assert transport(ca_path=str(ca)).environment_for(API)["verify"] == str(ca)


def test_the_environment_is_read_once_per_host_not_per_request(monkeypatch):
    t = transport()
    assert t.session.trust_env is False  # requests itself no longer reads it for every request
    first = t.environment_for(API + "/partner/customers/1")
    monkeypatch.setenv("HTTPS_PROXY", "http://late.example.test:3128")
    assert t.environment_for(API + "/partner/customers/2") is first
    assert t.environment_for("https://other.example.test/x")["proxies"]["https"] == "http://late.example.test:3128"


def test_the_proxy_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "graph.example.test")
    t = transport(proxy="http://proxy.example.test:8080")
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:8080"
