import time

import requests

from avepoint_simulator import Simulator, SimulatorConfig
from sim_helpers import ELEMENTS, ELEMENTS_JOBS, ELEMENTS_PROTECTION, PARTNER, PARTNER_JOBS, PARTNER_PROTECTION, bearer, fetch_token


def test_secret_success(sim):
    resp = fetch_token(sim, PARTNER)
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == PARTNER and body["access_token"]
    assert resp.headers["Cache-Control"] == "no-store"


def test_no_scope_grants_all_allowed(sim):
    resp = fetch_token(sim, None)
    assert resp.status_code == 200
    assert set(resp.json()["scope"].split()) == {PARTNER, ELEMENTS, PARTNER_JOBS, ELEMENTS_JOBS, PARTNER_PROTECTION, ELEMENTS_PROTECTION,
                                                 "partner.license.read.all", "elements.license.read.all"}


def test_bad_secret_and_client(sim):
    for kwargs in ({"client_secret": "nope"}, {"client_id": "00000000-0000-0000-0000-000000000000"},
                   {"client_secret": None}):
        resp = fetch_token(sim, PARTNER, **kwargs)
        assert resp.status_code == 400
        assert resp.json() == {"error": "invalid_client"}
    counters = sim.counters()
    assert counters["token_requests"] == 3 and counters["token_failures"] == 3
    assert counters["api_requests"] == 0


def test_bad_grant_and_scope(sim):
    assert fetch_token(sim, PARTNER, grant_type="password").json() == {"error": "unsupported_grant_type"}
    assert fetch_token(sim, "partner.unknown.read.all").json() == {"error": "invalid_scope"}
    assert fetch_token(sim, "x" * 301).json() == {"error": "invalid_scope"}
    resp = requests.post(sim.token_url, json={"grant_type": "client_credentials"}, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"


def test_allowed_scopes_restricts():
    with Simulator(SimulatorConfig(allowed_scopes=[PARTNER])) as sim:
        assert fetch_token(sim, PARTNER).status_code == 200
        resp = fetch_token(sim, f"{PARTNER} {ELEMENTS}")
        assert resp.status_code == 400 and resp.json() == {"error": "invalid_scope"}


def test_revoke_and_expiry():
    with Simulator(SimulatorConfig(token_ttl=1)) as sim:
        cid = sim.customers[0]["id"]
        h = bearer(sim)
        url = f"{sim.url}/partner/customers/{cid}"
        assert requests.get(url, headers=h, timeout=5).status_code == 200
        time.sleep(1.1)
        resp = requests.get(url, headers=h, timeout=5)
        assert resp.status_code == 401 and "expired" in resp.json()["message"]
        h2 = bearer(sim)
        assert requests.get(url, headers=h2, timeout=5).status_code == 200
        sim.revoke_tokens()
        resp = requests.get(url, headers=h2, timeout=5)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoke_via_control_endpoint(sim, headers):
    url = f"{sim.url}/partner/customers"
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    assert requests.post(f"{sim.url}/_sim/revoke-tokens", timeout=5).status_code == 200
    assert requests.get(url, headers=headers, timeout=5).status_code == 401
