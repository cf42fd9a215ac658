"""The bad-input corpus (bad_inputs.py) through the avepoint_customer lookup: one playbook.

Each case is a ``set_fact`` whose value calls the lookup, with ``ignore_errors`` and a
registered result, so the error message itself is checked (``errors='ignore'`` would hide it).
Every case runs with keyword arguments (one looped task); some option cases also run with
``ansible_avepoint_*`` variables. The simulator must see no request at all.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bad_inputs import LOOKUP, cases_for, connection_options, simulator_options, simulator_placeholders
from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnsibleRun

LOOKUP_NAME = "avepoint.graph.avepoint_customer"
FAILED_PREFIX = "The lookup plugin '%s' failed: " % LOOKUP_NAME
CASES = cases_for(LOOKUP)


# Option cases also given as ansible_avepoint_* variables (another option source, same checks);
# a few only, since each needs a task (and a worker process) of its own.
AS_VARIABLES = ("unknown_cloud", "timeout_negative", "validate_certs_not_bool", "two_credential_kinds",
                "no_credential", "api_url_plain_http_remote", "ca_path_not_pem")
VARIANTS = [(case.name, case) for case in CASES] + [
    (case.name + "-as-variables", case) for case in CASES if case.name in AS_VARIABLES]


@pytest.fixture(scope="module")
def lookup_outcomes(simulator_server, tmp_path_factory):
    """Keyword cases in one looped task (one worker process); variable cases one task each."""
    sim = simulator_server
    workdir = tmp_path_factory.mktemp("bad-input-lookup")
    base = simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    entries, variable_tasks = [], []
    for case in CASES:
        options = connection_options(case, base, simulator_placeholders(sim))
        entries.append({"name": case.name, "ids": list(case.ids), "keywords": dict(options, **case.consumer_args)})
        if case.name in AS_VARIABLES:
            variable_tasks.append({
                "name": "bad input %s as variables" % case.name,
                "ansible.builtin.set_fact": {"looked_up": "{{ query(%r, %r) }}" % (LOOKUP_NAME, list(case.ids))},
                "vars": {"ansible_avepoint_%s" % name: value for name, value in options.items()},
                "register": "variables_%d" % len(variable_tasks), "ignore_errors": True,
            })
    (workdir / "cases.yml").write_text(yaml.safe_dump({"avepoint_cases": entries}))
    out = workdir / "results.json"
    keyword_task = {
        "name": "bad inputs as keywords",
        "ansible.builtin.set_fact": {"looked_up": "{{ query(%r, item.ids, **item.keywords) }}" % LOOKUP_NAME},
        "loop": "{{ avepoint_cases }}", "loop_control": {"label": "{{ item.name }}"},
        "register": "keyword_cases", "ignore_errors": True,
    }
    variable_names = ", ".join("variables_%d" % index for index in range(len(variable_tasks)))
    save = {"name": "save the results", "ansible.builtin.copy": {
        "content": "{{ (keyword_cases.results + [%s]) | to_json }}" % variable_names, "dest": str(out)}}
    sim.clear_faults()
    sim.reset_counters()
    proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "vars_files": ["cases.yml"],
                                          "tasks": [keyword_task, *variable_tasks, save]}])
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    results = dict(zip((name for name, _case in VARIANTS), json.loads(out.read_text())))
    return results, proc, sim.counters()


def test_corpus_covers_ids_options_and_lookup_arguments():
    assert len(CASES) >= 30
    assert {"lookup_on_missing_unknown", "not_a_guid", "two_credential_kinds"} <= {case.name for case in CASES}


def test_no_request_reached_the_simulator(lookup_outcomes):
    _results, _proc, counters = lookup_outcomes
    assert counters["connections"] == 0 and counters["token_requests"] == 0 and counters["api_requests"] == 0, counters


def test_no_traceback(lookup_outcomes):
    results, proc, _counters = lookup_outcomes
    assert "Traceback" not in proc.stdout + proc.stderr
    assert all("Traceback" not in json.dumps(result) for result in results.values())


@pytest.mark.parametrize("name, case", VARIANTS, ids=[name for name, _case in VARIANTS])
def test_bad_input_names_the_problem(lookup_outcomes, name, case):
    results, _proc, _counters = lookup_outcomes
    result = results[name]
    assert result.get("failed") is True, result
    assert "looked_up" not in result.get("ansible_facts", {})
    message = result["msg"]
    assert FAILED_PREFIX in message, message
    ours = message.split(FAILED_PREFIX, 1)[1]
    for fragment in case.expected(LOOKUP):
        assert fragment in ours, "%r not in %r" % (fragment, ours)
    assert len(ours) < 600, "an error message should stay readable: %d characters" % len(ours)
