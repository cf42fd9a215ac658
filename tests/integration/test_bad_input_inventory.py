"""The bad-input corpus (bad_inputs.py) through the avepoint_customers inventory plugin.

Every case is an inventory file of its own, parsed in-process by the plugin from Ansible's
inventory loader. Option cases use hosts mode; customer ID cases use enrich mode with
``strict: true`` over hosts that an earlier source defined with the case's IDs; environment
cases set the controller's AVEPOINT_* variables. Nothing may be requested and nothing added.
One real ``ansible-inventory`` run then gives a source of each kind after a static one.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from bad_inputs import (INVENTORY, VALID_ID, assert_names_the_problem, assert_no_request, cases_for, connection_options, named,
                        simulator_options, simulator_placeholders)
from harness import BIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, squeezed, warnings_printed
from in_process import parse_inventory

PLUGIN = "avepoint.graph.avepoint_customers"
FACTS_VAR = "avepoint_customer"
CASES = cases_for(INVENTORY)
COMMAND_CASES = named(CASES, "path_traversal", "api_url_plain_http_remote", "inventory_validate_certs_template")


def is_id_case(case) -> bool:
    return tuple(case.ids) != (VALID_ID,)


def id_variable(index: int) -> str:
    return "case_%d_customer_id" % index


def inventory_file(sim, case, index: int = 0) -> dict:
    base = simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    config = {"plugin": PLUGIN, **connection_options(case, base, simulator_placeholders(sim))}
    if is_id_case(case):
        config.update(mode="enrich", customer_id_var=id_variable(index), strict=True)
    config.update(case.consumer_args)
    return config


def case_hosts(case, index: int = 0) -> dict:
    """The hosts an earlier inventory source defines for an ID case: one per ID, with the ID variable."""
    if not is_id_case(case):
        return {}
    return {"case%d-host%d" % (index, number): {id_variable(index): value} for number, value in enumerate(case.ids)}


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert sum(1 for case in CASES if is_id_case(case)) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_names_the_problem(sim, case, tmp_path):
    path = tmp_path / "case.avepoint_customers.yml"
    path.write_text(yaml.safe_dump(inventory_file(sim, case)))
    hosts = case_hosts(case)
    outcome = parse_inventory(PLUGIN, str(path), hosts=hosts, env=case.env)
    # A null ID is no ID: the source only warns that no host has one.
    assert_names_the_problem(case, INVENTORY, outcome.error or "\n".join(outcome.warnings), limit=12000)
    inventory = outcome.result
    assert set(inventory.hosts) == set(hosts)  # nothing added ...
    assert not any(FACTS_VAR in host.vars for host in inventory.hosts.values())  # ... and no host enriched
    assert_no_request(sim)


def test_ansible_inventory_shows_each_kind_of_error(sim, ansible, tmp_path):
    """A static source, then bad sources (an ID, an option, a templated option): the bad ones are reported."""
    hosts, sources, paths = {}, [], {}
    for index, case in enumerate(COMMAND_CASES):
        hosts.update(case_hosts(case, index))
        path = tmp_path / ("case%d.avepoint_customers.yml" % index)
        path.write_text(yaml.safe_dump(inventory_file(sim, case, index)))
        paths[case.name] = str(path)
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    for source in ["hosts.yml", *paths.values()]:
        sources += ["-i", source]
    # the plugin first, so its own files are not tried as static YAML first (less noise)
    env = ansible.env({"ANSIBLE_INVENTORY_ENABLED": "%s,yaml" % PLUGIN})
    proc = subprocess.run([str(BIN / "ansible-inventory"), *sources, "--list"], cwd=tmp_path, env=env,
                          capture_output=True, check=False, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]  # failed sources are warnings; the static one parsed
    listing = json.loads(proc.stdout)
    assert set(listing["_meta"]["hostvars"]) == set(hosts)
    assert "Traceback" not in proc.stdout + proc.stderr
    warnings = warnings_printed(proc.stderr)
    for case in COMMAND_CASES:
        about = [warning for warning in warnings if squeezed(paths[case.name]) in warning]
        assert about, "no warning about the source of %s: %s" % (case.name, proc.stderr[-3000:])
        for fragment in case.expected(INVENTORY):
            assert any(squeezed(fragment) in warning for warning in about), (fragment, about)
    assert_no_request(sim)
