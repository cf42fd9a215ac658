"""avepoint.graph.avepoint_job_info in real ansible-playbook runs against the simulator, on both APIs.

Expected values come straight from the simulator's raw (v3-shaped) histories: the newest
Finished job with an end time, the jobs whose time is at or after the window start the module
reports, the raw codes and strings. The two APIs must give identical results.
"""

from __future__ import annotations

import ast
import json
import time

import pytest
import yaml

from harness import DEFAULT_CLIENT_SECRET, REPO, Simulator, SimulatorConfig, connection_env
from avepoint_simulator.jobs import MODULE_NAMES  # AvePoint's job module names, as the v3 code table has them

MODULE = "avepoint.graph.avepoint_job_info"
CUSTOMER_MODULE = "avepoint.graph.avepoint_customer_info"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
NA = "N/A"


def raw_time(job):
    for key in ("endTime", "lastModifyTime", "startTime"):
        if job[key] != NA:
            return job[key]
    return None


def expected_last_success(raw_jobs):
    ends = [job["endTime"] for job in raw_jobs if job["status"] == 2 and job["endTime"] != NA]
    return max(ends) if ends else None


def expected_by_workload(raw_jobs):
    """The newest Finished end time per job module (none: null) among a raw history; module 0 is no workload."""
    found = {}
    for job in raw_jobs:
        if job["jobModule"] == 0:
            continue
        name = MODULE_NAMES[job["jobModule"]]
        ended = job["endTime"] if job["status"] == 2 and job["endTime"] != NA else None
        found[name] = max(filter(None, (found.get(name), ended)), default=None)
    return found


def expected_ids_since(raw_jobs, since):
    return sorted(job["jobId"] for job in raw_jobs if raw_time(job) is not None and raw_time(job) >= since)


def by_profile(sim):
    found = {}
    for customer in sim.customers:
        found.setdefault(sim.job_profile(customer["id"]), customer["id"])
    return found


def sample_ids(sim):
    """One customer of every profile, in a fixed order."""
    profiles = by_profile(sim)
    return [profiles[name] for name in ("healthy", "running", "partial", "stale", "placeholder", "never", "late", "empty")]


def test_both_apis_give_the_same_facts_and_the_last_success_per_customer(sim, ansible):
    ids = sample_ids(sim)
    since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(sim.jobs_now - 7 * 86400))  # one window for both runs
    results, proc = ansible.tasks(MODULE, [{"customer_ids": ids, "since": since, "api": "partner"},
                                           {"customer_ids": ids, "since": since, "api": "elements", "concurrency": 4}],
                                  env=connection_env(sim))
    partner, elements = results
    assert not partner.get("failed") and not elements.get("failed"), proc.stdout[-3000:]
    assert partner["jobs"] == elements["jobs"] and partner["customers"] == elements["customers"]
    assert partner["since"] == elements["since"] == since.replace("+00:00", "Z")
    assert [c["customer_id"] for c in partner["customers"]] == ids
    for summary in partner["customers"]:
        raw = sim.jobs(summary["customer_id"])
        assert summary["last_success"] == expected_last_success(raw), sim.job_profile(summary["customer_id"])
        assert summary["last_success_by_workload"] == expected_by_workload(raw), sim.job_profile(summary["customer_id"])
        shown = [job for job in partner["jobs"] if job["customer_id"] == summary["customer_id"]]
        assert summary["job_count"] == len(shown)
        assert sorted(job["job_id"] for job in shown) == expected_ids_since(raw, partner["since"])
    profiles = {sim.job_profile(c["customer_id"]): c for c in partner["customers"]}
    assert profiles["never"]["last_success"] is None and profiles["empty"]["last_success"] is None
    assert profiles["empty"]["job_count"] == 0
    assert profiles["healthy"]["last_success"] > profiles["stale"]["last_success"]
    partial = profiles["partial"]["last_success_by_workload"]  # one workload failing for days, hidden by the others
    assert max(filter(None, partial.values())) == profiles["partial"]["last_success"]
    assert partial["SharePoint Online"] > partial["Exchange Online"]
    assert profiles["never"]["last_success_by_workload"] and not any(profiles["never"]["last_success_by_workload"].values())
    assert partner["missing_ids"] == [] and "warnings" not in partner
    assert "changed" in partner and partner["changed"] is False


def test_every_fact_of_every_job_matches_the_history(sim, ansible):
    cid = max((c["id"] for c in sim.customers), key=lambda i: len(sim.jobs(i)))
    raw = sim.jobs(cid)
    assert len(raw) > 100  # two pages on the elements API
    result, _proc = ansible.task(MODULE, {"customer_id": cid.upper(), "api": "elements"}, env=connection_env(sim))
    assert not result.get("failed"), result
    assert len(result["jobs"]) == len(raw) and result["since"] is None
    by_id = {job["jobId"]: job for job in raw}
    for job in result["jobs"]:
        source = by_id[job["job_id"]]
        assert job["customer_id"] == cid
        assert (job["job_type_code"], job["job_module_code"], job["status_code"]) == (
            source["jobType"], source["jobModule"], source["status"])
        assert job["start_time"] == source["startTime"]
        assert job["end_time"] == (None if source["endTime"] == NA else source["endTime"])
        assert job["total_count"] == int(source["totalCount"]) and job["failed_count"] == int(source["failedCount"])
        number, unit = source["backupSize"].split()
        assert job["backup_size_bytes"] == round(float(number) * {"MB": 2 ** 20, "GB": 2 ** 30}[unit])
        if source["jobDuration"] not in (NA, "0 S") and "h" not in source["jobDuration"]:
            minutes, _sep, seconds = source["jobDuration"].rstrip("s").rpartition("m")
            assert job["duration_seconds"] == int(minutes or 0) * 60 + int(seconds)
    times = [job["end_time"] or job["last_modified_time"] or job["start_time"] for job in result["jobs"]]
    assert times == sorted(times, reverse=True)
    counters = sim.counters()
    assert counters["token_requests"] == 1
    assert counters["by_path"] == {"POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch": 2}


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_filters_select_jobs_and_types_narrow_the_last_success(sim, ansible, api):
    cid = by_profile(sim)["late"]
    raw = sim.jobs(cid)
    module = raw[0]["jobModule"]
    cases = [
        {"customer_id": cid, "api": api},
        {"customer_id": cid, "api": api, "status": ["failed", "7", "Finished with exception"], "since": "48h"},
        {"customer_id": cid, "api": api, "job_type": ["Microsoft 365"], "job_module": [str(module)]},
    ]
    (everything, failures, one_module), _proc = ansible.tasks(MODULE, cases, env=connection_env(sim))
    for result in (everything, failures, one_module):
        assert not result.get("failed"), result
    failed = [job for job in raw if job["status"] in (3, 4, 7) and raw_time(job) and raw_time(job) >= failures["since"]]
    assert sorted(job["job_id"] for job in failures["jobs"]) == sorted(job["jobId"] for job in failed)
    assert failures["customers"][0]["last_success"] == everything["customers"][0]["last_success"] == expected_last_success(raw)
    in_module = [job for job in raw if job["jobModule"] == module and job["jobType"] == 7]
    assert sorted(job["job_id"] for job in one_module["jobs"]) == sorted(job["jobId"] for job in in_module)
    assert one_module["customers"][0]["last_success"] == expected_last_success(in_module)


def test_check_mode_module_defaults_and_no_scope_setting_for_both_modules(sim, ansible):
    env = connection_env(sim)
    ids = sample_ids(sim)[:3]
    plays = [{
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/avepoint.graph.avepoint": {
            "api_url": env["AVEPOINT_API_URL"], "token_url": env["AVEPOINT_TOKEN_URL"],
            "client_id": env["AVEPOINT_CLIENT_ID"], "client_secret": env["AVEPOINT_CLIENT_SECRET"], "api": "elements"}},
        "tasks": [
            {CUSTOMER_MODULE: {"ids": ids}, "register": "customers"},
            {MODULE: {"customer_ids": ids, "since": "2d"}, "register": "jobs"},
            {"ansible.builtin.assert": {"that": [
                "customers is not changed and jobs is not changed",
                "customers.customers | length == 3",
                "jobs.customers | map(attribute='customer_id') | list == %s" % json.dumps(ids),
            ]}},
        ],
    }]
    proc = ansible.playbook(plays, args=("--check",))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    counters = sim.counters()
    assert counters["token_requests"] == 2  # one token per module, each with the permission it needs
    pages = sum(max(1, -(-len(sim.jobs(cid)) // 100)) for cid in ids)
    assert counters["by_status"] == {"200": 1 + pages}  # one customer batch, every page of jobs


def test_one_explicit_scope_with_both_permissions_serves_both_modules(sim, ansible):
    cid = sim.customers[0]["id"]
    env = connection_env(sim, AVEPOINT_SCOPE="partner.customers.read.all partner.jobs.read.all")
    results, _proc = ansible.tasks(MODULE, [{"customer_id": cid}], env=env)
    assert not results[0].get("failed"), results[0]
    result, _proc = ansible.task(CUSTOMER_MODULE, {"id": cid}, env=env)
    assert not result.get("failed"), result


@pytest.mark.parametrize("api, needed", [("partner", "partner.jobs.read.all"), ("elements", "elements.jobs.read.all")])
def test_a_scope_without_the_jobs_permission_is_a_clear_error(sim, ansible, api, needed):
    customer_scope = "%s.customers.read.all" % api
    env = connection_env(sim, AVEPOINT_SCOPE=customer_scope, AVEPOINT_API=api)
    result, _proc = ansible.task(MODULE, {"customer_ids": [c["id"] for c in sim.customers[:6]], "concurrency": 1}, env=env)
    assert result["failed"]
    assert "HTTP 403" in result["msg"] and "needs the permission '%s'" % needed in result["msg"]
    assert "requested with scope '%s'" % customer_scope in result["msg"]
    assert sim.counters()["api_requests"] == 1  # a missing permission stops the bulk read


def test_missing_customers(sim, ansible):
    known = sim.customers[1]["id"]
    results, proc = ansible.tasks(MODULE, [
        {"customer_ids": [UNKNOWN_ID, known]},
        {"customer_id": UNKNOWN_ID, "api": "elements"},
    ], env=connection_env(sim))
    some, only = results
    assert not some.get("failed") and some["missing_ids"] == [UNKNOWN_ID]
    assert [c["customer_id"] for c in some["customers"]] == [known]
    assert "warnings" not in some
    assert only["missing_ids"] == [UNKNOWN_ID] and only["customers"] == [] and only["jobs"] == []
    assert any("HTTP 404 for every customer asked (1)" in warning and "elements_jobs_path" in warning
               for warning in only["warnings"]), only


BAD_INPUTS = [
    ({"customer_ids": ["0f8fad5b-d9cb-469f-a165-70867728950e", "../partner/customers"]}, "invalid customer ID '../partner/customers'"),
    ({"customer_id": "0f8fad5b-d9cb-469f-a165-70867728950e?x=1"}, "invalid customer ID"),
    ({"customer_ids": []}, "no customer ID given"),
    ({"customer_id": "GOOD", "since": "48"}, "option 'since' has the value '48': a number without a unit"),
    ({"customer_id": "GOOD", "since": "yesterday"}, "option 'since' has the value 'yesterday'"),
    ({"customer_id": "GOOD", "since": "2999-01-01T00:00:00Z"}, "in the future"),
    ({"customer_id": "GOOD", "status": ["Succeeded"]}, "option 'status' has the value 'Succeeded', which is not a documented status"),
    ({"customer_id": "GOOD", "job_type": ["365"]}, "option 'job_type' has the value '365'"),
    ({"customer_id": "GOOD", "job_module": ["Share Point Onlien"]}, "option 'job_module' has the value 'Share Point Onlien'"),
    ({"customer_id": "GOOD", "api": "elements", "elements_jobs_path": "https://elsewhere.example/{customer_id}"}, "elements_jobs_path"),
    ({"customer_id": "GOOD", "customer_ids": ["GOOD"]}, "mutually exclusive"),
    ({"since": "48h"}, "one of the following is required: customer_id, customer_ids"),
]


def test_bad_input_fails_before_any_request(sim, ansible):
    good = sim.customers[0]["id"]
    cases = [json.loads(json.dumps(args).replace("GOOD", good)) for args, _message in BAD_INPUTS]
    results, _proc = ansible.tasks(MODULE, cases, env=connection_env(sim))
    for result, (_args, message) in zip(results, BAD_INPUTS):
        assert result.get("failed") is True, result
        assert message in result["msg"], (message, result["msg"])
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0


def test_partial_failure_names_the_customers_and_returns_no_jobs(sim, ansible):
    ids = [c["id"] for c in sim.customers[:5]]
    sim.set_faults([{"kind": "status", "status": 503, "ids": [ids[3]], "path": "/jobs",
                     "body": {"message": "jobs backend down", "requestId": "req-7"}}])
    result, _proc = ansible.task(MODULE, {"customer_ids": ids, "retries": 1}, env=connection_env(sim))
    assert result["failed"] and result["failed_ids"] == [ids[3]]
    assert "jobs backend down" in result["msg"] and "req-7" in result["msg"] and "HTTP 503" in result["msg"]
    assert "jobs" not in result and "customers" not in result


def test_unknown_status_codes_are_kept_and_warned_once_and_a_bad_partner_field_is_refused(sim, ansible):
    cid = by_profile(sim)["healthy"]
    sim.set_faults([{"kind": "wrong_type", "field": "status", "path": "jobs"}])
    (elements, partner), _proc = ansible.tasks(MODULE, [{"customer_id": cid, "api": "elements"}, {"customer_id": cid}],
                                               env=connection_env(sim))
    assert not elements.get("failed"), elements
    assert {job["status"] for job in elements["jobs"]} == {"Unknown (12345)"}
    assert {job["status_code"] for job in elements["jobs"]} == {12345}
    assert len([w for w in elements["warnings"] if "12345" in w]) == 1
    assert elements["customers"][0]["last_success"] is None
    assert partner["failed"] and "field 'status' is 12345, expected type string" in partner["msg"]


def test_the_jobs_path_can_be_moved_without_a_release(ansible):
    moved = "/partner/external/v3/general/customers/{id}/products/jobs/batch"
    with Simulator(SimulatorConfig(customers=4, seed=3, elements_jobs_path=moved)) as sim:
        cid = sim.customers[0]["id"]
        env = connection_env(sim, AVEPOINT_API="elements")
        (documented, overridden), _proc = ansible.tasks(MODULE, [
            {"customer_id": cid},
            {"customer_id": cid, "elements_jobs_path": "/partner/external/v3/general/customers/{customerId}/products/jobs/batch"},
        ], env=env)
        assert documented["missing_ids"] == [cid] and any("elements_jobs_path" in w for w in documented["warnings"])
        assert not overridden.get("failed") and overridden["missing_ids"] == []
        assert overridden["customers"][0]["last_success"] == expected_last_success(sim.jobs(cid))


def test_all_customers_in_one_task_with_one_token(sim, ansible):
    ids = [c["id"] for c in sim.customers]
    args = {"customer_ids": ids, "since": "24h", "concurrency": 8, "return_jobs": False}
    result, _proc = ansible.task(MODULE, args, env=connection_env(sim))
    assert not result.get("failed"), result
    assert {c["customer_id"]: c["last_success"] for c in result["customers"]} == {
        cid: expected_last_success(sim.jobs(cid)) for cid in ids}
    assert result["jobs"] == []  # return_jobs: false keeps the result small; the counts remain
    assert [c["job_count"] for c in result["customers"]] == [len(expected_ids_since(sim.jobs(cid), result["since"])) for cid in ids]
    counters = sim.counters()
    assert counters["token_requests"] == 1
    pages = sum(max(1, -(-len(sim.jobs(cid)) // 50)) for cid in ids)  # the simulator's partner page size
    assert counters["by_path"] == {"GET /partner/customers/{id}/jobs": pages}


def documented_recency_vars():
    """The ``vars`` of the EXAMPLES task that fails for customers without a success in 24 hours."""
    tree = ast.parse((REPO / "plugins" / "modules" / "avepoint_job_info.py").read_text())
    examples = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                    and any(getattr(target, "id", None) == "EXAMPLES" for target in node.targets))
    for play_task in yaml.safe_load(examples):
        for task in play_task.get("block", []):
            if task["name"].startswith("Fail for customers without a successful backup"):
                return task["vars"]
    raise AssertionError("EXAMPLES lost the recency check")


def test_the_documented_recency_check_works_on_real_output(sim, ansible):
    """The EXAMPLES block's 24-hour check, exactly as documented, against computed expectations."""
    ids = sample_ids(sim)
    documented = documented_recency_vars()
    plays = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {MODULE: {"customer_ids": ids, "return_jobs": False}, "register": "jobs"},
        {"ansible.builtin.copy": {"content": "{{ {'stale': stale, 'cutoff': cutoff} | to_json }}", "dest": "stale.json"},
         "vars": documented},
    ]}]
    proc = ansible.playbook(plays, env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = json.loads((ansible.workdir / "stale.json").read_text())
    expected = [cid for cid in ids if not expected_last_success(sim.jobs(cid)) or expected_last_success(sim.jobs(cid)) < found["cutoff"]]
    assert sorted(found["stale"]) == sorted(expected)
    assert {sim.job_profile(cid) for cid in expected} >= {"stale", "never", "late", "empty"}


def test_secrets_never_appear_at_any_verbosity(ansible, tmp_path):
    secret = "CANARY-jobs-secret-5e2a91"
    with Simulator(SimulatorConfig(customers=4, client_secret=secret)) as sim:
        ids = [c["id"] for c in sim.customers]
        sim.set_faults([{"kind": "status", "status": 500, "ids": ids[2:], "path": "/jobs", "echo_request": True}])
        env = connection_env(sim, AVEPOINT_CLIENT_SECRET=secret)
        env["ANSIBLE_LOG_PATH"] = str(tmp_path / "ansible.log")
        results, proc = ansible.tasks(MODULE, [
            {"customer_ids": ids[:2], "since": "48h"},
            {"customer_ids": ids, "retries": 0},
            {"customer_ids": ids, "retries": 0, "api": "elements"},
            {"customer_id": "not-a-guid", "client_secret": secret},
        ], env=env, args=("-vvvv",))
        issued = sim.issued_tokens()
    assert not results[0].get("failed") and results[1]["failed"] and results[2]["failed"] and results[3]["failed"]
    assert "received Authorization=" in results[1]["msg"]  # the service did echo the token
    assert issued
    outputs = [proc.stdout, proc.stderr, (tmp_path / "ansible.log").read_text(), json.dumps(results)]
    for text in outputs:
        assert secret not in text and DEFAULT_CLIENT_SECRET not in text
        for token in issued:
            assert token not in text
