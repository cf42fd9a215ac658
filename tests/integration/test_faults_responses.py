"""Responses that break the contract, through avepoint_customer_info in one playbook run.

Each case is a simulator fault rule aimed at one customer ID (``ids``), so one play with a
task per case covers them all. The customer list cases come last and use ``count: 1`` rules
on the list path, consumed in task order. Every case ends in either the right facts or a
clear error; never a Python traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pytest

from harness import AnsibleRun, connection_env, expected_facts

MODULE = "avepoint.graph.avepoint_customer_info"
CONTRACT = "does not match the documented contract"
NOT_JSON = "a body that is not valid JSON"
LIST_PATH = "^/partner/customers/?$"


@dataclass(frozen=True)
class BadResponse:
    name: str
    rule: dict  # fault rule; ``ids`` (or ``path`` for list cases) is added by the test
    expect: Optional[tuple[str, ...]] = None  # error substrings; None means the right facts
    list_endpoint: bool = False
    args: dict = field(default_factory=dict)


CASES = [
    BadResponse("html_page_200", {"kind": "html", "status": 200}, (NOT_JSON, "an HTML page, perhaps from a proxy")),
    BadResponse("html_proxy_502", {"kind": "html", "status": 502},
                ("HTTP 502 Bad Gateway", "after 2 attempts", "the body is an HTML page, perhaps from a proxy")),
    BadResponse("truncated_json", {"kind": "malformed"}, (NOT_JSON, "starting '{\"id\": '")),
    BadResponse("connection_cut_mid_body", {"kind": "truncated"},
                ("could not reach", "2 attempt(s)", "the connection closed before the whole response arrived")),
    BadResponse("connection_cut_once", {"kind": "truncated", "count": 1}),
    BadResponse("missing_organization", {"kind": "missing_field", "field": "organization"}, (CONTRACT, "'organization' is a required property")),
    BadResponse("missing_id", {"kind": "missing_field", "field": "id"}, (CONTRACT, "'id' is a required property")),
    BadResponse("job_status_is_a_number", {"kind": "wrong_type", "field": "jobStatus"},
                (CONTRACT, "field 'jobStatus' is 12345, expected type string")),
    BadResponse("id_is_a_number", {"kind": "wrong_type", "field": "id"}, (CONTRACT, "field 'id' is 12345")),
    BadResponse("unknown_extra_field", {"kind": "extra_field", "field": "newFeature"}),
    BadResponse("empty_body_200", {"kind": "empty", "status": 200}, ("HTTP 200 and an empty body, expected JSON",)),
    BadResponse("huge_body_20_mb", {"kind": "huge", "size_mb": 20}),
    BadResponse("json_array_200", {"kind": "status", "status": 200, "body": []}, (CONTRACT, "the body is [], expected type object")),
    BadResponse("json_string_200", {"kind": "status", "status": 200, "body": "\"hello\""}, (CONTRACT, "expected type object")),
    BadResponse("plain_text_500", {"kind": "status", "status": 500, "body": "upstream exploded"},
                ("HTTP 500 Internal Server Error", "after 2 attempts", "upstream exploded")),
    BadResponse("nested_error_400", {"kind": "status", "status": 400, "body": {"error": {"code": "Bad", "message": "nested reason"}}},
                ("HTTP 400 Bad Request", "nested reason")),
    BadResponse("other_customer_returned", {"kind": "status", "status": 200,
                                            "body": {"id": "00000000-0000-4000-8000-000000000001", "organization": "x",
                                                     "ownerEmail": "x", "jobStatus": "Working", "countryOrRegion": "x"}},
                ("answered the request for customer", "with customer 00000000-0000-4000-8000-000000000001")),
    # The customer list (no id): one rule per task, in order.
    BadResponse("list_missing_field", {"kind": "missing_field", "field": "countryOrRegion"},
                (CONTRACT, "in the customer list", "'countryOrRegion' is a required property"), list_endpoint=True),
    BadResponse("list_extra_field", {"kind": "extra_field"}, list_endpoint=True),
    BadResponse("list_empty_body", {"kind": "empty", "status": 200}, ("the customer list (page 1)", "empty body"), list_endpoint=True),
    BadResponse("list_html", {"kind": "html", "status": 200}, ("the customer list", "an HTML page"), list_endpoint=True),
    BadResponse("list_value_not_a_list", {"kind": "status", "status": 200, "body": {"value": {"id": "x"}}},
                (CONTRACT, "field 'value'", "expected type array"), list_endpoint=True),
]


def rules_and_tasks(sim, cases):
    """Fault rules (per-ID cases first, then the list cases in task order) and one task per case."""
    per_id = [case for case in cases if not case.list_endpoint]
    listed = [case for case in cases if case.list_endpoint]
    rules, tasks = [], []
    for case, customer in zip(per_id, sim.customers):
        rules.append(dict(case.rule, ids=[customer["id"]]))
        tasks.append((case, {"id": customer["id"]}))
    for case in listed:
        rules.append(dict(case.rule, path=LIST_PATH, count=1))
        tasks.append((case, {}))
    return rules, tasks


@pytest.fixture(scope="module")
def outcomes(simulator_server, tmp_path_factory):
    sim = simulator_server
    assert len(sim.customers) >= len(CASES)
    rules, tasks = rules_and_tasks(sim, CASES)
    sim.reset_counters()
    sim.set_faults(rules)
    workdir = tmp_path_factory.mktemp("bad-responses")
    out = workdir / "results.json"
    play_tasks = [
        {"name": case.name, MODULE: dict(args, retries=1, **case.args), "register": "case_%d" % index, "ignore_errors": True}
        for index, (case, args) in enumerate(tasks)
    ]
    play_tasks.append({"ansible.builtin.copy": {
        "content": "{{ [%s] | to_json }}" % ", ".join("case_%d" % i for i in range(len(tasks))), "dest": str(out)}})
    try:
        proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}],
                                            env=connection_env(sim))
    finally:
        sim.clear_faults()
    assert out.exists(), proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    return {case.name: (result, args) for (case, args), result in zip(tasks, results)}, proc, sim


def test_no_python_traceback(outcomes):
    results, proc, _sim = outcomes
    assert "Traceback" not in proc.stdout + proc.stderr
    for name, (result, _args) in results.items():
        assert "Traceback" not in json.dumps(result), name
        assert "module_stderr" not in result, (name, result)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_response(outcomes, case):
    results, _proc, sim = outcomes
    result, args = results[case.name]
    dataset = {c["id"]: c for c in sim.customers}
    if case.expect is None:
        assert not result.get("failed"), result.get("msg")
        wanted = [dataset[args["id"]]] if "id" in args else list(dataset.values())
        assert sorted(result["customers"], key=lambda c: c["id"]) == sorted((expected_facts(c) for c in wanted), key=lambda c: c["id"])
        return
    assert result.get("failed") is True, result
    assert "customers" not in result
    for fragment in case.expect:
        assert fragment in result["msg"], "%r not in %r" % (fragment, result["msg"])
    if "id" in args:
        assert args["id"] in result["msg"], "the error names the customer"
    assert len(result["msg"]) < 800
