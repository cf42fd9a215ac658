"""The simulator's two protection endpoints: seeded profiles, both views, the sample shapes, paging, scopes, errors."""
import pytest
import requests

from avepoint_simulator import Simulator, SimulatorConfig
from avepoint_simulator.protection import PROFILES, WORKLOADS, generate_protection
from sim_helpers import ELEMENTS_JOBS, ELEMENTS_PROTECTION, PARTNER_PROTECTION, bearer

PARTNER_PATH = "/partner/customers/{}/protected"
V3_PATH = "/partner/external/v3/general/customers/{}/cloud-backup-m365/overview"
FIELDS = ["customerId", "customer", "serviceType", "serviceModule", "totalScannedObjects", "totalProtectedObjects",
          "dataSizeStoredInAvePoint", "dataSizeStoredInBYOS"]


def get(sim, h, path, **params):
    return requests.get(sim.url + path, headers=h, params=params or None, timeout=5)


def partner_items(sim, h, cid):
    url, items = sim.url + PARTNER_PATH.format(cid), []
    while url:
        r = requests.get(url, headers=h, timeout=5)
        assert r.status_code == 200, r.text
        items += r.json()["value"]
        url = r.json().get("@odata.nextLink")
    return items


def test_profiles_are_deterministic_and_say_what_they_promise():
    assert generate_protection(1, 1) == generate_protection(1, 1) != generate_protection(1, 2)
    with Simulator(SimulatorConfig(customers=len(PROFILES), seed=5)) as sim:
        by_profile = {sim.protection_profile(c["id"]): sim.protection(c["id"]) for c in sim.customers}
    assert set(by_profile) == set(PROFILES)
    modules = {profile: {i["serviceModule"]: i for i in items} for profile, items in by_profile.items()}
    assert sorted(modules["full"]) == sorted(WORKLOADS)
    assert all(0 < i["totalProtectedObjects"] == i["totalScannedObjects"] for i in modules["full"].values())
    short = [i for i in modules["partial"].values() if i["totalProtectedObjects"] * 100 < 95 * i["totalScannedObjects"]]
    assert len(short) == 1 and short[0]["totalProtectedObjects"] > 0
    assert "OneDrive" not in modules["no_onedrive"] and len(modules["no_onedrive"]) == 4
    assert modules["unprotected"]["OneDrive"]["totalProtectedObjects"] == 0 < modules["unprotected"]["OneDrive"]["totalScannedObjects"]
    assert modules["unscanned"]["Microsoft Teams"]["totalScannedObjects"] == 0
    assert by_profile["none"] == []


def test_both_apis_serve_the_same_items_spelt_as_the_samples_by_default():
    with Simulator(SimulatorConfig(customers=3, seed=5)) as sim:
        cid = sim.customers[0]["id"]
        stored = sim.protection(cid)
        v3 = get(sim, bearer(sim, ELEMENTS_PROTECTION), V3_PATH.format(cid.upper()), pageIndex=1, pageSize=100).json()
        assert v3["metadata"] == {"pageIndex": 1, "pageSize": 100, "totalCount": len(stored)}
        partner = get(sim, bearer(sim, PARTNER_PROTECTION), PARTNER_PATH.format(cid)).json()
        assert partner["value"] == v3["data"] and "#Collection(Portal.Api.Model.CustomerOverallProtected)" in partner["@odata.context"]
        assert all(list(i) == FIELDS and i["customerId"] == cid for i in v3["data"])
        assert [i["serviceModule"] for i in v3["data"]] == [
            {"Microsoft 365 Groups": "Microsoft 365 Group", "OneDrive": "OneDrive for Business"}.get(i["serviceModule"], i["serviceModule"])
            for i in stored]
        assert "Microsoft 365 Group" in [i["serviceModule"] for i in v3["data"]]
        sim.set_shapes({"protection_module_names": "jobs"})
        assert [i["serviceModule"] for i in partner_items(sim, bearer(sim, PARTNER_PROTECTION), cid)] == [
            i["serviceModule"] for i in stored]


def test_the_v3_page_comes_wrapped_in_a_list_as_published_and_pages_as_asked():
    with Simulator(SimulatorConfig(customers=1, seed=5)) as sim:
        cid = sim.customers[0]["id"]
        h = bearer(sim, ELEMENTS_PROTECTION)
        sim.set_shapes({"protection_wrapped": True, "protection_page_size": 2})
        pages = [get(sim, h, V3_PATH.format(cid), pageIndex=n, pageSize=100).json() for n in (1, 2, 3)]
        assert all(isinstance(page, list) and len(page) == 1 for page in pages)
        assert [len(page[0]["data"]) for page in pages] == [2, 2, 1]
        assert pages[0][0]["metadata"] == {"pageIndex": 1, "pageSize": 2, "totalCount": 5}
        sim.set_shapes({"protection_page_size": 2})
        partner = partner_items(sim, bearer(sim, PARTNER_PROTECTION), cid)
        assert [i["serviceModule"] for i in partner] == [i["serviceModule"] for page in pages for i in page[0]["data"]]
        counters = sim.counters()["by_path"]
        assert counters["GET /partner/customers/{id}/protected"] == 3
        assert counters["GET /partner/external/v3/general/customers/{id}/cloud-backup-m365/overview"] == 3


def test_a_dataset_list_is_served_verbatim_and_can_change_while_running():
    odd = [{"serviceType": "Cloud Backup for Microsoft 365", "serviceModule": "Copilot Notebooks", "totalScannedObjects": 3,
            "totalProtectedObjects": 1, "dataSizeStoredInAvePoint": "1,5 GB", "dataSizeStoredInBYOS": "N/A"}]
    with Simulator(SimulatorConfig(customers=2, seed=5)) as sim:
        cid = sim.customers[0]["id"]
        generated = sim.protection(cid)
        sim.update_customer(cid, {"protection": odd})
        assert sim.protection_profile(cid) == "dataset"
        h = bearer(sim, PARTNER_PROTECTION)
        assert get(sim, h, PARTNER_PATH.format(cid)).json()["value"] == [dict(
            {"customerId": cid, "customer": sim.customers[0]["ownerEmail"]}, **odd[0])]
        sim.update_customer(cid, {"protection": None})
        assert sim.protection(cid) == generated


def test_wrong_id_serves_another_customers_items():
    with Simulator(SimulatorConfig(customers=3, seed=5)) as sim:
        asked, other = sim.customers[0]["id"], sim.customers[1]["id"]
        sim.set_shapes({"wrong_id": [asked]})
        items = get(sim, bearer(sim, PARTNER_PROTECTION), PARTNER_PATH.format(asked)).json()["value"]
        assert items and {i["customerId"] for i in items} == {other}


def test_scopes_unknown_customers_bad_ids_and_methods():
    with Simulator(SimulatorConfig(customers=2, seed=5)) as sim:
        cid = sim.customers[0]["id"]
        assert get(sim, bearer(sim, ELEMENTS_JOBS), V3_PATH.format(cid)).status_code == 403
        assert get(sim, bearer(sim, ELEMENTS_PROTECTION), PARTNER_PATH.format(cid)).status_code == 403
        h = bearer(sim, f"{PARTNER_PROTECTION} {ELEMENTS_PROTECTION}")
        assert get(sim, h, PARTNER_PATH.format("00000000-0000-4000-8000-000000000000")).status_code == 404
        assert get(sim, h, V3_PATH.format("00000000-0000-4000-8000-000000000000")).status_code == 404
        assert get(sim, h, V3_PATH.format("not-a-guid")).status_code == 400
        assert get(sim, h, V3_PATH.format(cid), pageSize=101).status_code == 400
        assert requests.post(sim.url + V3_PATH.format(cid), headers=h, json={}, timeout=5).status_code == 405


def test_protection_shapes_are_checked():
    with Simulator(SimulatorConfig(customers=1, seed=5)) as sim:
        for bad in ({"protection_module_names": "plural"}, {"protection_wrapped": "yes"}, {"protection_page_size": -1}):
            with pytest.raises(ValueError, match=next(iter(bad))):
                sim.set_shapes(bad)
