"""TLS against the simulator's HTTPS endpoint (a private test CA), through avepoint_customer_info.

The CA is in no system bundle, so certificate checks, which are on by default, must fail
without ``ca_path`` even when REQUESTS_CA_BUNDLE points at the system bundle (as on CI hosts).
"""

from __future__ import annotations

import json

import pytest

from harness import AnsibleRun, Simulator, SimulatorConfig, connection_env, expected_facts

MODULE = "avepoint.graph.avepoint_customer_info"
INSECURE = "validate_certs is false"


@pytest.fixture(scope="module")
def https_outcomes(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tls")
    out = workdir / "results.json"
    with Simulator(SimulatorConfig(customers=3, https=True)) as sim:
        customer = sim.customers[0]
        tasks = {
            "default": {"id": customer["id"]},
            "ca_path": {"id": customer["id"], "ca_path": sim.ca_path},
            "ca_path_from_env": ({"id": customer["id"]}, {"AVEPOINT_CA_PATH": sim.ca_path}),
            "validate_certs_false": {"id": customer["id"], "validate_certs": False},
            "validate_certs_false_from_env": ({"id": customer["id"]}, {"AVEPOINT_VALIDATE_CERTS": "false"}),
        }
        play_tasks = []
        for index, (name, spec) in enumerate(tasks.items()):
            args, environment = spec if isinstance(spec, tuple) else (spec, None)
            task = {"name": name, MODULE: args, "register": "case_%d" % index, "ignore_errors": True}
            if environment:
                task["environment"] = environment
            play_tasks.append(task)
        play_tasks.append({"ansible.builtin.copy": {
            "content": "{{ [%s] | to_json }}" % ", ".join("case_%d" % i for i in range(len(tasks))), "dest": str(out)}})
        env = connection_env(sim)
        env.setdefault("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")  # as on this CI host: must not help
        proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}], env=env)
        assert out.exists(), proc.stdout + proc.stderr
        counters = sim.counters()
        origin = sim.url
    results = dict(zip(tasks, json.loads(out.read_text())))
    return results, proc, counters, customer, origin


def test_simulator_urls_are_https(https_outcomes):
    origin = https_outcomes[-1]
    assert origin.startswith("https://")


def test_certificates_are_checked_by_default(https_outcomes):
    results, proc, _counters, customer, origin = https_outcomes
    result = results["default"]
    assert result["failed"]
    message = result["msg"]
    assert "TLS error talking to %s" % origin in message
    assert "certificate verify failed" in message
    assert "ca_path" in message and "AVEPOINT_CA_PATH" in message
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["ca_path", "ca_path_from_env"])
def test_ca_path_trusts_the_private_ca(https_outcomes, name):
    results, _proc, _counters, customer, _origin = https_outcomes
    result = results[name]
    assert not result.get("failed"), result.get("msg")
    assert result["customers"] == [expected_facts(customer)]
    assert not any(INSECURE in warning for warning in result.get("warnings", []))


@pytest.mark.parametrize("name", ["validate_certs_false", "validate_certs_false_from_env"])
def test_validate_certs_false_works_with_a_warning(https_outcomes, name):
    results, proc, _counters, customer, origin = https_outcomes
    result = results[name]
    assert not result.get("failed"), result.get("msg")
    assert result["customers"] == [expected_facts(customer)]
    warnings = [warning for warning in result.get("warnings", []) if INSECURE in warning]
    assert len(warnings) == 1, result.get("warnings")  # once per task, not once per request
    assert origin in warnings[0] and "ca_path" in warnings[0]
    assert INSECURE in proc.stdout + proc.stderr  # shown to the user, not only registered


def test_only_verified_or_explicitly_insecure_runs_got_tokens(https_outcomes):
    counters = https_outcomes[2]
    # The failed handshake never became a request: four runs, four tokens, four customer reads.
    assert counters["token_requests"] == 4 and counters["api_requests"] == 4, counters
