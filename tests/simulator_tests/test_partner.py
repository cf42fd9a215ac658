import requests

from avepoint_simulator import JOB_STATUS_NAMES, Simulator, SimulatorConfig
from sim_helpers import ELEMENTS, PARTNER, bearer

FIVE = {"id", "organization", "ownerEmail", "jobStatus", "countryOrRegion"}


def test_get_one(sim, headers):
    c = sim.customers[3]
    resp = requests.get(f"{sim.url}/partner/customers/{c['id']}", headers=headers, timeout=5)
    assert resp.status_code == 200
    body = resp.json()
    assert body["@odata.context"] == f"{sim.url}/partner/$metadata#Customers/$entity"
    assert set(body) - {"@odata.context"} == FIVE
    assert body["id"] == c["id"] and body["organization"] == c["organization"]
    assert body["jobStatus"] == JOB_STATUS_NAMES[c["jobStatusCode"]]
    assert all(isinstance(body[k], str) for k in FIVE)


def test_get_one_case_insensitive(sim, headers):
    cid = sim.customers[0]["id"]
    resp = requests.get(f"{sim.url}/partner/customers/{cid.upper()}", headers=headers, timeout=5)
    assert resp.status_code == 200 and resp.json()["id"] == cid


def test_errors(sim, headers):
    base = f"{sim.url}/partner/customers"
    resp = requests.get(f"{base}/not-a-guid", headers=headers, timeout=5)
    assert resp.status_code == 400
    body = resp.json()
    assert body["statusCode"] == 400 and body["message"] and body["requestId"] and body["traceId"]
    resp = requests.get(f"{base}/00000000-0000-0000-0000-000000000000", headers=headers, timeout=5)
    assert resp.status_code == 404 and resp.json()["statusCode"] == 404
    assert requests.get(base, timeout=5).status_code == 401
    assert requests.get(base, headers={"Authorization": "Bearer bogus"}, timeout=5).status_code == 401
    assert requests.get(base, headers={"Authorization": "Basic abc"}, timeout=5).status_code == 401
    h = bearer(sim, ELEMENTS)
    resp = requests.get(base, headers=h, timeout=5)
    assert resp.status_code == 403 and resp.json()["statusCode"] == 403
    assert requests.get(f"{sim.url}/nope", headers=headers, timeout=5).status_code == 404
    assert requests.delete(base, headers=headers, timeout=5).status_code == 405


def test_list_unpaged(sim, headers):
    resp = requests.get(f"{sim.url}/partner/customers", headers=headers, timeout=5)
    body = resp.json()
    assert "@odata.nextLink" not in body
    assert [c["id"] for c in body["value"]] == [c["id"] for c in sim.customers]
    assert all(set(c) == FIVE for c in body["value"])


def test_list_paged_nextlink():
    with Simulator(SimulatorConfig(customers=23, partner_page_size=10)) as sim:
        h = bearer(sim, PARTNER)
        url, pages, ids = f"{sim.url}/partner/customers", 0, []
        s = requests.Session()
        while url:
            body = s.get(url, headers=h, timeout=5).json()
            ids += [c["id"] for c in body["value"]]
            url = body.get("@odata.nextLink")
            if url:
                assert url.startswith(f"{sim.url}/partner/customers?$skiptoken=")
            pages += 1
        assert pages == 3
        assert ids == [c["id"] for c in sim.customers]
        bad = s.get(f"{sim.url}/partner/customers?$skiptoken=%%%", headers=h, timeout=5)
        assert bad.status_code == 400
