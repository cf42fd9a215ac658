"""The simulator's two jobs endpoints: seeded histories, paging, filters, scopes and errors."""
import json
import time

import requests

from avepoint_simulator import Simulator, SimulatorConfig
from avepoint_simulator.jobs import PROFILES, generate_jobs
from sim_helpers import ELEMENTS, ELEMENTS_JOBS, PARTNER, PARTNER_JOBS, bearer

V3_JOBS = "/partner/external/v3/general/customers/{}/avpt-products/jobs/batch"
FIELDS = {"jobType", "jobModule", "status", "jobId", "name", "totalCount", "failedCount", "successfulCount",
          "skippedCount", "warningCount", "backupSize", "startTime", "endTime", "jobDuration", "lastModifyTime"}
NOW = 1_790_000_000.0


def v3_page(sim, h, cid, query="?pageIndex=1&pageSize=100", body=None, **kw):
    return requests.post(sim.url + V3_JOBS.format(cid) + query, headers=h, json=body, timeout=5, **kw)


def partner_pages(sim, h, cid):
    url, pages = f"{sim.url}/partner/customers/{cid}/jobs", []
    while url:
        r = requests.get(url, headers=h, timeout=5)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        url = pages[-1].get("@odata.nextLink")
    return pages


def finished_ends(jobs):
    return sorted(j["endTime"] for j in jobs if j["status"] == 2 and j["endTime"] != "N/A")


def test_histories_are_deterministic_and_cover_every_profile():
    assert generate_jobs(3, 1, NOW) == generate_jobs(3, 1, NOW)
    assert generate_jobs(3, 1, NOW) != generate_jobs(3, 2, NOW)
    assert generate_jobs(7, 1, NOW) == []  # "empty"
    with Simulator(SimulatorConfig(customers=16, seed=5, jobs_now=NOW)) as sim:
        by_profile = {}
        for c in sim.customers:
            by_profile.setdefault(sim.job_profile(c["id"]), []).append(sim.jobs(c["id"]))
        assert set(by_profile) == set(PROFILES)
        now_iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW))
        day_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 86400))
        for jobs in by_profile["healthy"] + by_profile["running"] + by_profile["placeholder"] + by_profile["partial"]:
            assert finished_ends(jobs)[-1] > day_ago  # a success within 24 hours
        for jobs in by_profile["partial"]:  # one workload failing for days while another succeeds
            assert finished_ends([j for j in jobs if j["jobModule"] == 302])[-1] > day_ago
            exchange = [j for j in jobs if j["jobModule"] == 303]
            assert finished_ends(exchange)[-1] < time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 3 * 86400))
            assert exchange[0]["status"] in (3, 7, 8)
        for jobs in by_profile["stale"]:
            assert finished_ends(jobs)[-1] < time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 3 * 86400))
        for jobs in by_profile["late"]:
            assert finished_ends(jobs)[-1] < time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - 26 * 3600))
        for jobs in by_profile["never"]:
            assert finished_ends(jobs) == [] and any(j["status"] == 2 for j in jobs)  # only N/A placeholders finished
        for jobs in by_profile["running"]:
            assert any(j["status"] == 1 and j["endTime"] == "N/A" for j in jobs)
        for jobs in sum(by_profile.values(), []):
            assert all(j["endTime"] == "N/A" or j["endTime"] <= now_iso for j in jobs)
            starts = [j["startTime"] for j in jobs if j["startTime"] != "N/A"]
            assert starts == sorted(starts, reverse=True)  # newest first
        assert any(len(jobs) > 100 for jobs in sum(by_profile.values(), []))  # some need two v3 pages


def test_elements_jobs_paging_filters_and_shape():
    with Simulator(SimulatorConfig(customers=8, seed=5, jobs_now=NOW)) as sim:
        h = bearer(sim, ELEMENTS_JOBS)
        cid = max(sim.customers, key=lambda c: len(sim.jobs(c["id"])))["id"]
        expected = [{k: v for k, v in j.items() if not k.startswith("_")} for j in sim.jobs(cid)]
        assert len(expected) > 100
        first = v3_page(sim, h, cid).json()
        assert first["metadata"] == {"pageIndex": 1, "pageSize": 100, "totalCount": len(expected)}
        second = v3_page(sim, h, cid, "?pageIndex=2&pageSize=100", {}).json()
        assert first["data"] + second["data"] == expected
        item = first["data"][0]
        assert set(item) == FIELDS and all(isinstance(item[k], int) for k in ("jobType", "jobModule", "status"))
        assert v3_page(sim, h, cid, "").json()["metadata"]["pageSize"] == 50  # documented default
        module = expected[0]["jobModule"]
        filtered = v3_page(sim, h, cid, body={"jobType": 7, "jobModule": module}).json()
        assert filtered["data"] and all(j["jobModule"] == module and j["jobType"] == 7 for j in filtered["data"])
        assert filtered["metadata"]["totalCount"] == sum(1 for j in expected if j["jobModule"] == module and j["jobType"] == 7)
        assert v3_page(sim, h, cid, body={"jobType": "7"}).status_code == 400
        assert v3_page(sim, h, cid, "?pageSize=101").status_code == 400
        r = requests.post(sim.url + V3_JOBS.format(cid), headers=h, data=b'{"jobType": 7}', timeout=5)
        assert r.status_code == 415


def test_partner_jobs_follow_next_links_with_names_and_strings():
    with Simulator(SimulatorConfig(customers=8, seed=5, jobs_now=NOW, partner_jobs_page_size=20)) as sim:
        h = bearer(sim, PARTNER_JOBS)
        for c in sim.customers:
            raw = sim.jobs(c["id"])
            pages = partner_pages(sim, h, c["id"])
            assert len(pages) == max(1, -(-len(raw) // 20))
            items = [item for page in pages for item in page["value"]]
            assert len(items) == len(raw)
            assert all(set(item) == FIELDS and all(isinstance(v, str) for v in item.values()) for item in items)
            assert pages[0]["@odata.context"].endswith("#Collection(Portal.Api.Model.BackUpJob)")
            for item, job in zip(items, raw):
                assert item["jobId"] == job["jobId"] and item["endTime"] == job["endTime"]
                if job.get("_placeholder"):
                    assert item["status"] == "Not Finished"  # as in AvePoint's partner sample
                elif job["status"] == 2:
                    assert (item["status"], item["jobType"]) == ("Finished", "Microsoft 365" if job["jobType"] == 7 else item["jobType"])


def test_scopes_are_enforced_like_the_customer_endpoints(sim):
    cid = sim.customers[0]["id"]
    for scope in (PARTNER, ELEMENTS, ELEMENTS_JOBS):
        assert requests.get(f"{sim.url}/partner/customers/{cid}/jobs", headers=bearer(sim, scope), timeout=5).status_code == 403
    for scope in (PARTNER, ELEMENTS, PARTNER_JOBS):
        assert v3_page(sim, bearer(sim, scope), cid).status_code == 403
    assert requests.get(f"{sim.url}/partner/customers/{cid}/jobs", timeout=5).status_code == 401
    assert v3_page(sim, {}, cid).status_code == 401
    counters = sim.counters()["by_path"]
    assert counters == {"GET /partner/customers/{id}/jobs": 4,
                        "POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch": 4}


def test_unknown_and_invalid_customers(sim):
    h = bearer(sim, f"{PARTNER_JOBS} {ELEMENTS_JOBS}")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert requests.get(f"{sim.url}/partner/customers/{unknown}/jobs", headers=h, timeout=5).status_code == 404
    assert v3_page(sim, h, unknown).status_code == 404
    assert requests.get(f"{sim.url}/partner/customers/not-a-guid/jobs", headers=h, timeout=5).status_code == 400
    assert v3_page(sim, h, "not-a-guid").status_code == 400
    upper = sim.customers[1]["id"].upper()
    assert requests.get(f"{sim.url}/partner/customers/{upper}/jobs", headers=h, timeout=5).status_code == 200


def test_the_v3_jobs_path_can_move_and_a_dataset_can_pin_jobs(tmp_path):
    pinned = [{"jobType": 7, "jobModule": 302, "status": 99, "jobId": "X1", "name": "N/A", "startTime": "N/A",
               "endTime": "N/A", "jobDuration": "forever", "backupSize": "N/A"}]
    dataset = tmp_path / "customers.json"
    dataset.write_text(json.dumps([{"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "jobs": pinned}, {}]))
    moved = "/partner/external/v3/general/customers/{id}/products/jobs/batch"
    with Simulator(SimulatorConfig(dataset_file=str(dataset), elements_jobs_path=moved)) as sim:
        h = bearer(sim, ELEMENTS_JOBS)
        cid = sim.customers[0]["id"]
        assert sim.job_profile(cid) == "dataset"
        assert v3_page(sim, h, cid).status_code == 404  # the documented path is gone
        r = requests.post(sim.url + moved.format(id=cid), headers=h, timeout=5)
        assert r.status_code == 200 and r.json()["data"] == pinned


def test_faults_can_target_one_customers_jobs(sim):
    h = bearer(sim, PARTNER_JOBS)
    target, other = sim.customers[0]["id"], sim.customers[1]["id"]
    sim.set_faults([{"kind": "status", "status": 503, "path": "/jobs$", "ids": [target]}])
    assert requests.get(f"{sim.url}/partner/customers/{target}/jobs", headers=h, timeout=5).status_code == 503
    assert requests.get(f"{sim.url}/partner/customers/{other}/jobs", headers=h, timeout=5).status_code == 200


def test_a_jobs_endpoint_that_ignores_the_page_index(sim):
    h = bearer(sim, ELEMENTS_JOBS)
    cid = next(c["id"] for c in sim.customers if len(sim.jobs(c["id"])) > 3)
    first = v3_page(sim, h, cid, "?pageIndex=1&pageSize=2").json()
    sim.set_shapes({"jobs_ignore_page_index": True})
    second = v3_page(sim, h, cid, "?pageIndex=2&pageSize=2").json()
    assert second["data"] == first["data"] and second["metadata"]["totalCount"] == len(sim.jobs(cid))
    sim.clear_shapes()
    assert v3_page(sim, h, cid, "?pageIndex=2&pageSize=2").json()["data"] != first["data"]
