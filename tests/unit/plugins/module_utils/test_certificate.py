"""Certificate credentials: loading checks, the JWT client assertion, options and the token request."""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
import uuid

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.avepoint.graph.plugins.module_utils import _deps
from ansible_collections.avepoint.graph.plugins.module_utils._auth import CertificateToken, token_source_for
from ansible_collections.avepoint.graph.plugins.module_utils._certificate import ASSERTION_TYPE, load_certificate_credential
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, DependencyError
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, module_argument_spec, settings_from_getter

from avepoint_simulator import APP_KEY_PASSPHRASE
from avepoint_simulator.tls import _self_signed, ensure_app_certs
from fakes import API_URL, FakeTransport, TOKEN_URL, customer, response


CLIENT_ID = "11111111-2222-3333-4444-555555555555"
PASSPHRASE = APP_KEY_PASSPHRASE.decode()


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """The simulator's test certificates plus a not-yet-valid one, an EC key and non-PEM files."""
    root = tmp_path_factory.mktemp("certs")
    ensure_app_certs(str(root))
    key = serialization.load_pem_private_key((root / "app.key.pem").read_bytes(), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    future = _self_signed("future", key, now + datetime.timedelta(days=2), now + datetime.timedelta(days=30))
    (root / "future.crt.pem").write_bytes(future.public_bytes(serialization.Encoding.PEM))
    (root / "app.crt.der").write_bytes(x509.load_pem_x509_certificate((root / "app.crt.pem").read_bytes()).public_bytes(serialization.Encoding.DER))
    (root / "ec.key.pem").write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (root / "combined.pem").write_bytes((root / "app.key.pem").read_bytes() + (root / "app.crt.pem").read_bytes())
    (root / "garbage.pem").write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    (root / "garbage.key.pem").write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    return root


def load(certs, cert="app.crt.pem", key="app.key.pem", passphrase=None):
    return load_certificate_credential(str(certs / cert), str(certs / key), passphrase)


def test_assertion_claims_and_header_verify_with_the_certificate(certs):
    credential = load(certs, key="app.key.enc.pem", passphrase=PASSPHRASE)
    before = int(time.time())
    assertion = credential.client_assertion(CLIENT_ID, TOKEN_URL)
    certificate = x509.load_pem_x509_certificate((certs / "app.crt.pem").read_bytes())
    claims = jwt.decode(assertion, certificate.public_key(), algorithms=["RS256"], audience=TOKEN_URL, issuer=CLIENT_ID,
                        options={"require": ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]})
    assert claims["sub"] == CLIENT_ID
    assert uuid.UUID(claims["jti"]).version == 4
    assert before <= claims["iat"] == claims["nbf"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 300
    header = jwt.get_unverified_header(assertion)
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert header["alg"] == "RS256"
    assert header["x5t"] == base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    assert header["kid"] == hashlib.sha1(der).hexdigest().upper() == credential.thumbprint
    assert jwt.decode(credential.client_assertion(CLIENT_ID, TOKEN_URL), certificate.public_key(), algorithms=["RS256"],
                      audience=TOKEN_URL)["jti"] != claims["jti"]  # a fresh jti every time


def test_an_assertion_signed_with_another_key_does_not_verify(certs):
    assertion = load(certs, cert="other.crt.pem", key="other.key.pem").client_assertion(CLIENT_ID, TOKEN_URL)
    app = x509.load_pem_x509_certificate((certs / "app.crt.pem").read_bytes())
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(assertion, app.public_key(), algorithms=["RS256"], audience=TOKEN_URL)


def test_assertion_uses_the_given_clock(certs):
    assertion = load(certs).client_assertion(CLIENT_ID, TOKEN_URL, clock=lambda: 1_000_000.7)
    claims = jwt.decode(assertion, options={"verify_signature": False})
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (1_000_000, 1_000_000, 1_000_300)


def test_a_combined_pem_file_serves_as_both_paths(certs):
    assert load(certs, cert="combined.pem", key="combined.pem").thumbprint == load(certs).thumbprint


def test_a_passphrase_for_a_plain_key_is_ignored(certs):
    assert load(certs, passphrase="unused").thumbprint == load(certs).thumbprint


@pytest.mark.parametrize("cert, key, passphrase, message", [
    ("missing.pem", "app.key.pem", None, "certificate_path '{d}/missing.pem' is not a readable file (No such file or directory)"),
    (".", "app.key.pem", None, "certificate_path '{d}' is not a readable file (Is a directory)"),
    ("app.crt.pem", "missing.pem", None, "private_key_path '{d}/missing.pem' is not a readable file (No such file or directory)"),
    ("app.key.pem", "app.key.pem", None, "certificate_path '{d}/app.key.pem' is not a PEM certificate"),
    ("app.crt.der", "app.key.pem", None, "openssl x509 -inform der"),
    ("garbage.pem", "app.key.pem", None, "holds a damaged PEM certificate"),
    ("app.crt.pem", "app.crt.pem", None, "private_key_path '{d}/app.crt.pem' is not a PEM private key"),
    ("app.crt.pem", "garbage.key.pem", None, "holds a damaged or unsupported PEM private key"),
    ("app.crt.pem", "app.key.enc.pem", None, "is encrypted: set private_key_passphrase (or AVEPOINT_PRIVATE_KEY_PASSPHRASE)"),
    ("app.crt.pem", "app.key.enc.pem", "not-the-passphrase",
     "cannot decrypt the private key in private_key_path '{d}/app.key.enc.pem': wrong private_key_passphrase"),
    ("app.crt.pem", "other.key.pem", None, "the private key in private_key_path '{d}/other.key.pem' does not belong to the "
                                           "certificate in certificate_path '{d}/app.crt.pem'"),
    ("app.crt.pem", "ec.key.pem", None, "does not hold an RSA key"),
    ("expired.crt.pem", "expired.key.pem", None, "the certificate in certificate_path '{d}/expired.crt.pem' expired on "),
    ("future.crt.pem", "app.key.pem", None, "the certificate in certificate_path '{d}/future.crt.pem' is not valid before "),
])
def test_local_problems_are_named(certs, cert, key, passphrase, message):
    with pytest.raises(ConfigurationError) as error:
        load(certs, cert, key, passphrase)
    text = str(error.value)
    assert message.format(d=certs) in text
    assert "sim-passphrase" not in text and "not-the-passphrase" not in text and "PRIVATE KEY-----\n" not in text


def test_missing_libraries_are_reported_with_ansibles_wording(certs, monkeypatch):
    monkeypatch.setitem(_deps.CERTIFICATE_LIBRARIES, "PyJWT", "Traceback: No module named 'jwt'")
    with pytest.raises(DependencyError) as error:
        load(certs)
    assert "Failed to import the required Python library (PyJWT)" in str(error.value)
    assert "for certificate authentication" in str(error.value)


def cert_options(certs, **overrides):
    values = {"client_id": CLIENT_ID, "certificate_path": str(certs / "app.crt.pem"),
              "private_key_path": str(certs / "app.key.enc.pem"), "private_key_passphrase": PASSPHRASE,
              "api_url": API_URL, "token_url": TOKEN_URL}
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def test_certificate_settings_hide_the_passphrase(certs):
    settings = settings_from_getter(cert_options(certs).get)
    assert settings.credential_kind == "certificate"
    assert settings.certificate_path == str(certs / "app.crt.pem")
    assert PASSPHRASE not in repr(settings)
    assert PASSPHRASE in settings.secrets


@pytest.mark.parametrize("overrides, message", [
    ({"client_secret": "s3cret"}, "give exactly one kind of credential, not client_secret and certificate_path"),
    ({"access_token": "tok"}, "give exactly one kind of credential, not certificate_path and access_token"),
    ({"certificate_path": None, "client_secret": "s3cret"}, "not client_secret and private_key_path"),
    ({"client_id": None}, "certificate_path is set but client_id is missing"),
    ({"private_key_path": None}, "needs both certificate_path and private_key_path, but private_key_path is missing "
                                 "(option private_key_path or AVEPOINT_PRIVATE_KEY_PATH)"),
    ({"certificate_path": None}, "but certificate_path is missing (option certificate_path or AVEPOINT_CERTIFICATE_PATH)"),
])
def test_credential_combinations(certs, overrides, message):
    with pytest.raises(ConfigurationError) as error:
        settings_from_getter(cert_options(certs, **overrides).get)
    assert message in str(error.value)


def test_paths_expand_the_home_directory(certs, monkeypatch):
    monkeypatch.setenv("HOME", str(certs))
    settings = settings_from_getter(cert_options(certs, certificate_path="~/app.crt.pem", private_key_path="~/app.key.pem").get)
    assert (settings.certificate_path, settings.private_key_path) == (str(certs / "app.crt.pem"), str(certs / "app.key.pem"))


def test_a_passphrase_without_a_certificate_is_ignored():
    settings = settings_from_getter({"client_id": "app", "client_secret": "s", "private_key_passphrase": "left-over"}.get)
    assert settings.private_key_passphrase is None and settings.credential_kind == "client_secret"


def test_module_spec_for_certificate_options():
    spec = module_argument_spec()
    assert spec["certificate_path"]["type"] == spec["private_key_path"]["type"] == "path"
    assert spec["private_key_passphrase"]["no_log"] is True
    assert {name: CONNECTION_OPTIONS[name]["env"] for name in ("certificate_path", "private_key_path", "private_key_passphrase")} == {
        "certificate_path": "AVEPOINT_CERTIFICATE_PATH", "private_key_path": "AVEPOINT_PRIVATE_KEY_PATH",
        "private_key_passphrase": "AVEPOINT_PRIVATE_KEY_PASSPHRASE"}


class FormRecorder(FakeTransport):
    def __init__(self, handler, token_response=None):
        super().__init__(handler, token_response)
        self.forms = []

    def send(self, method, url, *, token=None, data=None, json_body=None, params=None, headers=None):
        if url == TOKEN_URL:
            self.forms.append(dict(data))
        return super().send(method, url, token=token, data=data, json_body=json_body, params=params, headers=headers)


def test_the_token_request_carries_a_verified_assertion_and_no_secret(certs):
    settings = settings_from_getter(cert_options(certs).get)
    transport = FormRecorder(lambda method, url, token, body: response(200, customer(url.rsplit("/", 1)[1])))
    client = AvePointClient(settings, transport=transport)
    assert isinstance(client.tokens, CertificateToken)
    ids = [str(uuid.UUID(int=n)) for n in range(1, 6)]
    assert len(client.get_customers(ids).customers) == 5
    client.get_customers(ids)  # the cached token is reused
    assert transport.token_requests == 1
    (form,) = transport.forms
    assert set(form) == {"grant_type", "scope", "client_assertion_type", "client_assertion"}
    assert (form["grant_type"], form["scope"], form["client_assertion_type"]) == (
        "client_credentials", "partner.customers.read.all", ASSERTION_TYPE)
    certificate = x509.load_pem_x509_certificate((certs / "app.crt.pem").read_bytes())
    claims = jwt.decode(form["client_assertion"], certificate.public_key(), algorithms=["RS256"], audience=TOKEN_URL)
    assert claims["iss"] == CLIENT_ID
    assert form["client_assertion"] in client.known_secrets()


def test_a_refused_certificate_says_what_to_check(certs):
    settings = settings_from_getter(cert_options(certs).get)
    transport = FakeTransport(lambda *a: response(200, {}), token_response=response(400, {"error": "invalid_client"}))
    client = AvePointClient(settings, transport=transport)
    with pytest.raises(ApiError) as error:
        client.get_customers([str(uuid.UUID(int=1))])
    assert "authentication failed (invalid_client)" in str(error.value)
    assert "the certificate in certificate_path is the one uploaded to this app registration" in str(error.value)


def test_a_bad_certificate_fails_before_any_request(certs):
    settings = settings_from_getter(cert_options(certs, private_key_path=str(certs / "other.key.pem")).get)
    transport = FakeTransport(lambda *a: response(200, {}))
    with pytest.raises(ConfigurationError, match="does not belong to the certificate"):
        AvePointClient(settings, transport=transport)
    assert transport.calls == []


def test_token_source_kinds(certs):
    settings = settings_from_getter(cert_options(certs).get)
    assert isinstance(token_source_for(settings, FakeTransport(None)), CertificateToken)
