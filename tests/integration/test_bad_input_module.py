"""The bad-input corpus (bad_inputs.py) through avepoint_customer_info.

Every case runs in-process (``AnsibleModule`` reads the arguments as from a task) and must fail
with a message naming the problem, without a Python traceback, before any request: the
simulator sees no connection, not even a token request. One real playbook then runs a case of
each kind (a customer ID, a connection option, an option from the task's ``environment:``,
an argument Ansible itself rejects) to prove that the messages reach the user.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.avepoint.graph.plugins.modules.avepoint_customer_info import main
from bad_inputs import (MODULE, assert_names_the_problem, assert_no_request, cases_for, module_args, named,
                        simulator_options, simulator_placeholders)
from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from in_process import run_module

MODULE_NAME = "avepoint.graph.avepoint_customer_info"
CASES = cases_for(MODULE)
PLAYBOOK_CASES = named(CASES, "path_traversal", "two_credential_kinds", "env_unknown_cloud", "unknown_argument")


def case_args(sim, case) -> dict:
    return module_args(case, simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), simulator_placeholders(sim))


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_names_the_problem(sim, case):
    outcome = run_module(main, case_args(sim, case), env=case.env)
    assert outcome.result.get("failed") is True, outcome.result
    assert "customers" not in outcome.result
    # ansible-core 2.19 adds an "exception" summary to every failure; it must hold no Python traceback.
    assert "Traceback" not in json.dumps(outcome.result) and "module_stderr" not in outcome.result
    assert_names_the_problem(case, MODULE, outcome.error)
    assert_no_request(sim)


def test_a_playbook_shows_each_kind_of_error(sim, ansible):
    """One task per kind of bad input, in a real ansible-playbook run."""
    tasks = []
    for index, case in enumerate(PLAYBOOK_CASES):
        task = {"name": "bad input %s" % case.name, MODULE_NAME: case_args(sim, case),
                "register": "case_%d" % index, "ignore_errors": True}
        if case.env:
            task["environment"] = dict(case.env)
        tasks.append(task)
    out = ansible.workdir / "results.json"
    everything = "{{ [%s] | to_json }}" % ", ".join("case_%d" % index for index in range(len(PLAYBOOK_CASES)))
    tasks.append({"name": "save the results", "ansible.builtin.copy": {"content": everything, "dest": str(out)}})
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}])
    assert out.exists(), proc.stdout + proc.stderr
    for case, result in zip(PLAYBOOK_CASES, json.loads(out.read_text())):
        assert result.get("failed") is True and "customers" not in result, result
        assert_names_the_problem(case, MODULE, result["msg"])
    assert "Traceback" not in proc.stdout + proc.stderr
    assert_no_request(sim)
