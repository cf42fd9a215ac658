"""A dead, slow or odd service fails every consumer fast, once and clearly (issues 14.4, 17.4, 17.7, 17.8).

One playbook runs the module and the lookup, and one ansible-inventory run (enrich mode) the
inventory plugin, through each situation:

* dead_api: the token URL answers, the API host refuses connections (a loopback port bound but
  not listening); 200 IDs must end after the first request's retries, with one error;
* deadline: every API request of its IDs is delayed past ``timeout``; ``total_timeout`` ends the task;
* drip: the API sends its answer 10 bytes at a time, each before the per-read timeout; the attempt's
  ``timeout`` cuts it off;
* header_drip: the API sends its status line and headers 4 bytes every 1.5 s (a minute in all); the
  attempt's ``timeout`` cuts it off after about 2 s;
* header_deadline: the same with a long ``timeout``: ``total_timeout`` cuts it off after about 3 s;
* proxy: a loopback proxy that accepts connections and never answers; the error names it;
* redirect: the API answers 301 with a Location holding a query; the error shows where, without the
  query, and says redirects are not followed.

Every option reaches each consumer its own way (module arguments, ``ansible_avepoint_*`` variables,
inventory file keys). Timing bounds are generous: on today's main these runs take minutes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import uuid

import pytest
import yaml

from harness import BIN, DEFAULT_CLIENT_ID, AnsibleRun, Simulator, SimulatorConfig, connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
LOOKUP = "avepoint.graph.avepoint_customer"
INVENTORY = "avepoint.graph.avepoint_customers"
DEAD_IDS = [str(uuid.UUID(int=index + 1)) for index in range(200)]
ELSEWHERE = "https://elsewhere.example-msp.invalid/partner/customers/x"


@pytest.fixture(scope="module")
def closed_port():
    """A loopback port that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def silent_proxy():
    """A loopback 'proxy' that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield "http://127.0.0.1:%d" % sock.getsockname()[1]


def situations(sim, dead_port, proxy):
    """name -> (customer IDs, connection options, what the error must say)."""
    ids = [customer["id"] for customer in sim.customers]
    dead_api = "http://127.0.0.1:%d" % dead_port
    return {
        "dead_api": (DEAD_IDS, {"api_url": dead_api, "retries": 3},
                     ["could not reach %s after 4 attempt(s): Connection refused" % dead_api,
                      "stopped here: the others would fail the same way"]),
        "deadline": (ids[0:3], {"timeout": 1, "retries": 10, "total_timeout": 3},
                     ["gave up on %s after" % sim.url, "the total_timeout of 3 s"]),
        "drip": (ids[3:4], {"timeout": 2, "retries": 0},
                 ["the response from %s was still incomplete after 2 s (1 attempt(s)): the server sends it too slowly" % sim.url]),
        "proxy": (ids[4:5], {"proxy": proxy, "timeout": 1, "retries": 0},
                  ["through the proxy '%s' timed out after 1 s" % proxy.split("//")[1]]),
        "redirect": (ids[5:6], {"retries": 0},
                     ["HTTP 301 Moved Permanently", "the service redirected to %s, and redirects are not followed" % ELSEWHERE]),
        "header_drip": (ids[6:7], {"timeout": 2, "retries": 0},
                        ["the response from %s was still incomplete after 2 s (1 attempt(s)): the server sends it too slowly" % sim.url]),
        "header_deadline": (ids[7:8], {"timeout": 20, "retries": 3, "total_timeout": 3},
                            ["gave up on %s after 1 attempt(s), the last: the response was still incomplete after" % sim.url,
                             "the total_timeout of 3 s"]),
    }


def faults(sim):
    ids = [customer["id"] for customer in sim.customers]
    return [
        {"kind": "delay", "delay_ms": 2500, "ids": ids[0:3]},
        {"kind": "drip", "drip_bytes": 10, "drip_ms": 1500, "ids": ids[3:4]},
        {"kind": "status", "status": 301, "ids": ids[5:6], "headers": {"Location": ELSEWHERE + "?sig=s3cret-signature"}},
        {"kind": "drip", "drip_bytes": 4, "drip_ms": 1500, "drip_headers": True, "ids": ids[6:8]},
    ]


def clock(name):
    """A task noting the time (seconds since the epoch) in the fact clock_<name>."""
    return {"name": "clock " + name, "ansible.builtin.set_fact": {"clock_" + name: "{{ now().timestamp() }}"}}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, closed_port, silent_proxy):
    workdir = tmp_path_factory.mktemp("fail-fast")
    with Simulator(SimulatorConfig(customers=8, seed=3)) as sim:
        cases = situations(sim, closed_port, silent_proxy)
        env = connection_env(sim)
        tasks, names = [], []
        for name, (ids, options, _expected) in cases.items():
            tasks += [clock("module_" + name),
                      {"name": "module " + name, MODULE: dict(options, ids=ids), "register": "module_" + name, "ignore_errors": True}]
            tasks += [clock("lookup_" + name),
                      {"name": "lookup " + name, "ansible.builtin.set_fact": {"found": "{{ query(%r, %r) }}" % (LOOKUP, ids)},
                       "vars": {"ansible_avepoint_%s" % key: value for key, value in options.items()},
                       "register": "lookup_" + name, "ignore_errors": True}]
            names += ["module_" + name, "lookup_" + name]
        tasks.append(clock("end"))
        names = names + ["clock_" + name for name in names + ["end"]]
        out = workdir / "outcomes.json"
        saved = "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (name, name) for name in names)
        tasks.append({"name": "save", "ansible.builtin.copy": {"content": saved, "dest": str(out)}})
        sim.set_faults(faults(sim))
        started = time.monotonic()
        play = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=env)
        play_seconds = time.monotonic() - started

        hosts, command = {}, [str(BIN / "ansible-inventory"), "--list", "-i", "hosts.yml"]
        for index, (name, (ids, options, _expected)) in enumerate(cases.items()):
            for number, customer_id in enumerate(ids):
                hosts["%s-%d" % (name, number)] = {"customer_of_%s" % name: customer_id}
            source = "%d_%s.avepoint_customers.yml" % (index, name)
            (workdir / source).write_text(yaml.safe_dump(dict(
                options, plugin=INVENTORY, mode="enrich", customer_id_var="customer_of_" + name, api_url=options.get("api_url", sim.url),
                token_url=sim.token_url, client_id=DEFAULT_CLIENT_ID, client_secret="{{ lookup('ansible.builtin.env', 'FAIL_FAST_SECRET') }}")))
            command += ["-i", source]
        (workdir / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
        sim.set_faults(faults(sim))
        started = time.monotonic()
        inventory = subprocess.run(command, cwd=workdir, capture_output=True, check=False, text=True, timeout=600, env=AnsibleRun(workdir).env(dict(
            env, FAIL_FAST_SECRET=env["AVEPOINT_CLIENT_SECRET"], AVEPOINT_CLIENT_SECRET="",
            ANSIBLE_INVENTORY_ENABLED="%s,yaml" % INVENTORY)))
        inventory_seconds = time.monotonic() - started
    assert out.exists(), play.stdout[-3000:] + play.stderr[-3000:]
    results = json.loads(out.read_text())
    clocks = [(name[len("clock_"):], float(value)) for name, value in results.items() if name.startswith("clock_")]
    clocks.sort(key=lambda named: named[1])  # each task's time: from its clock to the next one
    seconds = {name: following - started for (name, started), (_next, following) in zip(clocks, clocks[1:])}
    return {"results": results, "cases": cases, "play": play, "inventory": inventory, "seconds": seconds,
            "play_seconds": play_seconds, "inventory_seconds": inventory_seconds}


SITUATIONS = ["dead_api", "deadline", "drip", "proxy", "redirect", "header_drip", "header_deadline"]


@pytest.mark.parametrize("consumer", ["module", "lookup"])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_task_fails_once_naming_what_happened(outcomes, consumer, situation):
    result = outcomes["results"]["%s_%s" % (consumer, situation)]
    assert result.get("failed") is True, result
    message = result["msg"]
    for fragment in outcomes["cases"][situation][2]:
        assert fragment in message, "%r not in %r" % (fragment, message)
    assert "s3cret-signature" not in message and "sig=" not in message
    assert "could not be fetched" not in message  # one error, not one per customer
    assert len(message) < 700, message


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_inventory_source_fails_once_naming_what_happened(outcomes, situation):
    stderr = outcomes["inventory"].stderr
    index = SITUATIONS.index(situation)
    block = stderr.split("%d_%s.avepoint_customers.yml" % (index, situation), 1)[1]
    block = " ".join(block.split("[WARNING]", 2)[:2])  # this source's warnings only
    for fragment in outcomes["cases"][situation][2]:
        assert " ".join(fragment.split()) in " ".join(block.split()), "%r not in %r" % (fragment, block[:2000])
    assert "s3cret-signature" not in stderr


@pytest.mark.parametrize("consumer", ["module", "lookup"])
@pytest.mark.parametrize("situation", ["drip", "header_drip", "header_deadline"])
def test_a_dripping_answer_is_cut_off_after_about_the_timeout(outcomes, consumer, situation):
    # The body drip would take minutes and the header drips a minute each; timeout 2 s or total_timeout 3 s cut them.
    seconds = outcomes["seconds"]["%s_%s" % (consumer, situation)]
    assert seconds < 25, seconds


def test_no_run_hangs(outcomes):
    # Today's main needs minutes here: 200 IDs each retrying a dead host, a 25 s drip per attempt,
    # a minute-long drip of the headers, and ten retries of a request delayed past its timeout.
    assert outcomes["play_seconds"] < 150, outcomes["play_seconds"]
    assert outcomes["inventory_seconds"] < 90, outcomes["inventory_seconds"]
    assert "Traceback" not in outcomes["play"].stdout + outcomes["play"].stderr + outcomes["inventory"].stderr
