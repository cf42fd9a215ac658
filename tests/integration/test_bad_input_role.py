"""The bad-input corpus (bad_inputs.py) through the customer_compliance role: one playbook run.

Every case is an inventory host (connection local) whose host variables hold the role's
variables (customer IDs become ``customer_compliance_expected`` entries), the connection
options the play passes with ``module_defaults`` and the case's environment variables, so
all cases run side by side in one play. Each host runs the role in a block whose rescue
keeps the error. The simulator must see no request at all. More declaration errors are in
test_compliance_role.py.

The role checks customer IDs with the same function as every consumer and hands connection
options to avepoint_customer_info, whose corpus run (test_bad_input_module.py) covers every
case; a host with its tasks costs about a second on a small CI machine, so the role runs its
own cases, the environment cases and a sample of the others.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bad_inputs import ROLE, assert_names_the_problem, cases_for, connection_options, simulator_options, simulator_placeholders
from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PYTHON, AnsibleRun

ROLE_NAME = "avepoint.graph.customer_compliance"
SAMPLE = frozenset((
    "not_a_guid", "path_traversal", "encoded_traversal", "query_injection", "header_injection", "empty_string",
    "null", "integer", "very_long", "cyrillic_lookalike", "bad_among_good",
    "unknown_cloud", "timeout_negative", "validate_certs_not_bool", "two_credential_kinds", "no_credential",
    "certificate_unreadable", "ca_path_not_pem", "api_url_plain_http_remote",
))
CASES = [case for case in cases_for(ROLE) if case.name in SAMPLE or case.env or case.consumers == {ROLE}]


def host_name(index: int) -> str:
    return "case%02d" % index


def case_vars(case, base: dict, placeholders: dict) -> dict:
    variables = {
        "case_options": connection_options(case, base, placeholders),
        "case_env": dict(case.env),
        "customer_compliance_expected": [{"id": customer_id} for customer_id in case.ids],
    }
    variables.update(case.consumer_args)
    return variables


def role_play(out_path) -> list:
    collect = "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'case_outcome'))) | to_json }}"
    return [{
        "name": "bad inputs", "hosts": "cases", "gather_facts": False,
        "module_defaults": {"group/avepoint.graph.avepoint": "{{ case_options }}"},
        "tasks": [
            {"name": "run the role", "environment": "{{ case_env }}",
             "block": [
                 {"name": "include the role", "ansible.builtin.include_role": {"name": ROLE_NAME}},
                 {"ansible.builtin.set_fact": {"case_outcome": {"failed": False}}},
             ],
             "rescue": [{"ansible.builtin.set_fact": {"case_outcome": {
                 "failed": True, "msg": "{{ ansible_failed_result.msg }}", "task": "{{ ansible_failed_task.name }}"}}}]},
            {"name": "save the outcomes", "run_once": True,
             "ansible.builtin.copy": {"content": collect, "dest": str(out_path)}},
        ],
    }]


@pytest.fixture(scope="module")
def role_outcomes(simulator_server, tmp_path_factory):
    sim = simulator_server
    workdir = tmp_path_factory.mktemp("bad-input-role")
    base = simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    hosts = {host_name(index): case_vars(case, base, simulator_placeholders(sim)) for index, case in enumerate(CASES)}
    (workdir / "cases.yml").write_text(yaml.safe_dump({"cases": {
        "hosts": hosts, "vars": {"ansible_connection": "local", "ansible_python_interpreter": PYTHON}}}))
    out = workdir / "outcomes.json"
    sim.clear_faults()
    sim.reset_counters()
    proc = AnsibleRun(workdir).playbook(role_play(out), args=("-i", "cases.yml", "--forks", "8"))
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    outcomes = json.loads(out.read_text())
    return {"outcomes": {case.name: outcomes[host_name(index)] for index, case in enumerate(CASES)}, "proc": proc,
            "counters": sim.counters()}


def test_corpus_is_large_enough():
    assert len(CASES) >= 25 and SAMPLE <= {case.name for case in CASES}


def test_no_request_reached_the_simulator(role_outcomes):
    counters = role_outcomes["counters"]
    assert counters["connections"] == 0 and counters["token_requests"] == 0 and counters["api_requests"] == 0, counters


def test_no_traceback(role_outcomes):
    proc = role_outcomes["proc"]
    assert "Traceback" not in proc.stdout + proc.stderr + json.dumps(role_outcomes["outcomes"])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_names_the_problem(role_outcomes, case):
    outcome = role_outcomes["outcomes"][case.name]
    assert outcome["failed"] is True, outcome
    # Found at the start: argument validation, the declaration check or the fetch's own validation.
    assert outcome["task"] != "Compare the customers with the declared state", outcome
    assert_names_the_problem(case, ROLE, outcome["msg"], limit=1200)
