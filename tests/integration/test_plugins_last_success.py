"""The last_success option of the avepoint_customer lookup and the avepoint_customers inventory, in real runs.

Expected times come from the simulator's raw job histories (the newest Finished job with an
end time). On ansible-core 2.19+ ``ansible-inventory --list`` writes API strings as
``{"__ansible_unsafe": ...}``; ``plain`` unwraps them.
"""

from __future__ import annotations

import json
import math
import subprocess

import yaml

from harness import BIN, AnsibleRun, connection_env, plain
from test_job_info import expected_last_success

PARTNER_JOBS = "GET /partner/customers/{id}/jobs"
ELEMENTS_JOBS = "POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def inventory_list(ansible: AnsibleRun, source, env):
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], cwd=ansible.workdir,
                          env=ansible.env(dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout))["_meta"]["hostvars"]


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
