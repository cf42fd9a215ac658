"""The bad-input corpus (bad_inputs.py) through avepoint_customer_info: one playbook, many tasks.

Every case must fail with a message naming the problem, without a Python traceback, and the
simulator must see no request at all (no token request either).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from bad_inputs import MODULE, cases_for, module_args
from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnsibleRun

MODULE_NAME = "avepoint.graph.avepoint_customer_info"
CASES = cases_for(MODULE)


def base_options(sim) -> dict:
    return {"api_url": sim.url, "token_url": sim.token_url, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}


def placeholders(sim) -> dict:
    return {"api_url": sim.url, "token_url": sim.token_url, "api_host": urlsplit(sim.url).netloc}


def corpus_playbook(sim, cases, out_path) -> list:
    """One play: a task per case (errors ignored, result registered), then all results saved as JSON."""
    tasks = []
    for index, case in enumerate(cases):
        task = {
            "name": "bad input %s" % case.name,
            MODULE_NAME: module_args(case, base_options(sim), placeholders(sim)),
            "register": "case_%d" % index,
            "ignore_errors": True,
        }
        if case.env:
            task["environment"] = dict(case.env)
        tasks.append(task)
    everything = "{{ [%s] | to_json }}" % ", ".join("case_%d" % index for index in range(len(cases)))
    tasks.append({"name": "save the results", "ansible.builtin.copy": {"content": everything, "dest": str(out_path)}})
    return [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]


@pytest.fixture(scope="module")
def corpus_results(simulator_server, tmp_path_factory):
    """Run the whole corpus once; tests below check one case each."""
    workdir = tmp_path_factory.mktemp("bad-input-module")
    simulator_server.clear_faults()
    simulator_server.reset_counters()
    out = workdir / "results.json"
    proc = AnsibleRun(workdir).playbook(corpus_playbook(simulator_server, CASES, out))
    assert out.exists(), proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    return dict(zip((case.name for case in CASES), results)), proc, simulator_server.counters()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


def test_no_request_reached_the_simulator(corpus_results):
    _results, _proc, counters = corpus_results
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0, counters
    assert counters["connections"] == 0, counters


def test_no_traceback_anywhere(corpus_results):
    results, proc, _counters = corpus_results
    assert "Traceback" not in proc.stdout + proc.stderr
    for name, result in results.items():
        # ansible-core 2.19 adds an "exception" summary to every failure; it must hold no Python traceback.
        assert "Traceback" not in json.dumps(result) and "module_stderr" not in result, (name, result)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_names_the_problem(corpus_results, case):
    results, _proc, _counters = corpus_results
    result = results[case.name]
    assert result.get("failed") is True, result
    assert "customers" not in result
    message = result["msg"]
    for fragment in case.expected(MODULE):
        assert fragment in message, "%r not in %r" % (fragment, message)
    assert len(message) < 600, "an error message should stay readable: %d characters" % len(message)
