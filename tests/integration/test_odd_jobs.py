"""Job histories that must not fool a backup-health answer, through every consumer on both APIs:
a success dated in the future (far, .NET's maximum date, a few hours ahead: a local time sent
without its offset), .NET's minimum date, a year before 1000, a job ID repeated on one page, a jobs
endpoint that ignores pageIndex. (Five minutes ahead is a unit test: here the times are taken when
the module is imported, minutes before the runs.)

One simulator serves a dataset made for this file; one ansible-playbook run (module on both APIs,
lookup on both APIs, the role on both APIs) and one ansible-inventory run keep the machine time small.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import yaml

from harness import BIN, AnsibleRun, Simulator, SimulatorConfig, connection_env, plain, squeezed, warnings_printed

ROLE = "avepoint.graph.customer_compliance"
HOUR = 3600.0
NOW = time.time()


def cid(number: int) -> str:
    return "%08x-0000-4000-8000-%012x" % (number, number)


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def job(job_id: str, status: int, end: str, module: int = 302) -> dict:
    """A v3 job; the simulator sends the partner API its names and strings."""
    return {"jobType": 7, "jobModule": module, "status": status, "jobId": job_id, "name": "N/A", "startTime": iso(NOW - 3 * HOUR),
            "endTime": end, "jobDuration": "1h", "backupSize": "1 GB", "lastModifyTime": "N/A"}


FUTURE, MAX_DATE, AHEAD, MIN_DATE, ANCIENT, REPEATED, HEALTHY, LONG = (cid(n) for n in range(1, 9))
AN_HOUR_AGO, TWO_HOURS_AGO, THIRTY_HOURS_AGO = iso(NOW - HOUR), iso(NOW - 2 * HOUR), iso(NOW - 30 * HOUR)
JOBS = {
    FUTURE: [job("F-2099", 2, "2099-01-01T00:00:00Z"), job("F-failed", 3, AN_HOUR_AGO), job("F-old", 2, THIRTY_HOURS_AGO)],
    MAX_DATE: [job("M-max", 2, "9999-12-31T23:59:59.9999999"), job("M-failed", 3, AN_HOUR_AGO)],
    AHEAD: [job("A-ahead", 2, iso(NOW + 3 * HOUR)), job("A-failed", 3, AN_HOUR_AGO)],
    MIN_DATE: [job("N-min", 2, "0001-01-01T00:00:00"), job("N-real", 2, TWO_HOURS_AGO)],
    ANCIENT: [job("O-ancient", 2, "0999-06-01T00:00:00Z")],
    REPEATED: [job("X", 3, AN_HOUR_AGO), job("X", 2, TWO_HOURS_AGO)],  # one ID twice on one page
    HEALTHY: [job("H", 2, AN_HOUR_AGO)],
    LONG: [job("L-%03d" % n, 2 if n else 3, iso(NOW - (n + 1) * HOUR)) for n in range(150)],
}
LAST_SUCCESS = {FUTURE: THIRTY_HOURS_AGO, MAX_DATE: None, AHEAD: None, MIN_DATE: TWO_HOURS_AGO, ANCIENT: "0999-06-01T00:00:00Z",
                REPEATED: TWO_HOURS_AGO, HEALTHY: AN_HOUR_AGO}
CHECKED = list(LAST_SUCCESS)
COMPLIANT = {MIN_DATE, REPEATED, HEALTHY}  # within 24h
FUTURE_JOBS = ("job F-2099 of customer %s (ends 2099-01-01T00:00:00Z)" % FUTURE, "job A-ahead of customer %s" % AHEAD)
API_ARGS = {"partner": {}, "elements": {"api": "elements"}}


@pytest.fixture(scope="module")
def odd_jobs_sim(tmp_path_factory):
    path = tmp_path_factory.mktemp("odd-jobs") / "dataset.json"
    path.write_text(json.dumps([{"id": customer_id, "organization": "Org %d" % n, "jobStatusCode": 1, "jobs": JOBS[customer_id]}
                                for n, customer_id in enumerate(JOBS, 1)]))
    with Simulator(SimulatorConfig(dataset_file=str(path))) as sim:
        yield sim


def lookup(api):
    options = "last_success=true" + (", api='elements'" if api == "elements" else "")
    return "{{ lookup('avepoint.graph.avepoint_customer', *checked, %s, wantlist=true) }}" % options


def role(name, api):
    return {"name": "role on the %s API" % api, "module_defaults": {"group/avepoint.graph.avepoint": API_ARGS[api]},
            "block": [{"ansible.builtin.include_role": {"name": ROLE}, "vars": {
                "customer_compliance_expected": [{"id": customer_id} for customer_id in CHECKED],
                "customer_compliance_defaults": {"last_successful_backup_within": "24h"},
                "customer_compliance_report_dir": "reports-%s" % name, "customer_compliance_fail_on_drift": False}}],
            "rescue": [{"ansible.builtin.set_fact": {"role_failures": "{{ role_failures | combine({'%s': ansible_failed_result.msg}) }}" % name}}]}


@pytest.fixture(scope="module")
def playbook_run(odd_jobs_sim, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("odd-jobs-playbook")
    tasks = []
    for api in API_ARGS:
        tasks.append({"name": "jobs on the %s API" % api, "avepoint.graph.avepoint_job_info": dict(API_ARGS[api], customer_ids=CHECKED),
                      "register": "jobs_%s" % api})
        tasks.append({"name": "lookup on the %s API" % api, "ansible.builtin.set_fact": {"lookup_%s" % api: lookup(api)}})
        tasks.append(role(api, api))
        tasks.append({"name": "keep the role's result on the %s API" % api,
                      "ansible.builtin.set_fact": {"role_%s" % api: "{{ customer_compliance_result }}"}})
    saved = ("{{ {'jobs': {'partner': jobs_partner, 'elements': jobs_elements}, "
             "'lookup': {'partner': lookup_partner, 'elements': lookup_elements}, "
             "'role': {'partner': role_partner, 'elements': role_elements}, 'role_failures': role_failures} | to_json }}")
    tasks.append({"name": "save", "ansible.builtin.copy": {"dest": str(workdir / "out.json"), "content": saved}})
    plays = [{"hosts": "localhost", "gather_facts": False, "vars": {"checked": CHECKED, "role_failures": {}}, "tasks": tasks}]
    proc = AnsibleRun(workdir).playbook(plays, env=connection_env(odd_jobs_sim))
    assert (workdir / "out.json").exists(), proc.stdout + proc.stderr
    return json.loads((workdir / "out.json").read_text()), proc


def test_the_module_counts_no_success_from_the_future_or_a_placeholder(playbook_run):
    out, proc = playbook_run
    for api in API_ARGS:
        result = out["jobs"][api]
        assert {c["customer_id"]: c["last_success"] for c in result["customers"]} == LAST_SUCCESS, api
        by_id = {(j["customer_id"], j["job_id"]): j for j in result["jobs"]}
        assert by_id[(MAX_DATE, "M-max")]["end_time"] is None and by_id[(MIN_DATE, "N-min")]["end_time"] is None
        assert by_id[(ANCIENT, "O-ancient")]["end_time"] == "0999-06-01T00:00:00Z"
        assert [j["status"] for j in result["jobs"] if j["customer_id"] == REPEATED] == ["Failed", "Finished"]
        warnings = squeezed(" ".join(result["warnings"]))
        assert all(squeezed(named) in warnings for named in FUTURE_JOBS), api
        assert squeezed("placeholder times (the 'no date' values of .NET): '0001-01-01T00:00:00' (1 job(s)), "
                        "'9999-12-31T23:59:59.9999999' (1 job(s))") in warnings
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_lookup_agrees(playbook_run):
    out, _proc = playbook_run
    for api in API_ARGS:
        assert {f["id"]: f["last_success"] for f in out["lookup"][api]} == LAST_SUCCESS, api


def test_the_role_neither_passes_a_future_success_nor_crashes_on_an_ancient_year(playbook_run):
    out, _proc = playbook_run
    assert out["role_failures"] == {}
    for api in API_ARGS:
        statuses = {c["id"]: c["status"] for c in out["role"][api]["customers"]}
        assert {customer_id for customer_id, status in statuses.items() if status == "compliant"} == COMPLIANT, api
        ancient = next(c for c in out["role"][api]["customers"] if c["id"] == ANCIENT)
        assert "0999-06-01" in json.dumps(ancient)


def test_the_inventory_puts_them_in_backup_overdue(odd_jobs_sim, tmp_path):
    (tmp_path / "odd.avepoint_customers.yml").write_text(yaml.safe_dump({
        "plugin": "avepoint.graph.avepoint_customers", "last_success": True, "hostname": "id",
        "groups": {"backup_overdue": "avepoint_customer.last_success is none or avepoint_customer.last_success < "
                                     "'%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true)"},
    }))
    env = AnsibleRun(tmp_path).env(connection_env(odd_jobs_sim))
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", "odd.avepoint_customers.yml", "--list"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    overdue = set(plain(json.loads(proc.stdout))["backup_overdue"]["hosts"])
    assert overdue == set(CHECKED) - COMPLIANT  # LONG succeeded two hours ago
    assert any(squeezed(FUTURE_JOBS[0]) in warning for warning in warnings_printed(proc.stderr))


def test_a_jobs_endpoint_that_ignores_the_page_index_is_an_error_naming_it(odd_jobs_sim, tmp_path):
    odd_jobs_sim.set_shapes({"jobs_ignore_page_index": True})
    try:
        result, _proc = AnsibleRun(tmp_path).task("avepoint.graph.avepoint_job_info", {"customer_id": LONG, "api": "elements"},
                                                  env=connection_env(odd_jobs_sim))
    finally:
        odd_jobs_sim.clear_shapes()
    assert result["failed"]
    assert "with no new jobs although metadata.totalCount is 150 and only 100 arrived" in result["msg"]
    assert "POST /partner/external/v3/general/customers/%s/avpt-products/jobs/batch" % LONG in result["msg"]
