"""Changing the dataset while the simulator runs (live.py): through the Python API and the control endpoints,
and seen by both customer APIs and the jobs endpoints."""
import time

import requests

from sim_helpers import BATCH_PATH, ELEMENTS, ELEMENTS_JOBS, PARTNER, PARTNER_JOBS, bearer

NEW_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def partner_list(sim, headers):
    resp = requests.get(f"{sim.url}/partner/customers", headers=headers, timeout=5)
    assert resp.status_code == 200
    return {c["id"]: c for c in resp.json()["value"]}


def v3_batch(sim, headers, ids):
    resp = requests.post(f"{sim.url}{BATCH_PATH}", json={"customerIds": ids}, headers=headers, timeout=5)
    assert resp.status_code == 200
    return {c["id"]: c for c in resp.json()["data"]}


def test_python_api_changes_are_served_by_both_apis(sim):
    headers = bearer(sim, f"{PARTNER} {ELEMENTS}")
    first, second = sim.customers[0]["id"], sim.customers[1]["id"]

    stored = sim.update_customer(first, {"jobStatus": "Failed", "organization": "Renamed Ltd"})
    assert stored["jobStatusCode"] == 2 and stored["organization"] == "Renamed Ltd"
    sim.remove_customer(second)
    sim.add_customer({"id": NEW_ID.upper(), "organization": "Newcomer", "jobStatusCode": 1})

    listed = partner_list(sim, headers)
    assert listed[first]["jobStatus"] == "Failed" and listed[first]["organization"] == "Renamed Ltd"
    assert second not in listed and listed[NEW_ID]["organization"] == "Newcomer"
    assert list(listed)[-1] == NEW_ID  # added at the end
    assert requests.get(f"{sim.url}/partner/customers/{second}", headers=headers, timeout=5).status_code == 404
    batch = v3_batch(sim, headers, [first, second, NEW_ID])
    assert set(batch) == {first, NEW_ID} and batch[first]["jobStatus"] == 2
    assert [c["id"] for c in sim.customers].count(NEW_ID) == 1 and len(sim.customers) == 25


def test_added_job_becomes_the_newest_of_the_history(sim):
    customer = sim.customers[3]["id"]  # profile "stale": no success for days
    before = sim.jobs(customer)
    job = sim.add_job(customer)
    assert sim.jobs(customer) == [job] + before
    assert job["status"] == 2 and abs(time.mktime(time.strptime(job["endTime"], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime())) < 120
    headers = bearer(sim, f"{PARTNER_JOBS} {ELEMENTS_JOBS}")
    resp = requests.get(f"{sim.url}/partner/customers/{customer}/jobs", headers=headers, timeout=5)
    assert resp.json()["value"][0]["jobId"] == job["jobId"] and resp.json()["value"][0]["status"] == "Finished"
    sim.update_customer(customer, {"jobs": []})
    assert sim.jobs(customer) == []
    sim.update_customer(customer, {"jobs": None})  # back to the generated history
    assert sim.jobs(customer) == before


def test_control_endpoints(sim):
    base = f"{sim.url}/_sim/customers"
    first = sim.customers[0]["id"]
    resp = requests.patch(f"{base}/{first}", json={"jobStatus": "No backup updates", "countryOrRegion": "Japan"}, timeout=5)
    assert resp.status_code == 200 and resp.json()["jobStatusCode"] == 6
    resp = requests.post(base, json={"id": NEW_ID, "organization": "Via HTTP"}, timeout=5)
    assert resp.status_code == 201 and resp.json()["organization"] == "Via HTTP"
    assert requests.post(base, json={"id": NEW_ID}, timeout=5).status_code == 409
    resp = requests.post(f"{base}/{NEW_ID}/jobs", json={"status": 3}, timeout=5)
    assert resp.status_code == 201 and resp.json()["status"] == 3
    assert sim.jobs(NEW_ID)[0]["jobId"] == resp.json()["jobId"]
    assert requests.delete(f"{base}/{NEW_ID}", timeout=5).status_code == 200
    assert NEW_ID not in {c["id"] for c in sim.customers}
    current = {c["id"]: c for c in sim.customers}[first]
    assert current["jobStatusCode"] == 6 and current["countryOrRegion"] == "Japan"


def test_control_endpoints_refuse_bad_changes(sim):
    base = f"{sim.url}/_sim/customers"
    before = sim.customers
    first = before[0]["id"]
    assert requests.patch(f"{base}/{first}", json={"color": "blue"}, timeout=5).status_code == 400
    assert requests.patch(f"{base}/{first}", json={"jobs": "none"}, timeout=5).status_code == 400
    assert requests.patch(f"{base}/{first}", data="{", timeout=5).status_code == 400
    assert requests.patch(f"{base}/{NEW_ID}", json={"organization": "x"}, timeout=5).status_code == 404
    assert requests.delete(f"{base}/{NEW_ID}", timeout=5).status_code == 404
    assert requests.post(base, json={"id": "not-a-guid"}, timeout=5).status_code == 400
    assert requests.put(f"{base}/{first}", json={}, timeout=5).status_code == 405
    assert sim.customers == before  # nothing half done
