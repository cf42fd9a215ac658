"""The customer_compliance role with last_successful_backup_within (one duration, and per workload) and a
previous report, in one real ansible-playbook run (in check mode) against the simulator, on both APIs.

The runs of the role follow each other in one playbook, each writing its reports to a directory
of its own and reading the previous run's JSON report, and reading the simulator's counters
in between. Expectations come from the simulator's raw job histories at its fixed reference
time (``sim.jobs_now``, given to the role as ``customer_compliance_now``).
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
import xml.etree.ElementTree as ET

import pytest

from harness import DEFAULT_CLIENT_SECRET, AnsibleRun, connection_env
from test_job_info import expected_by_workload, expected_last_success  # from the raw histories

ROLE = "avepoint.graph.customer_compliance"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
PROFILES = ("healthy", "running", "partial", "stale", "placeholder", "never", "late", "empty")
# The per-workload rule of an MSP: Teams may lag a day more.
PER_WORKLOAD = {"Exchange Online": "24h", "SharePoint Online": "24h", "OneDrive": "24h", "Microsoft Teams": "48h"}
JOBS_PATHS = {"partner": "GET /partner/customers/{id}/jobs", "elements": "POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch"}
PAGE_SIZES = {"partner": 50, "elements": 100}  # the simulator's partner page size; the documented v3 page size


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def epoch(text):
    return float(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone)


def role_run(name, role_vars, api="partner"):
    """Tasks: run the role (a failure is kept, not fatal), keep its result, then the simulator's counters, reset."""
    return [
        {"name": "%s: run the role" % name, "module_defaults": {"group/avepoint.graph.avepoint": {"api": api}},
         "block": [{"ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars}],
         "rescue": [{"ansible.builtin.set_fact": {"failures": "{{ failures | combine({'%s': ansible_failed_result.msg}) }}" % name}}]},
        {"name": "%s: keep the result" % name,
         "ansible.builtin.set_fact": {"results": "{{ results | combine({'%s': customer_compliance_result}) }}" % name}},
        {"name": "%s: counters" % name, "ansible.builtin.uri": {"url": "{{ sim_url }}/_sim/counters"}, "register": "counted",
         "check_mode": False},
        {"name": "%s: keep the counters" % name, "ansible.builtin.set_fact": {"counters": "{{ counters | combine({'%s': counted.json}) }}" % name}},
        {"name": "%s: reset the counters" % name, "ansible.builtin.uri": {"url": "{{ sim_url }}/_sim/reset", "method": "POST"},
         "check_mode": False},
    ]


@pytest.fixture(scope="module")
def runs(simulator_server, tmp_path_factory):
    sim = simulator_server
    sim.clear_faults()
    sim.clear_shapes()
    first = {}
    for customer in sim.customers:
        first.setdefault(sim.job_profile(customer["id"]), customer)
    chosen = {profile: first[profile] for profile in PROFILES}
    ids = {profile: customer["id"] for profile, customer in chosen.items()}
    now = iso(sim.jobs_now)
    work = tmp_path_factory.mktemp("compliance-recency")
    (work / "bad").mkdir()
    (work / "bad" / "compliance.json").write_text('{"summary": "not a report"')
    os.mkfifo(str(work / "pipe.json"))  # no writer: opening it to read would wait for ever
    healthy_status = chosen["healthy"]["jobStatusCode"]

    def declaration(run_name, previous, overrides, defaults=None):
        return {
            "customer_compliance_expected": [dict({"id": ids[p]}, **overrides.get(p, {})) for p in PROFILES] + [
                {"id": UNKNOWN_ID, "name": "Ghost"}],
            "customer_compliance_defaults": {"last_successful_backup_within": "24h"} if defaults is None else defaults,
            "customer_compliance_now": now,
            "customer_compliance_report_dir": str(work / run_name),
            "customer_compliance_previous_report": str(previous) if previous else "",
        }

    late_48h = {"late": {"last_successful_backup_within": "48h"}}
    tasks = (
        # 1: the first run, its previous report does not exist yet
        role_run("first", declaration("first", work / "first" / "compliance.json", late_48h))
        # 2: the stale customer may be a month old now (resolved); the healthy one must have another status (new)
        + role_run("second", declaration("second", work / "first" / "compliance.json", dict(
            late_48h, stale={"last_successful_backup_within": "30d"}, healthy={"job_status": (healthy_status + 1) % 7})))
        # 3: the first run's declaration on the other API, compared with the first run; relative paths
        #    (from the playbook's directory, here the work directory)
        + role_run("elements", dict(declaration("elements", "first/compliance.json", late_48h), customer_compliance_report_dir="elements"),
                   api="elements")
        # 4: a previous report that is no report: a warning; the gate still fails
        + role_run("bad_previous", declaration("bad_previous", work / "bad" / "compliance.json", late_48h))
        # 4b: a FIFO as the previous report: a warning; the gate still runs and fails
        + role_run("fifo", declaration("fifo", work / "pipe.json", late_48h), api="elements")
        # 5: the rule on one customer only, no previous report: jobs of that customer only
        + role_run("one", declaration("one", None, {"stale": {"last_successful_backup_within": "24h"}}, defaults={}))
        # 6: no rule at all: no jobs request
        + role_run("none", declaration("none", None, {}, defaults={"job_status": [0, 1, 2, 3, 4, 5, 6]}))
        # 7: per workload (in any spelling), one customer with one duration, one without the rule: jobs of the others only
        + role_run("workloads", declaration("workloads", None, dict(
            {p: {"last_successful_backup_within": {"exchange": "24h", "SharePoint": "24h", "OneDrive for Business": "24h", "Teams": "48h"}} for p in PROFILES},
            healthy={"last_successful_backup_within": "24h"}, running={"job_status": [0, 1, 2, 3, 4, 5, 6]}), defaults={}))
        # 8: the same on the other API, compared with 7: every finding of a workload persists
        + role_run("workloads_elements", declaration("workloads_elements", work / "workloads" / "compliance.json", dict(
            {p: {"last_successful_backup_within": PER_WORKLOAD} for p in PROFILES},
            healthy={"last_successful_backup_within": "24h"}, running={"job_status": [0, 1, 2, 3, 4, 5, 6]}), defaults={}),
            api="elements")
    )
    out = work / "saved.json"
    saved = "{{ {'results': results, 'failures': failures, 'counters': counters} | to_json }}"
    tasks.append({"name": "save", "ansible.builtin.copy": {"content": saved, "dest": str(out), "mode": "0644"}, "check_mode": False})
    play = {"hosts": "localhost", "gather_facts": False, "tasks": tasks,
            "vars": {"results": {}, "failures": {}, "counters": {}, "sim_url": sim.url}}
    sim.reset_counters()
    proc = AnsibleRun(work).playbook([play], env=connection_env(sim), args=("--check",))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    saved = json.loads(out.read_text())
    return {"sim": sim, "work": work, "proc": proc, "ids": ids, "chosen": chosen, "now": now, **saved}


def in_output(text, proc):
    """Whether ``text`` is in the run's output, white space aside (ansible-core 2.16 wraps warnings at 79
    columns, within long paths too)."""
    return "".join(text.split()) in "".join((proc.stderr + proc.stdout).split())


def within(sim, customer_id, hours):
    last = expected_last_success(sim.jobs(customer_id))
    return last is not None and sim.jobs_now - epoch(last) <= hours * 3600


def test_recency_drift_lines_including_none(runs):
    sim, ids, first = runs["sim"], runs["ids"], runs["results"]["first"]
    drifting = {p for p in PROFILES if not within(sim, ids[p], 48 if p == "late" else 24)}
    assert {"stale", "never", "empty"} <= drifting and "healthy" not in drifting and "late" not in drifting
    assert {d["id"] for d in first["drifted"]} == {ids[p] for p in drifting}
    assert first["missing"] == [UNKNOWN_ID] and first["checked_at"] == runs["now"] and first["format_version"] == 2
    out = runs["proc"].stdout
    stale = runs["chosen"]["stale"]
    last = expected_last_success(sim.jobs(stale["id"]))
    line = "~ %s (%s) last_successful_backup: expected within 24h, last %dh ago (%s) [new]" % (
        stale["organization"], stale["id"], (sim.jobs_now - epoch(last)) // 3600, last[:16] + "Z")
    assert line in out
    for profile in ("never", "empty"):
        assert "~ %s (%s) last_successful_backup: expected within 24h, got none [new]" % (
            runs["chosen"][profile]["organization"], ids[profile]) in out
    # the one failure names every drifted customer and its fact
    assert "[last_successful_backup]" in runs["failures"]["first"]
    for profile in drifting:
        assert ids[profile] in runs["failures"]["first"]


def test_the_first_run_warns_that_there_is_no_previous_report_and_counts_all_new(runs):
    first = runs["results"]["first"]
    assert in_output("there is no previous report at %s" % (runs["work"] / "first" / "compliance.json"), runs["proc"])
    findings = first["summary"]["drifted"] + first["summary"]["missing"]  # one fact each
    assert (first["summary"]["new"], first["summary"]["persisting"], first["summary"]["resolved"]) == (findings, 0, 0)
    assert first["previous_report"]["warning"].startswith("there is no previous report")


def test_the_second_run_marks_new_persisting_and_resolved(runs):
    ids, first, second = runs["ids"], runs["results"]["first"], runs["results"]["second"]
    changes = {(row["id"], item["field"]): (item["change"], item["first_seen"])
               for row in second["customers"] for item in row["fields"] if not item["ok"]}
    assert changes[(ids["healthy"], "job_status")] == ("new", runs["now"])
    for drifted in first["drifted"]:
        if drifted["id"] != ids["stale"]:
            assert changes[(drifted["id"], "last_successful_backup_within")] == ("persisting", runs["now"])
    assert second["resolved"] == [{"id": ids["stale"], "name": runs["chosen"]["stale"]["organization"],
                                   "field": "last_successful_backup_within", "first_seen": runs["now"]}]
    assert second["summary"]["new"] == 1 and second["summary"]["resolved"] == 1
    assert [row for row in second["customers"] if row["status"] == "missing"][0]["change"] == "persisting"
    assert "+ %s (%s) last_successful_backup: resolved (first seen %s)" % (
        runs["chosen"]["stale"]["organization"], ids["stale"], runs["now"][:16] + "Z") in runs["proc"].stdout
    assert runs["failures"]["second"].endswith("since the previous report: 1 new, %d persisting, 1 resolved" % second["summary"]["persisting"])


def test_reports_written_in_check_mode_carry_the_marks(runs):
    report_dir = runs["work"] / "second"
    for name in ("compliance.json", "compliance.junit.xml", "compliance.html"):
        assert stat.S_IMODE((report_dir / name).stat().st_mode) == 0o600
    assert json.loads((report_dir / "compliance.json").read_text()) == runs["results"]["second"]
    suite = ET.parse(report_dir / "compliance.junit.xml").getroot().find("testsuite")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["resolved"] == "1"
    assert any(case.find("system-out") is not None and "resolved" in case.find("system-out").text for case in suite.findall("testcase"))
    page = (report_dir / "compliance.html").read_text()
    assert '<span class="change new">new</span>' in page and "Resolved since the previous report" in page


def test_both_apis_give_the_same_result(runs):
    first, elements = runs["results"]["first"], runs["results"]["elements"]
    strip = ("change", "first_seen")
    for result in (first, elements):
        for row in result["customers"]:
            for item in row["fields"]:
                for key in strip:
                    item.pop(key, None)
            for key in strip:
                row.pop(key, None)
    assert first["customers"] == elements["customers"]
    assert elements["summary"]["persisting"] == first["summary"]["drifted"] + first["summary"]["missing"]
    assert elements["summary"]["new"] == 0 and elements["summary"]["resolved"] == 0
    # the relative paths: read from, and written to, the playbook's directory
    assert elements["previous_report"]["path"] == str(runs["work"] / "first" / "compliance.json")
    assert json.loads((runs["work"] / "elements" / "compliance.json").read_text())["summary"] == elements["summary"]


def test_a_bad_previous_report_warns_and_the_gate_still_fails(runs):
    bad = runs["results"]["bad_previous"]
    warning = bad["previous_report"]["warning"]
    assert "is not a compliance JSON report" in warning and "every finding is counted as new" in warning
    assert in_output("%s is not a compliance JSON report" % (runs["work"] / "bad" / "compliance.json"), runs["proc"])
    assert bad["summary"]["new"] == bad["summary"]["drifted"] + bad["summary"]["missing"]
    assert runs["failures"]["bad_previous"].startswith("customer compliance failed for")


def test_a_fifo_as_the_previous_report_warns_and_the_gate_still_runs(runs):
    fifo = runs["results"]["fifo"]
    warning = "cannot read the previous report %s (not a regular file but a FIFO): every finding is counted as new" % (
        runs["work"] / "pipe.json")
    assert fifo["previous_report"]["warning"] == warning and in_output(warning, runs["proc"])
    assert fifo["summary"]["new"] == fifo["summary"]["drifted"] + fifo["summary"]["missing"] > 0
    assert runs["failures"]["fifo"].startswith("customer compliance failed for")


def jobs_requests(sim, customer_ids, api):
    return sum(max(1, math.ceil(len(sim.jobs(cid)) / PAGE_SIZES[api])) for cid in customer_ids)


def test_jobs_are_read_in_one_task_only_for_the_customers_a_rule_needs(runs):
    sim, ids, counters = runs["sim"], runs["ids"], runs["counters"]
    found = [ids[p] for p in PROFILES]
    for run, api in (("first", "partner"), ("elements", "elements")):
        # The jobs read starts with the customer read, for the listed customers: Ghost, whom the API does not
        # know, costs one request answered 404 and is reported missing.
        assert counters[run]["by_path"][JOBS_PATHS[api]] == jobs_requests(sim, found, api) + 1, run
        assert runs["results"][run]["missing"] == [UNKNOWN_ID], run
        assert counters[run]["token_requests"] == 2  # one per task: customers, then jobs
    assert counters["one"]["by_path"][JOBS_PATHS["partner"]] == jobs_requests(sim, [ids["stale"]], "partner")
    assert JOBS_PATHS["partner"] not in counters["none"]["by_path"] and counters["none"]["token_requests"] == 1
    assert runs["results"]["one"]["summary"]["drifted"] == 1 and "previous_report" not in runs["results"]["one"]


def test_no_report_holds_a_secret(runs):
    tokens = runs["sim"].issued_tokens()
    assert tokens
    for path in runs["work"].glob("*/compliance.*"):
        text = path.read_text()
        for secret in [DEFAULT_CLIENT_SECRET, *tokens]:
            assert secret not in text, path


def expected_workload_findings(sim, customer_id):
    """(workload, last success) of each workload of PER_WORKLOAD that drifts, from the raw history."""
    found = expected_by_workload(sim.jobs(customer_id))
    hours = {name: int(within[:-1]) for name, within in PER_WORKLOAD.items()}
    return [(name, found.get(name)) for name in PER_WORKLOAD
            if found.get(name) is None or sim.jobs_now - epoch(found[name]) > hours[name] * 3600]


def test_per_workload_findings_in_the_plan_lines_and_the_json_report(runs):
    sim, ids, result = runs["sim"], runs["ids"], runs["results"]["workloads"]
    checked = [ids[p] for p in PROFILES if p not in ("healthy", "running")]
    drifted = {d["id"]: d["fields"] for d in result["drifted"]}
    for customer_id in checked:
        expected = expected_workload_findings(sim, customer_id)
        assert [(f["workload"], f["actual"]) for f in drifted.get(customer_id, [])] == expected, sim.job_profile(customer_id)
        assert all(f["field"] == "last_successful_backup_within" and f["expected"] == [dict(PER_WORKLOAD)[f["workload"]]]
                   for f in drifted.get(customer_id, []))
    # one workload failing for days while another succeeds: found per workload, not by one duration
    partial = runs["chosen"]["partial"]
    exchange = expected_by_workload(sim.jobs(partial["id"]))["Exchange Online"]
    assert ("Exchange Online", exchange) in [(f["workload"], f["actual"]) for f in drifted[partial["id"]]]
    assert partial["id"] in runs["results"]["first"]["compliant"]  # 24h for any workload: SharePoint Online's success hides it
    line = "~ %s (%s) last_successful_backup[Exchange Online]: expected within 24h, last %dh ago (%s)" % (
        partial["organization"], partial["id"], (sim.jobs_now - epoch(exchange)) // 3600, exchange[:16] + "Z")
    assert line in runs["proc"].stdout
    assert "last_successful_backup[Exchange Online]" in runs["failures"]["workloads"]
    # the one-duration entry keeps its meaning, the entry without the rule is not checked for it
    rows = {row["id"]: row for row in result["customers"]}
    assert [(f["field"], "workload" in f) for f in rows[ids["healthy"]]["fields"]] == [("last_successful_backup_within", False)]
    assert [f["field"] for f in rows[ids["running"]]["fields"]] == ["job_status"]
    report = json.loads((runs["work"] / "workloads" / "compliance.json").read_text())
    assert report["drifted"] == result["drifted"]
    page = (runs["work"] / "workloads" / "compliance.html").read_text()
    assert 'id="workloads"' in page and ">Microsoft Teams</button>" in page


def test_per_workload_results_are_the_same_on_both_apis_and_persist_per_workload(runs):
    partner, elements = runs["results"]["workloads"], runs["results"]["workloads_elements"]
    assert [(d["id"], [(f["workload"], f["actual"]) for f in d["fields"]]) for d in partner["drifted"]] == [
        (d["id"], [(f["workload"], f["actual"]) for f in d["fields"]]) for d in elements["drifted"]]
    findings = sum(len(d["fields"]) for d in partner["drifted"]) + len(partner["missing"])
    assert (elements["summary"]["persisting"], elements["summary"]["new"], elements["summary"]["resolved"]) == (findings, 0, 0)


def test_per_workload_jobs_are_read_in_one_task_only_for_the_customers_that_need_them(runs):
    sim, ids, counters = runs["sim"], runs["ids"], runs["counters"]
    needed = [ids[p] for p in PROFILES if p != "running"]
    for run, api in (("workloads", "partner"), ("workloads_elements", "elements")):
        assert counters[run]["by_path"][JOBS_PATHS[api]] == jobs_requests(sim, needed, api), run
        assert counters[run]["token_requests"] == 2, run
