"""avepoint.graph.avepoint_customer_info in real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from harness import expected_facts, connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def test_one_customer_by_id(sim, ansible):
    customer = sim.customers[3]
    result, _proc = ansible.task(MODULE, {"id": customer["id"]}, env=connection_env(sim))
    assert not result.get("failed"), result
    assert result["changed"] is False
    assert result["customers"] == [expected_facts(customer)]
    assert result["missing_ids"] == []
    counters = sim.counters()
    assert counters["token_requests"] == 1
    assert counters["by_path"] == {"GET /partner/customers/{id}": 1}


def test_customer_id_alias_and_upper_case(sim, ansible):
    customer = sim.customers[0]
    result, _proc = ansible.task(MODULE, {"customer_id": customer["id"].upper()}, env=connection_env(sim))
    assert result["customers"] == [expected_facts(customer)]


def test_many_ids_in_order_with_one_token(sim, ansible):
    chosen = [sim.customers[i] for i in (9, 2, 17, 5, 11, 0, 23, 8, 14, 20)]
    ids = [c["id"] for c in chosen] + [chosen[0]["id"]]  # a duplicate is fetched once
    result, _proc = ansible.task(MODULE, {"ids": ids, "concurrency": 4}, env=connection_env(sim))
    assert [c["id"] for c in result["customers"]] == [c["id"] for c in chosen]
    assert result["customers"] == [expected_facts(c) for c in chosen]
    counters = sim.counters()
    assert counters["token_requests"] == 1
    assert counters["api_requests"] == 10


def test_all_customers(sim, ansible):
    result, _proc = ansible.task(MODULE, {}, env=connection_env(sim))
    assert sorted(result["customers"], key=lambda c: c["id"]) == sorted(
        (expected_facts(c) for c in sim.customers), key=lambda c: c["id"])
    assert sim.counters()["by_path"] == {"GET /partner/customers": 1}


def test_missing_id_is_reported_not_fatal(sim, ansible):
    known = sim.customers[1]["id"]
    result, _proc = ansible.task(MODULE, {"ids": [UNKNOWN_ID, known]}, env=connection_env(sim))
    assert not result.get("failed"), result
    assert result["missing_ids"] == [UNKNOWN_ID]
    assert [c["id"] for c in result["customers"]] == [known]


@pytest.mark.parametrize("bad", ["not-a-guid", "../partner/customers", "%2e%2e", "", "0f8fad5b-d9cb-469f-a165-70867728950e?x=1"])
def test_invalid_id_fails_before_any_request(sim, ansible, bad):
    result, _proc = ansible.task(MODULE, {"ids": [sim.customers[0]["id"], bad]}, env=connection_env(sim))
    assert result["failed"]
    assert "invalid customer ID" in result["msg"]
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0


def test_id_and_ids_are_mutually_exclusive(sim, ansible):
    cid = sim.customers[0]["id"]
    result, _proc = ansible.task(MODULE, {"id": cid, "ids": [cid]}, env=connection_env(sim))
    assert result["failed"] and "mutually exclusive" in result["msg"]
    assert sim.counters()["token_requests"] == 0


def test_no_credential_is_a_clear_error(sim, ansible):
    env = connection_env(sim, AVEPOINT_CLIENT_SECRET=None)
    result, _proc = ansible.task(MODULE, {"id": sim.customers[0]["id"]}, env=env)
    assert result["failed"] and "no credential given" in result["msg"]
    assert sim.counters()["token_requests"] == 0


def test_wrong_credentials(sim, ansible):
    env = connection_env(sim, AVEPOINT_CLIENT_SECRET="wrong-secret-value")
    result, _proc = ansible.task(MODULE, {"ids": [c["id"] for c in sim.customers[:5]]}, env=env)
    assert result["failed"]
    assert "check client_id and client_secret" in result["msg"]
    assert "wrong-secret-value" not in str(result)
    assert sim.counters()["api_requests"] == 0


def test_missing_permission_names_it(sim, ansible):
    env = connection_env(sim, AVEPOINT_SCOPE="elements.customers.read.all")
    result, _proc = ansible.task(MODULE, {"id": sim.customers[0]["id"]}, env=env)
    assert result["failed"]
    assert "HTTP 403" in result["msg"] and "partner.customers.read.all" in result["msg"]


@pytest.mark.parametrize("status, retry_after", [(429, 1), (429, None), (503, None)])
def test_transient_errors_are_retried(sim, ansible, status, retry_after):
    rule = {"kind": "status", "status": status, "count": 3}
    if retry_after is not None:
        rule["retry_after"] = retry_after
    sim.set_faults([rule])
    ids = [c["id"] for c in sim.customers[:6]]
    result, _proc = ansible.task(MODULE, {"ids": ids}, env=connection_env(sim))
    assert not result.get("failed"), result
    assert [c["id"] for c in result["customers"]] == ids
    assert sim.counters()["api_requests"] == 9


def test_retries_exhausted_name_the_ids(sim, ansible):
    bad = sim.customers[2]["id"]
    sim.set_faults([{"kind": "status", "status": 503, "ids": [bad], "body": {"message": "backend down", "requestId": "req-42"}}])
    ids = [c["id"] for c in sim.customers[:4]]
    result, _proc = ansible.task(MODULE, {"ids": ids, "retries": 1}, env=connection_env(sim))
    assert result["failed"]
    assert "1 customer(s) could not be fetched" in result["msg"]
    assert bad in result["msg"] and "HTTP 503" in result["msg"]
    assert "backend down" in result["msg"] and "req-42" in result["msg"]
    assert result["failed_ids"] == [bad]
    assert "customers" not in result


def test_check_mode_and_module_defaults_group(sim, ansible):
    customer = sim.customers[4]
    env = connection_env(sim)
    plays = [{
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/avepoint.graph.avepoint": {
            "api_url": env["AVEPOINT_API_URL"], "token_url": env["AVEPOINT_TOKEN_URL"],
            "client_id": env["AVEPOINT_CLIENT_ID"], "client_secret": env["AVEPOINT_CLIENT_SECRET"]}},
        "tasks": [
            {MODULE: {"id": customer["id"]}, "register": "r"},
            {"ansible.builtin.assert": {"that": ["r is not changed", "r.customers[0].organization == %r" % customer["organization"]]}},
        ],
    }]
    proc = ansible.playbook(plays, args=("--check",))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_secret_or_token_at_vvvv(ansible, tmp_path):
    from avepoint_simulator import Simulator, SimulatorConfig

    canary = "CANARY-client-secret-5f0c2e"
    with Simulator(SimulatorConfig(customers=5, client_secret=canary)) as own:
        env = connection_env(own, AVEPOINT_CLIENT_SECRET=canary)
        env["ANSIBLE_LOG_PATH"] = str(tmp_path / "ansible.log")
        ids = [c["id"] for c in own.customers[:3]]
        result, proc = ansible.task(MODULE, {"ids": ids}, env=env, args=("-vvvv",))
        assert not result.get("failed"), result
        failing, proc2 = ansible.task(MODULE, {"ids": ids, "client_secret": canary + "-wrong"}, env=env, args=("-vvvv",))
        assert failing["failed"]
        tokens = own.issued_tokens()
    assert tokens, "the simulator issued no token"
    text = "\n".join([proc.stdout, proc.stderr, proc2.stdout, proc2.stderr, (tmp_path / "ansible.log").read_text(), str(result), str(failing)])
    for secret in [canary, *tokens]:
        assert secret not in text
