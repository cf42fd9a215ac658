"""The bad-input corpus (bad_inputs.py) through the avepoint_customers inventory: one ansible-inventory run.

Every case is an inventory file of its own in one directory, and all of them are given to a
single ``ansible-inventory --list`` (ansible-inventory reports a source that fails to parse
and goes on with the next one). Option cases use hosts mode; customer ID cases use enrich
mode with ``strict: true`` over hosts that a static YAML source, given first, defines with
one ID variable per case. The simulator must see no request at all.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from bad_inputs import INVENTORY, VALID_ID, cases_for, connection_options, simulator_options, simulator_placeholders
from harness import BIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnsibleRun

PLUGIN = "avepoint.graph.avepoint_customers"
CASES = cases_for(INVENTORY)


def is_id_case(case) -> bool:
    return tuple(case.ids) != (VALID_ID,)


def id_variable(index: int) -> str:
    return "case_%d_customer_id" % index


def inventory_file(index: int, case, base: dict, placeholders: dict) -> dict:
    config = {"plugin": PLUGIN, **connection_options(case, base, placeholders)}
    if is_id_case(case):
        config.update(mode="enrich", customer_id_var=id_variable(index), strict=True)
    config.update(case.consumer_args)
    return config


def static_hosts() -> dict:
    """One host per customer ID of every ID case, with that case's ID variable."""
    hosts = {}
    for index, case in enumerate(CASES):
        if is_id_case(case):
            for number, value in enumerate(case.ids):
                hosts["case%d-host%d" % (index, number)] = {id_variable(index): value}
    return {"all": {"hosts": hosts}}


def messages_by_source(stderr: str) -> dict[str, str]:
    """The warnings ansible-inventory printed, grouped by the inventory source they are about."""
    by_source: dict[str, str] = {}
    for block in re.split(r"(?m)^\[WARNING\]: ", stderr):
        found = re.search(r"with source '([^']+)'", block) or re.search(r"avepoint_customers inventory (\S+):", block)
        if found:
            by_source[found.group(1)] = by_source.get(found.group(1), "") + block
    return by_source


@pytest.fixture(scope="module")
def inventory_outcomes(simulator_server, tmp_path_factory):
    sim = simulator_server
    workdir = tmp_path_factory.mktemp("bad-input-inventory")
    base = simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    (workdir / "hosts.yml").write_text(yaml.safe_dump(static_hosts()))
    sources, paths = ["-i", str(workdir / "hosts.yml")], {}
    for index, case in enumerate(CASES):
        path = workdir / ("case%02d.avepoint_customers.yml" % index)
        path.write_text(yaml.safe_dump(inventory_file(index, case, base, simulator_placeholders(sim))))
        sources += ["-i", str(path)]
        paths[case.name] = str(path)
    # The plugin first, so its own files are not tried as static YAML first (less noise).
    env = AnsibleRun(workdir).env({"ANSIBLE_INVENTORY_ENABLED": "%s,yaml" % PLUGIN})
    sim.clear_faults()
    sim.reset_counters()
    proc = subprocess.run([str(BIN / "ansible-inventory"), *sources, "--list"], cwd=workdir, env=env,
                          capture_output=True, check=False, text=True, timeout=300)
    by_source = messages_by_source(proc.stderr)
    return {name: by_source.get(path, "") for name, path in paths.items()}, proc, sim.counters()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert sum(1 for case in CASES if is_id_case(case)) >= 20


def test_no_request_reached_the_simulator(inventory_outcomes):
    _messages, proc, counters = inventory_outcomes
    assert proc.returncode == 0, proc.stderr[-3000:]  # failed sources are warnings; the static one parsed
    assert counters["connections"] == 0 and counters["token_requests"] == 0 and counters["api_requests"] == 0, counters


def test_no_traceback(inventory_outcomes):
    _messages, proc, _counters = inventory_outcomes
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_names_the_problem(inventory_outcomes, case):
    messages, _proc, _counters = inventory_outcomes
    message = messages[case.name]
    assert message, "no warning or error about this inventory source"
    for fragment in case.expected(INVENTORY):
        assert fragment in message, "%r not in %r" % (fragment, message[:1500])
