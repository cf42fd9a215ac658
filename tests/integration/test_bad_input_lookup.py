"""The bad-input corpus (bad_inputs.py) through the avepoint_customer lookup.

Every case runs in-process, through Ansible's lookup loader: with keyword arguments, and each
connection option case once more as ``ansible_avepoint_*`` variables (another option source,
the same checks); environment cases set the controller's AVEPOINT_* variables. The simulator
must see no request at all. One real playbook then runs a case of each kind as ``set_fact``
tasks with ``ignore_errors`` and a registered result, so the error message the user gets is
checked (``errors='ignore'`` would hide it).
"""

from __future__ import annotations

import json

import pytest

from bad_inputs import (LOOKUP, VALID_ID, assert_names_the_problem, assert_no_request, cases_for, connection_options, named,
                        simulator_options, simulator_placeholders)
from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from in_process import run_lookup

LOOKUP_NAME = "avepoint.graph.avepoint_customer"
CASES = cases_for(LOOKUP)
OPTION_CASES = [case for case in CASES if case.options and tuple(case.ids) == (VALID_ID,)]
PLAYBOOK_CASES = named(CASES, "bad_among_good", "api_url_plain_http_remote", "validate_certs_not_bool", "lookup_on_missing_unknown")
PLAYBOOK_AS_VARIABLES = "validate_certs_not_bool"


def case_options(sim, case) -> dict:
    return connection_options(case, simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), simulator_placeholders(sim))


def as_variables(options: dict) -> dict:
    return {"ansible_avepoint_%s" % name: value for name, value in options.items()}


def test_corpus_covers_ids_options_and_lookup_arguments():
    assert len(CASES) >= 30 and len(OPTION_CASES) >= 20
    assert {"lookup_on_missing_unknown", "not_a_guid", "two_credential_kinds", "env_unknown_cloud"} <= {case.name for case in CASES}


# The terms as ``query(name, case.ids)`` hands them over: one list term, flattened by the lookup.
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_keyword_or_term_names_the_problem(sim, case):
    outcome = run_lookup(LOOKUP_NAME, [list(case.ids)], env=case.env, **case_options(sim, case), **case.consumer_args)
    assert outcome.failed and outcome.result is None, outcome.result
    assert_names_the_problem(case, LOOKUP, outcome.error)
    assert_no_request(sim)


@pytest.mark.parametrize("case", OPTION_CASES, ids=[case.name for case in OPTION_CASES])
def test_bad_variable_names_the_problem(sim, case):
    outcome = run_lookup(LOOKUP_NAME, [list(case.ids)], variables=as_variables(case_options(sim, case)), env=case.env)
    assert outcome.failed and outcome.result is None, outcome.result
    assert_names_the_problem(case, LOOKUP, outcome.error)
    assert_no_request(sim)


def test_a_playbook_shows_each_kind_of_error(sim, ansible):
    """A term, a keyword, a variable and a lookup option, each in a task of its own."""
    tasks = []
    for index, case in enumerate(PLAYBOOK_CASES):
        options = dict(case_options(sim, case), **case.consumer_args)
        as_vars = case.name == PLAYBOOK_AS_VARIABLES
        task_vars = dict(as_variables(options) if as_vars else {}, case_ids=list(case.ids), case_keywords={} if as_vars else options)
        tasks.append({"name": "bad input %s" % case.name,
                      "ansible.builtin.set_fact": {"looked_up": "{{ query(%r, case_ids, **case_keywords) }}" % LOOKUP_NAME},
                      "vars": task_vars, "register": "case_%d" % index, "ignore_errors": True})
    out = ansible.workdir / "results.json"
    everything = "{{ [%s] | to_json }}" % ", ".join("case_%d" % index for index in range(len(PLAYBOOK_CASES)))
    tasks.append({"name": "save the results", "ansible.builtin.copy": {"content": everything, "dest": str(out)}})
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}])
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    for case, result in zip(PLAYBOOK_CASES, json.loads(out.read_text())):
        assert result.get("failed") is True and "looked_up" not in result.get("ansible_facts", {}), result
        assert_names_the_problem(case, LOOKUP, result["msg"], limit=900)  # Ansible may name the lookup first
    assert "Traceback" not in proc.stdout + proc.stderr
    assert_no_request(sim)
