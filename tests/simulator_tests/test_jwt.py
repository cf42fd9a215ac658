import time
import uuid

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from avepoint_simulator import APP_KEY_PASSPHRASE, DEFAULT_CLIENT_ID, Simulator, SimulatorConfig
from sim_helpers import PARTNER

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def jsim(app_cert_dir):
    with Simulator(SimulatorConfig(app_cert_dir=app_cert_dir)) as s:
        yield s


def _load(app_cert_dir, stem, passphrase=None, key_file=None):
    with open(f"{app_cert_dir}/{key_file or stem + '.key.pem'}", "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), password=passphrase)
    with open(f"{app_cert_dir}/{stem}.crt.pem", "rb") as fh:
        cert = x509.load_pem_x509_certificate(fh.read())
    return key, cert


def make_assertion(key, cert, aud, *, jti=None, exp_delta=300, iss=DEFAULT_CLIENT_ID, with_x5t=True):
    now = int(time.time())
    headers = {"kid": cert.fingerprint(hashes.SHA1()).hex().upper()}
    if with_x5t:
        headers["x5t"] = jwt.utils.base64url_encode(cert.fingerprint(hashes.SHA1())).decode()
    claims = {"iss": iss, "sub": iss, "aud": aud, "jti": jti or str(uuid.uuid4()),
              "nbf": now, "iat": now, "exp": now + exp_delta}
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def post_assertion(sim, assertion, scope=PARTNER):
    return requests.post(sim.token_url, timeout=5, data={
        "grant_type": "client_credentials", "scope": scope,
        "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})


def test_files_generated(app_cert_dir, jsim):
    import os

    for name in ("app.crt.pem", "app.key.pem", "app.key.enc.pem", "other.crt.pem", "other.key.pem",
                 "expired.crt.pem", "expired.key.pem"):
        assert os.path.exists(os.path.join(app_cert_dir, name))
    with pytest.raises(TypeError):  # encrypted copy really needs the passphrase
        _load(app_cert_dir, "app", key_file="app.key.enc.pem")


def test_assertion_accepted(app_cert_dir, jsim):
    key, cert = _load(app_cert_dir, "app", APP_KEY_PASSPHRASE, key_file="app.key.enc.pem")
    resp = post_assertion(jsim, make_assertion(key, cert, jsim.token_url))
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    r = requests.get(f"{jsim.url}/partner/customers", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert r.status_code == 200
    # localhost spelling of the token URL is accepted too; no x5t header is fine
    aud = jsim.token_url.replace("127.0.0.1", "localhost")
    assert post_assertion(jsim, make_assertion(key, cert, aud, with_x5t=False)).status_code == 200


@pytest.mark.parametrize("case", ["other_cert", "expired_cert", "wrong_aud", "expired_exp", "wrong_iss",
                                  "long_lived", "garbage"])
def test_assertion_rejected(app_cert_dir, jsim, case):
    key, cert = _load(app_cert_dir, "app")
    aud = jsim.token_url
    if case == "other_cert":
        assertion = make_assertion(*_load(app_cert_dir, "other"), aud)
    elif case == "expired_cert":
        assertion = make_assertion(*_load(app_cert_dir, "expired"), aud)
    elif case == "wrong_aud":
        assertion = make_assertion(key, cert, "https://identity.avepointonlineservices.com/connect/token")
    elif case == "expired_exp":
        assertion = make_assertion(key, cert, aud, exp_delta=-120)
    elif case == "wrong_iss":
        assertion = make_assertion(key, cert, aud, iss="99999999-2222-3333-4444-555555555555")
    elif case == "long_lived":
        assertion = make_assertion(key, cert, aud, exp_delta=7 * 86400)
    else:
        assertion = "not.a.jwt"
    resp = post_assertion(jsim, assertion)
    assert resp.status_code == 400
    assert resp.json() == {"error": "invalid_client"}


def test_replayed_jti(app_cert_dir, jsim):
    key, cert = _load(app_cert_dir, "app")
    assertion = make_assertion(key, cert, jsim.token_url, jti="fixed-" + str(uuid.uuid4()))
    assert post_assertion(jsim, assertion).status_code == 200
    resp = post_assertion(jsim, assertion)
    assert resp.status_code == 400 and resp.json() == {"error": "invalid_client"}


def test_assertion_without_registered_cert(app_cert_dir, sim):
    key, cert = _load(app_cert_dir, "app")
    resp = post_assertion(sim, make_assertion(key, cert, sim.token_url))
    assert resp.status_code == 400 and resp.json() == {"error": "invalid_client"}
