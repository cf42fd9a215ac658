"""The requester identity every cache keys on: who asks (every credential) and where."""

from __future__ import annotations

import dataclasses
import os

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._auth import ClientCredentialsToken
from ansible_collections.avepoint.graph.plugins.module_utils._identity import IDENTITY_OPTIONS, requester_identity
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, ConnectionSettings

from fakes import API_URL, FakeTransport, TOKEN_URL


SECRET = "identity-test-client-secret-4b1d"
BASE = ConnectionSettings(api="partner", api_url=API_URL, token_url=TOKEN_URL, scope="partner.customers.read.all",
                          client_id="app", client_secret=SECRET)


@pytest.fixture
def pem_files(tmp_path):
    certificate = tmp_path / "app.crt.pem"
    key = tmp_path / "app.key.pem"
    certificate.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    key.write_text("-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n")
    return certificate, key


def with_certificate(certificate, key, **changes):
    return dataclasses.replace(BASE, client_secret=None, certificate_path=str(certificate), private_key_path=str(key),
                               private_key_passphrase="pass", **changes)


def test_identity_is_a_one_way_digest():
    identity = requester_identity(BASE)
    assert len(identity) == 64 and int(identity, 16) >= 0
    assert SECRET not in identity and requester_identity(dataclasses.replace(BASE)) == identity


@pytest.mark.parametrize("name", IDENTITY_OPTIONS)
def test_every_identity_option_changes_the_identity(name):
    changed = dataclasses.replace(BASE, **{name: "other-" + name})
    assert requester_identity(changed) != requester_identity(BASE)


@pytest.mark.parametrize("changes", [{"timeout": 5.0}, {"retries": 0}, {"validate_certs": False}, {"concurrency": 2},
                                     {"proxy": "http://proxy.example:3128"}, {"ca_path": "/etc/ssl/ca.pem"}])
def test_transport_tuning_does_not_change_who_asks(changes):
    assert requester_identity(dataclasses.replace(BASE, **changes)) == requester_identity(BASE)


def test_every_secret_and_credential_option_is_part_of_the_identity():
    fields = {field.name for field in dataclasses.fields(ConnectionSettings)}
    assert set(IDENTITY_OPTIONS) <= fields
    credentials = {name for name, spec in CONNECTION_OPTIONS.items() if spec.get("no_log")} - {"proxy"}
    credentials |= {"client_id", "certificate_path", "private_key_path"}
    assert credentials <= set(IDENTITY_OPTIONS)


def test_certificate_files_count_by_content(pem_files, tmp_path):
    certificate, key = pem_files
    original = requester_identity(with_certificate(certificate, key))
    assert requester_identity(with_certificate(certificate, key)) == original
    certificate.write_text(certificate.read_text().replace("AAAA", "CCCC"))  # replaced at the same path
    replaced = requester_identity(with_certificate(certificate, key))
    assert replaced != original
    key.write_text(key.read_text().replace("BBBB", "DDDD"))
    assert requester_identity(with_certificate(certificate, key)) not in (original, replaced)


def test_a_missing_or_unreadable_certificate_is_another_identity(pem_files, tmp_path):
    certificate, key = pem_files
    readable = requester_identity(with_certificate(certificate, key))
    missing = requester_identity(with_certificate(tmp_path / "nope.pem", key))
    assert missing != readable
    if os.geteuid() != 0:  # root reads any file
        certificate.chmod(0)
        try:
            assert requester_identity(with_certificate(certificate, key)) not in (readable, missing)
        finally:
            certificate.chmod(0o600)


def test_the_token_cache_keys_on_the_identity():
    transport = FakeTransport(None)
    first = ClientCredentialsToken(BASE, transport).token()
    assert ClientCredentialsToken(dataclasses.replace(BASE), transport).token() == first
    other = ClientCredentialsToken(dataclasses.replace(BASE, client_secret="rotated-secret"), transport).token()
    assert other != first and transport.token_requests == 2
