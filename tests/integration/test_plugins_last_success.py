"""The last_success option of the avepoint_customer lookup and the avepoint_customers inventory, in real runs.

Expected times come from the simulator's raw job histories (the newest Finished job with an
end time). On ansible-core 2.19+ ``ansible-inventory --list`` writes API strings as
``{"__ansible_unsafe": ...}``; ``plain`` unwraps them.
"""

from __future__ import annotations

import json
import math
import subprocess
import time

import pytest
import yaml

from harness import BIN, AnsibleRun, connection_env, plain
from test_job_info import expected_by_workload, expected_last_success

PARTNER_JOBS = "GET /partner/customers/{id}/jobs"
ELEMENTS_JOBS = "POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def inventory_list(ansible: AnsibleRun, source, env):
    return inventory_data(ansible, source, env)["_meta"]["hostvars"]


def inventory_data(ansible: AnsibleRun, source, env):
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], cwd=ansible.workdir,
                          env=ansible.env(dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout))


def test_the_inventory_adds_last_success_for_the_hosts_it_makes_and_caches_it(sim, ansible, tmp_path):
    working = [c for c in sim.customers if c["jobStatusCode"] == 1]
    config = {"plugin": "avepoint.graph.avepoint_customers", "last_success": True, "filters": {"job_status": ["Working"]},
              "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
              "groups": {"never_backed_up": "avepoint_customer.last_success is none"}}
    source = tmp_path / "msp.avepoint_customers.yml"
    source.write_text(yaml.safe_dump(config))
    env = connection_env(sim, AVEPOINT_API="elements")

    hostvars = inventory_list(ansible, source, env)
    assert set(hostvars) == {c["id"] for c in working}
    for customer in working:
        assert hostvars[customer["id"]]["avepoint_customer"]["last_success"] == expected_last_success(sim.jobs(customer["id"]))
    counters = sim.counters()
    # one list request and the jobs of the hosts only (100 jobs a page), with one token for both
    assert counters["by_path"][ELEMENTS_JOBS] == sum(max(1, math.ceil(len(sim.jobs(c["id"])) / 100)) for c in working)
    assert counters["token_requests"] == 1

    sim.reset_counters()
    assert inventory_list(ansible, source, env) == hostvars  # from the cache: no request at all
    assert sim.counters()["api_requests"] == 0 and sim.counters()["token_requests"] == 0

    # more hosts (another filter): the cached customer list stays, jobs are read for the new hosts only
    failed = [c for c in sim.customers if c["jobStatusCode"] == 2]
    source.write_text(yaml.safe_dump(dict(config, filters={"job_status": ["Working", "Failed"]})))
    sim.reset_counters()
    more = inventory_list(ansible, source, env)
    assert set(more) == {c["id"] for c in working + failed}
    assert all(more[c["id"]]["avepoint_customer"]["last_success"] == expected_last_success(sim.jobs(c["id"])) for c in failed)
    assert set(sim.counters()["by_path"]) == {ELEMENTS_JOBS}
    assert sim.counters()["by_path"][ELEMENTS_JOBS] == sum(max(1, math.ceil(len(sim.jobs(c["id"])) / 100)) for c in failed)

    # without the option: other cache entries, and no last_success
    source.write_text(yaml.safe_dump(dict(config, last_success=False)))
    sim.reset_counters()
    without = inventory_list(ansible, source, env)
    assert all("last_success" not in facts["avepoint_customer"] for facts in without.values())
    assert ELEMENTS_JOBS not in sim.counters()["by_path"] and sim.counters()["api_requests"] >= 1  # its own cache entry


def test_the_lookup_adds_last_success_only_when_asked(sim, ansible, tmp_path):
    ids = [c["id"] for c in sim.customers[:6]]
    out = tmp_path / "facts.json"
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "with and without the option", "ansible.builtin.copy": {
            "dest": str(out), "mode": "0644",
            "content": "{{ {'with': query('avepoint.graph.avepoint_customer', ids, last_success=true, cache_ttl=0),"
                       " 'without': query('avepoint.graph.avepoint_customer', ids, cache_ttl=0)} | to_json }}"}}],
        "vars": {"ids": ids}}]
    proc = ansible.playbook(play, env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    facts = json.loads(out.read_text())
    assert [f["last_success"] for f in facts["with"]] == [expected_last_success(sim.jobs(i)) for i in ids]
    assert all("last_success" not in f for f in facts["without"])
    assert [dict(f, last_success=None) for f in facts["with"]] == [dict(f, last_success=None) for f in facts["without"]]
    counters = sim.counters()
    assert counters["by_path"]["GET /partner/customers/{id}"] == 2 * len(ids)
    assert counters["by_path"][PARTNER_JOBS] == sum(max(1, math.ceil(len(sim.jobs(i)) / 50)) for i in ids)
    assert counters["token_requests"] == 2  # one per lookup call: the scopes differ


# The keyed group of the inventory guide's example, with a fixed cutoff instead of now().
OVERDUE_KEY = (
    "(avepoint_customer.last_success_by_workload | dict2items | selectattr('value', 'none') | map(attribute='key') | list)"
    " + (avepoint_customer.last_success_by_workload | dict2items | rejectattr('value', 'none')"
    " | selectattr('value', 'lt', cutoff) | map(attribute='key') | list)")


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_the_inventory_adds_the_last_success_of_each_workload_and_groups_hosts_by_an_overdue_one(sim, ansible, tmp_path, api):
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sim.jobs_now - 86400))
    config = {"plugin": "avepoint.graph.avepoint_customers", "last_success_by_workload": True,
              "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
              "keyed_groups": [{"prefix": "overdue", "key": OVERDUE_KEY.replace("cutoff", repr(cutoff))}]}
    source = tmp_path / "msp.avepoint_customers.yml"
    source.write_text(yaml.safe_dump(config))
    env = connection_env(sim, AVEPOINT_API=api)

    data = inventory_data(ansible, source, env)
    hostvars = data["_meta"]["hostvars"]
    expected = {c["id"]: expected_by_workload(sim.jobs(c["id"])) for c in sim.customers}
    assert {host: facts["avepoint_customer"]["last_success_by_workload"] for host, facts in hostvars.items()} == expected
    assert all("last_success" not in facts["avepoint_customer"] for facts in hostvars.values())
    overdue = {}
    for customer_id, workloads in expected.items():
        for workload, last in workloads.items():
            if last is None or last < cutoff:
                overdue.setdefault("overdue_" + workload.replace(" ", "_"), set()).add(customer_id)
    partial = [c["id"] for c in sim.customers if sim.job_profile(c["id"]) == "partial"]
    assert partial and set(partial) <= overdue["overdue_Exchange_Online"]
    assert {name: set(data[name]["hosts"]) for name in overdue} == overdue
    assert not [name for name in data if name.startswith("overdue_") and name not in overdue]
    counters = sim.counters()
    assert counters["token_requests"] == 1  # one token for the customers and their jobs
    jobs_path, page = (PARTNER_JOBS, 50) if api == "partner" else (ELEMENTS_JOBS, 100)
    assert counters["by_path"][jobs_path] == sum(max(1, math.ceil(len(sim.jobs(c["id"])) / page)) for c in sim.customers)

    # last_success too: the cached entry without it is not used; one jobs read gives both facts
    source.write_text(yaml.safe_dump(dict(config, last_success=True)))
    sim.reset_counters()
    both = inventory_list(ansible, source, env)
    assert all(facts["avepoint_customer"]["last_success"] == expected_last_success(sim.jobs(host))
               and facts["avepoint_customer"]["last_success_by_workload"] == expected[host] for host, facts in both.items())
    assert sim.counters()["by_path"][jobs_path] == counters["by_path"][jobs_path]
    sim.reset_counters()
    assert inventory_list(ansible, source, env) == both  # from the cache: no request at all
    assert sim.counters()["api_requests"] == 0


def test_the_lookup_adds_the_last_success_of_each_workload_on_both_apis(sim, ansible, tmp_path):
    ids = [c["id"] for c in sim.customers[:8]]  # one customer of every job profile
    out = tmp_path / "facts.json"
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sim.jobs_now - 86400))
    # the lookup guide's example, with a fixed cutoff
    stale = ("{{ with_exchange | selectattr('last_success_by_workload.Exchange Online', 'none') | list"
             " + with_exchange | rejectattr('last_success_by_workload.Exchange Online', 'none')"
             " | selectattr('last_success_by_workload.Exchange Online', 'lt', cutoff) | list }}")
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "on both APIs", "ansible.builtin.copy": {
            "dest": str(out), "mode": "0644",
            "content": "{{ {'partner': customers, 'stale': stale | map(attribute='id'),"
                       " 'elements': query('avepoint.graph.avepoint_customer', ids, last_success_by_workload=true,"
                       " api='elements')} | to_json }}"}}],
        "vars": {"ids": ids, "cutoff": cutoff, "stale": stale,
                 "customers": "{{ query('avepoint.graph.avepoint_customer', ids, last_success_by_workload=true) }}",
                 "with_exchange": "{{ customers | selectattr('last_success_by_workload.Exchange Online', 'defined') | list }}"}}]
    proc = ansible.playbook(play, env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    facts = json.loads(out.read_text())
    expected = [expected_by_workload(sim.jobs(i)) for i in ids]
    for api in ("partner", "elements"):
        assert [f["last_success_by_workload"] for f in facts[api]] == expected, api
        assert all("last_success" not in f for f in facts[api])
    assert {} in expected and any(None in workloads.values() for workloads in expected)  # no job at all; no success
    exchange = [(i, w["Exchange Online"]) for i, w in zip(ids, expected) if "Exchange Online" in w]
    assert facts["stale"] == [i for i, last in exchange if last is None] + [i for i, last in exchange if last and last < cutoff]
    assert ids[2] in facts["stale"]  # the "partial" profile
