"""Secret hygiene of avepoint_customer_info: canary credentials at -vvvv with ANSIBLE_LOG_PATH.

One playbook runs the module's success and failure paths, including a simulator that
repeats the credentials it received in its error messages (``echo_request`` rules). No
canary and no token the simulator issued may appear in stdout, stderr, the log file or
any registered result.
"""

from __future__ import annotations

import json
import socket

import pytest
import requests

from harness import DEFAULT_CLIENT_ID, AnsibleRun, Simulator, SimulatorConfig, connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
CANARY_SECRET = "CANARY-client-secret-8d41f7"
CANARY_WRONG_SECRET = "CANARY-wrong-secret-2c9e05"
CANARY_TOKEN = "CANARY-access-token-71b3aa"
MASK = "********"


def fetch_token(sim) -> str:
    answer = requests.post(sim.token_url, data={"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
                                                "client_secret": CANARY_SECRET, "scope": "partner.customers.read.all"}, timeout=10)
    answer.raise_for_status()
    return answer.json()["access_token"]


@pytest.fixture(scope="module")
def hygiene_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("secrets")
    log = workdir / "ansible.log"
    out = workdir / "results.json"
    with Simulator(SimulatorConfig(customers=8, client_secret=CANARY_SECRET)) as sim:
        ids = [c["id"] for c in sim.customers]
        given_token = fetch_token(sim)
        sim.set_faults([
            # The first token request (first task) is answered with an error that repeats the form, secret included.
            {"kind": "status", "status": 400, "path": "^/connect/token$", "count": 1, "echo_request": True},
            # Reads of these customers are answered with an error that repeats the bearer token.
            {"kind": "status", "status": 500, "ids": ids[5:8], "echo_request": True},
        ])
        secret = {"client_secret": CANARY_SECRET}
        cases = [
            ("token_endpoint_echoes_the_secret", dict(secret, id=ids[0])),
            ("success_with_client_secret", dict(secret, ids=ids[:3])),
            ("api_echoes_the_token", dict(secret, id=ids[5], retries=0)),
            ("bulk_failure_echoes_the_token", dict(secret, ids=ids[3:8], retries=0)),
            ("wrong_client_secret", {"client_secret": CANARY_WRONG_SECRET, "id": ids[0]}),
            ("unknown_access_token", {"access_token": CANARY_TOKEN, "id": ids[0]}),
            ("success_with_access_token", {"access_token": given_token, "ids": ids[:2]}),
            ("access_token_echoed", {"access_token": given_token, "id": ids[6], "retries": 0}),
            ("bad_input_with_secret", dict(secret, id="not-a-guid")),
            ("two_credentials", dict(secret, access_token=CANARY_TOKEN, id=ids[0])),
        ]
        tasks = [{"name": name, MODULE: args, "register": "case_%d" % i, "ignore_errors": True} for i, (name, args) in enumerate(cases)]
        tasks.append({"ansible.builtin.copy": {
            "content": "{{ [%s] | to_json }}" % ", ".join("case_%d" % i for i in range(len(cases))), "dest": str(out)}})
        env = connection_env(sim, AVEPOINT_CLIENT_SECRET=None)
        env["ANSIBLE_LOG_PATH"] = str(log)
        proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}],
                                            env=env, args=("-vvvv",))
        issued = sim.issued_tokens()
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    results = dict(zip((name for name, _case in cases), json.loads(out.read_text())))
    return results, proc, log.read_text(), issued


def test_every_path_ran(hygiene_run):
    results, _proc, _log, issued = hygiene_run
    assert not results["success_with_client_secret"].get("failed")
    assert len(results["success_with_client_secret"]["customers"]) == 3
    assert not results["success_with_access_token"].get("failed")
    for name, result in results.items():
        if not name.startswith("success"):
            assert result.get("failed") is True, name
    assert "authentication failed" in results["wrong_client_secret"]["msg"]
    assert "rejected the credentials" in results["unknown_access_token"]["msg"]
    assert len(issued) >= 4


@pytest.mark.parametrize("name", ["token_endpoint_echoes_the_secret", "api_echoes_the_token",
                                  "bulk_failure_echoes_the_token", "access_token_echoed"])
def test_echoed_credentials_are_masked(hygiene_run, name):
    results = hygiene_run[0]
    message = results[name]["msg"]
    assert "received Authorization=" in message  # the simulator did repeat what it got...
    assert MASK in message  # ...and the credential in it was masked


def test_no_canary_or_issued_token_anywhere(hygiene_run):
    results, proc, log, issued = hygiene_run
    assert "EXEC" in proc.stdout  # the run really was verbose
    assert log.strip(), "ANSIBLE_LOG_PATH was not written"
    haystacks = {"stdout": proc.stdout, "stderr": proc.stderr, "log": log, "results": json.dumps(results)}
    for secret in [CANARY_SECRET, CANARY_WRONG_SECRET, CANARY_TOKEN, *issued]:
        for where, text in haystacks.items():
            assert secret not in text, "%s...: found in %s" % (secret[:8], where)


def test_no_traceback(hygiene_run):
    _results, proc, log, _issued = hygiene_run
    assert "Traceback" not in proc.stdout + proc.stderr + log


def non_loopback_address():
    """This machine's address on its default route (not a loopback address), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # UDP connect sends nothing; it only picks the route
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_plain_http_to_a_non_loopback_host_is_refused_before_connecting(ansible):
    address = non_loopback_address()
    if address is None:
        pytest.skip("no non-loopback IPv4 address on this machine")
    with Simulator(SimulatorConfig(customers=2, host="0.0.0.0")) as sim:
        remote = "http://%s:%d" % (address, sim.port)
        try:
            requests.get(remote + "/_sim/health", timeout=5).raise_for_status()
        except requests.RequestException:
            pytest.skip("the simulator is not reachable at %s" % remote)
        sim.reset_counters()
        env = connection_env(sim, AVEPOINT_API_URL=remote, AVEPOINT_TOKEN_URL=remote + "/connect/token")
        result, _proc = ansible.task(MODULE, {"id": sim.customers[0]["id"]}, env=env)
        counters = sim.counters()
    assert result["failed"]
    assert "refusing to send credentials over plain http to '%s'" % address in result["msg"]
    assert "loopback" in result["msg"]
    assert counters["connections"] == 0 and counters["token_requests"] == 0, counters
