"""API shapes the AvePoint docs leave open, through the module, the lookup and the role (issues 13 and 17).

One ansible-playbook run per consumer: tasks switch the simulator's shapes (``POST /_sim/shapes``
through ``uri``) between the cases, so every shape set and case shares one run. Each case ends in
the right facts or a clear error naming what broke the contract; never a shortened list.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

import pytest

from harness import JOB_STATUS_NAMES, AnsibleRun, connection_env
from shapes_cases import DOES_NOT_SERVE, DUP, EMPTY, KNOWN, MODULE_CASES, NULLS, Case, shape_sets

MODULE = "avepoint.graph.avepoint_customer_info"
LOOKUP = "avepoint.graph.avepoint_customer"
ROLE = "avepoint.graph.customer_compliance"
LOOKUP_CASES = [case for case in MODULE_CASES if case.ids is not None]


def switch(sim, shapes: dict[str, Any], name: str) -> dict[str, Any]:
    return {"name": "shapes: %s" % name, "ansible.builtin.uri": {
        "url": sim.url + "/_sim/shapes", "method": "POST", "body_format": "json", "body": shapes}}


def run_cases(sim, workdir, cases, task_for, env_extra=None) -> tuple[dict[str, Any], Any]:
    """One playbook: for each case (grouped by shape set) the task ``task_for(index, case)``; results by case name."""
    sets = shape_sets(sim.customers)
    tasks: list[dict[str, Any]] = []
    current: Optional[str] = None
    for index, case in enumerate(cases):
        if case.shapes != current:
            tasks.append(switch(sim, sets[case.shapes], case.shapes))
            current = case.shapes
        tasks.extend(task_for(index, case))
    out = workdir / "results.json"
    tasks.append({"name": "save the results", "ansible.builtin.copy": {
        "content": "{{ [%s] | to_json }}" % ", ".join("case_%d" % index for index in range(len(cases))), "dest": str(out)}})
    sim.clear_faults()
    try:
        proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}],
                                            env=connection_env(sim, **(env_extra or {})))
    finally:
        sim.clear_shapes()
    assert out.exists(), proc.stdout + proc.stderr
    return {case.name: result for case, result in zip(cases, json.loads(out.read_text()))}, proc


def check_outcome(case: Case, customers, failed: bool, message: str, found: Optional[list], missing: Optional[list]) -> None:
    if case.errors:
        assert failed, (case.name, found)
        for fragment in case.fragments(customers):
            assert fragment in message, "%r not in %r" % (fragment, message)
        assert "Traceback" not in message and len(message) < 1500
        return
    assert not failed, message
    assert found == case.expected(customers)
    if missing is not None:
        assert missing == case.missing_ids(customers)


# --- module ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_run(simulator_server, tmp_path_factory):
    sim = simulator_server

    def task(index, case):
        args = dict(api=case.api, retries=0, **case.options)
        wanted = case.wanted(sim.customers)
        if wanted is not None:
            args["ids"] = wanted
        return [{"name": case.name, MODULE: args, "register": "case_%d" % index, "ignore_errors": True}]

    return run_cases(sim, tmp_path_factory.mktemp("shapes-module"), MODULE_CASES, task) + (sim.customers,)


@pytest.mark.parametrize("case", MODULE_CASES, ids=[case.name for case in MODULE_CASES])
def test_module(module_run, case):
    results, _proc, customers = module_run
    result = results[case.name]
    assert "module_stderr" not in result, result
    check_outcome(case, customers, bool(result.get("failed")), result.get("msg", ""), result.get("customers"), result.get("missing_ids"))


def test_module_warns_once_about_a_halved_batch_and_has_no_traceback(module_run):
    results, proc, _extra = module_run
    assert "Traceback" not in proc.stdout + proc.stderr
    warnings = results["elements_batch_halved"].get("warnings", [])
    assert [w for w in warnings if "refused 24 customer IDs in one request as too many" in w and "batch_size" in w], warnings


# --- lookup ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lookup_run(simulator_server, tmp_path_factory):
    sim = simulator_server

    def task(index, case):
        options = dict(api=case.api, retries=0, on_missing="warn", cache_ttl=0, **case.options)
        call = "{{ query(%r, %r, %s) }}" % (LOOKUP, case.wanted(sim.customers), ", ".join("%s=%r" % item for item in options.items()))
        return [
            {"name": case.name, "ansible.builtin.set_fact": {"value_%d" % index: call}, "register": "fetch_%d" % index,
             "ignore_errors": True},
            {"name": "keep %s" % case.name, "ansible.builtin.set_fact": {"case_%d" % index: {
                "failed": "{{ fetch_%d.failed | default(false) }}" % index, "msg": "{{ fetch_%d.msg | default('') }}" % index,
                "value": "{{ value_%d | default(none) }}" % index}}},
        ]

    return run_cases(sim, tmp_path_factory.mktemp("shapes-lookup"), LOOKUP_CASES, task) + (sim.customers,)


@pytest.mark.parametrize("case", LOOKUP_CASES, ids=[case.name for case in LOOKUP_CASES])
def test_lookup(lookup_run, case):
    results, _proc, customers = lookup_run
    result = results[case.name]
    check_outcome(case, customers, result["failed"] in (True, "True", "true"), result["msg"], result["value"], None)


def test_lookup_warns_about_the_halved_batch_and_the_unknown_id(lookup_run):
    _results, proc, _extra = lookup_run
    output = " ".join((proc.stdout + proc.stderr).split())
    assert "refused 24 customer IDs in one request as too many" in output
    assert "customer 00000000-0000-4000-8000-000000000000 was not found" in output
    assert "Traceback" not in output


# --- role -----------------------------------------------------------------------------------

ROLE_CASES = [
    # name, shape set, api, role variables; the result is checked in test_role
    ("plain_all", "plain", "partner", {"customer_compliance_scope": "all"}),
    ("empty_listed", "plain", "partner", {"customer_compliance_expected": [{"id": EMPTY}, {"id": KNOWN}]}),
    ("token_all", "token", "partner", {"customer_compliance_scope": "all"}),
    ("repeat_all", "repeat", "partner", {"customer_compliance_scope": "all"}),
    ("elements_all", "elements", "elements", {"customer_compliance_scope": "all"}),
    ("partner_not_served", "elements", "partner", {"customer_compliance_expected": [{"id": KNOWN}]}),
]


@pytest.fixture(scope="module")
def role_run(simulator_server, tmp_path_factory):
    sim = simulator_server
    customers = sim.customers
    countries = sorted({c["countryOrRegion"] for c in customers})
    cases = [Case(name, shapes, api) for name, shapes, api, _vars in ROLE_CASES]

    def task(index, case):
        role_vars = dict(copy.deepcopy(ROLE_CASES[index][3]), customer_compliance_fail_on_drift=False,
                         customer_compliance_defaults={"country_or_region": countries})
        for entry in role_vars.get("customer_compliance_expected", []):
            entry["id"] = customers[entry["id"]]["id"]
        if case.shapes == "elements":  # the string jobStatus is compared like any other
            role_vars["customer_compliance_expected"] = role_vars.get("customer_compliance_expected") or [
                {"id": customers[NULLS]["id"], "job_status": JOB_STATUS_NAMES[customers[NULLS]["jobStatusCode"]]}]
        return [{
            "name": case.name,
            "module_defaults": {"group/avepoint.graph.avepoint": {"api": case.api, "retries": 0}},
            "block": [
                {"ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars},
                {"ansible.builtin.set_fact": {"case_%d" % index: {"failed": False, "result": "{{ customer_compliance_result }}"}}},
            ],
            "rescue": [{"ansible.builtin.set_fact": {"case_%d" % index: {"failed": True, "msg": "{{ ansible_failed_result.msg }}"}}}],
        }]

    return run_cases(sim, tmp_path_factory.mktemp("shapes-role"), cases, task) + (customers,)


def test_role(role_run):
    results, proc, customers = role_run
    ids = [c["id"] for c in customers]
    # scope all over a list paged with a plain nextLink: all 25, not the first page of 10; the null country drifts
    plain = results["plain_all"]
    assert not plain["failed"], plain
    assert plain["result"]["summary"] == {"total": 25, "compliant": 24, "drifted": 1, "missing": 0}
    assert [d["id"] for d in plain["result"]["drifted"]] == [ids[NULLS]]
    assert plain["result"]["drifted"][0]["fields"][0]["actual"] is None
    assert results["token_all"]["result"]["summary"]["total"] == 25
    elements = results["elements_all"]["result"]
    assert elements["summary"] == {"total": 25, "compliant": 25, "drifted": 0, "missing": 0}
    assert [f for f in elements["customers"][NULLS]["fields"] if f["field"] == "job_status"][0]["ok"] is True
    empty = results["empty_listed"]
    assert empty["failed"] and "customer %s with HTTP 204 and an empty body" % ids[EMPTY] in empty["msg"]
    repeat = results["repeat_all"]
    assert repeat["failed"] and "more than once in the customer list (on pages 1 and 4)" in repeat["msg"]
    not_served = results["partner_not_served"]
    assert not_served["failed"] and DOES_NOT_SERVE in not_served["msg"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_duplicates_are_named_whichever_consumer(module_run):
    results, _proc, customers = module_run
    for name in ("duplicates_elements_list", "duplicates_elements_batch"):
        assert customers[DUP]["id"] in results[name]["msg"]
