import requests

from avepoint_simulator import Simulator, SimulatorConfig
from sim_helpers import BATCH_PATH, ELEMENTS, PARTNER, bearer

V3 = {"id", "organization", "ownerEmail", "jobStatus", "countryOrRegion", "managementMode", "tenants"}


def _post(sim, h, query="", body=None, **kw):
    return requests.post(f"{sim.url}{BATCH_PATH}{query}", headers=h, json=body, timeout=5, **kw)


def test_paging_defaults_and_all():
    with Simulator(SimulatorConfig(customers=120)) as sim:
        h = bearer(sim, ELEMENTS)
        body = _post(sim, h).json()  # no body, no query: page 1, size 50
        assert body["metadata"] == {"pageIndex": 1, "pageSize": 50, "totalCount": 120}
        assert len(body["data"]) == 50
        item = body["data"][0]
        assert set(item) == V3 and isinstance(item["jobStatus"], int)
        assert all(set(t) == {"id", "name"} for t in item["tenants"])
        ids = []
        for page in (1, 2):
            r = _post(sim, h, f"?pageIndex={page}&pageSize=100", {})
            ids += [c["id"] for c in r.json()["data"]]
        assert ids == [c["id"] for c in sim.customers]
        beyond = _post(sim, h, "?pageIndex=9&pageSize=100").json()
        assert beyond["data"] == [] and beyond["metadata"]["totalCount"] == 120


def test_customer_ids(sim):
    h = bearer(sim, ELEMENTS)
    wanted = [sim.customers[5]["id"].upper(), sim.customers[2]["id"], "00000000-0000-0000-0000-000000000000"]
    body = _post(sim, h, "?pageIndex=1&pageSize=100", {"customerIds": wanted}).json()
    assert [c["id"] for c in body["data"]] == [sim.customers[2]["id"], sim.customers[5]["id"]]
    assert body["metadata"]["totalCount"] == 2


def test_limits(sim):
    h = bearer(sim, ELEMENTS)
    too_many = [sim.customers[0]["id"]] * 101
    assert _post(sim, h, "", {"customerIds": too_many}).status_code == 400
    assert _post(sim, h, "", {"customerIds": [sim.customers[0]["id"]] * 100}).status_code == 200
    for q in ("?pageSize=101", "?pageSize=0", "?pageIndex=0", "?pageIndex=x"):
        r = _post(sim, h, q)
        assert r.status_code == 400, q
        assert r.json()["statusCode"] == 400
    assert _post(sim, h, "", {"customerIds": "abc"}).status_code == 400
    assert _post(sim, h, "", data=b"{not json", ).status_code == 400


def test_scope_and_auth(sim):
    assert _post(sim, bearer(sim, PARTNER)).status_code == 403
    assert _post(sim, {}).status_code == 401


def test_json_body_needs_json_content_type(sim, headers):
    body = b'{"customerIds": []}'
    r = requests.post(f"{sim.url}{BATCH_PATH}", headers=headers, data=body, timeout=5)
    assert r.status_code == 415
    r = requests.post(f"{sim.url}{BATCH_PATH}", headers=dict(headers, **{"Content-Type": "application/json"}), data=body, timeout=5)
    assert r.status_code == 200
