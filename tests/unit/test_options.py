"""Connection option validation, shared by modules and plugins."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, module_argument_spec, settings_from_getter)

BASE = {"client_id": "11111111-2222-3333-4444-555555555555", "client_secret": "s3cret"}


def settings(**options):
    values = dict(BASE)
    values.update(options)
    return settings_from_getter(values.get)


def test_defaults_select_the_commercial_cloud_and_partner_scope():
    s = settings()
    assert s.api_url == "https://graph.avepointonlineservices.com"
    assert s.token_url == "https://identity.avepointonlineservices.com/connect/token"
    assert s.scope == "partner.customers.read.all"
    assert (s.timeout, s.retries, s.concurrency, s.validate_certs) == (30.0, 5, 16, True)


@pytest.mark.parametrize("cloud, token_host, api_host", [
    ("us_gov", "identity-gov.avepointonlineservices.com", "graph-gov.avepointonlineservices.com"),
    ("aos2", "identity-aos2.avepointonlineservices.com", "graph-aos2.avepointonlineservices.com"),
    ("fedramp", "identity.online15.net", "graphusgovapi.online15.net"),
])
def test_cloud_selects_both_urls(cloud, token_host, api_host):
    s = settings(cloud=cloud)
    assert s.token_url == "https://%s/connect/token" % token_host
    assert s.api_url == "https://%s" % api_host


def test_overrides_win_over_the_cloud():
    s = settings(cloud="us_gov", api_url="https://graph.example.test/", token_url="https://id.example.test/connect/token")
    assert s.api_url == "https://graph.example.test"
    assert s.token_url == "https://id.example.test/connect/token"


def test_plain_http_only_to_loopback():
    assert settings(api_url="http://127.0.0.1:8080").api_url == "http://127.0.0.1:8080"
    assert settings(api_url="http://[::1]:8080").api_url == "http://[::1]:8080"
    assert settings(token_url="http://localhost:1/connect/token").token_url.startswith("http://localhost")
    with pytest.raises(ConfigurationError, match="refusing to send credentials over plain http to 'graph.example.test'"):
        settings(api_url="http://graph.example.test")


@pytest.mark.parametrize("options, message", [
    ({"cloud": "moon"}, "option 'cloud' must be one of aos2, commercial, fedramp, us_gov, got 'moon'"),
    ({"api": "v9"}, "option 'api' must be one of"),
    ({"timeout": 0}, "option 'timeout' must be between"),
    ({"timeout": "abc"}, "option 'timeout' must be a number"),
    ({"retries": -1}, "option 'retries' must be between 0 and 20"),
    ({"concurrency": 0}, "option 'concurrency' must be between 1 and 64"),
    ({"concurrency": 1000}, "option 'concurrency' must be between 1 and 64"),
    ({"validate_certs": "maybe"}, "option 'validate_certs' must be a boolean"),
    ({"api_url": "https://graph.example.test/partner"}, "without a path"),
    ({"api_url": "https://graph.example.test?x=1"}, "must not contain a query"),
    ({"api_url": "ftp://graph.example.test"}, "absolute https:// URL"),
    ({"api_url": "https://user:pw@graph.example.test"}, "must not contain user credentials"),
    ({"api_url": "https://graph.example.test:99999"}, "not a valid URL"),
    ({"client_secret": None}, "no credential given"),
    ({"access_token": "abc"}, "exactly one kind of credential, not client_secret and access_token"),
    ({"client_id": None}, "client_id is missing"),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' is not a readable file"),
    ({"proxy": "proxy.example:3128"}, "option 'proxy' must be a URL"),
    ({"scope": "x" * 301}, "longer than 300"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ConfigurationError) as error:
        settings(**options)
    assert message in str(error.value)


def test_access_token_alone_is_a_credential():
    s = settings_from_getter({"access_token": "tok"}.get)
    assert s.access_token == "tok" and s.client_secret is None


def test_repr_hides_secrets():
    s = settings(client_secret="hunter2-secret")
    assert "hunter2-secret" not in repr(s)
    assert s.secrets == ("hunter2-secret",)


def test_text_values_are_converted():
    s = settings_from_getter(dict(BASE, timeout="12.5", validate_certs="no").get)
    assert s.timeout == 12.5 and s.validate_certs is False


def test_module_spec_has_env_fallbacks_and_no_log():
    spec = module_argument_spec()
    assert set(spec) == set(CONNECTION_OPTIONS)
    assert spec["client_secret"]["no_log"] and spec["access_token"]["no_log"]
    assert spec["cloud"]["fallback"][1] == ["AVEPOINT_CLOUD"]
    assert all("env" not in entry for entry in spec.values())


def test_ca_path_must_hold_a_pem_certificate(tmp_path):
    not_pem = tmp_path / "ca.der"
    not_pem.write_bytes(b"\x30\x82\x01\x0a")
    with pytest.raises(ConfigurationError, match="holds no PEM certificate"):
        settings(ca_path=str(not_pem))
    with pytest.raises(ConfigurationError, match="is not a readable file"):
        settings(ca_path=str(tmp_path))


def test_a_proxy_password_is_a_secret():
    s = settings(proxy="http://user:pr0xy-pa55@proxy.example:3128")
    assert "pr0xy-pa55" in s.secrets
    assert module_argument_spec()["proxy"]["no_log"] is True
