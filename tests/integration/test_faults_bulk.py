"""Bulk fetches through avepoint_customer_info while the simulator injects faults.

A dedicated simulator holds 1,000 customers. Honouring rate limits costs real time: with 20 %
of requests answered 429/503, every answer pauses all workers (that is the point of the
shared throttle), so a 1,000-ID run takes about a minute per fault kind. By default the
rate-limit tests ask for FAULT_CUSTOMERS (200) IDs of the 1,000 to keep CI short; set
AVEPOINT_FAULT_CUSTOMERS=1000 for the full-size run. The token revocation test always
fetches all 1,000.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time

import pytest

from harness import Simulator, SimulatorConfig, cleared, connection_env, expected_facts

MODULE = "avepoint.graph.avepoint_customer_info"
FAULT_CUSTOMERS = int(os.environ.get("AVEPOINT_FAULT_CUSTOMERS", "200"))
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FAILED_ITEM = re.compile(r"(?:could not be fetched: |; )(%s): " % GUID.pattern)  # "<id>: <error>" entries


@pytest.fixture(scope="module")
def big_sim():
    with Simulator(SimulatorConfig(customers=1000, seed=11)) as server:
        yield server


@pytest.fixture
def big(big_sim):
    with cleared(big_sim) as server:
        yield server


def sample(sim, count, seed=5):
    """``count`` dataset customers in a shuffled order (the result must keep the order asked)."""
    customers = sim.customers
    random.Random(seed).shuffle(customers)
    return customers[:count]


def assert_complete(result, wanted):
    """Every customer asked for, once, in order, with the facts of the dataset."""
    assert not result.get("failed"), result.get("msg")
    got = result["customers"]
    assert len(got) == len(wanted)
    assert len({c["id"] for c in got}) == len(got), "duplicated customers"
    assert [c["id"] for c in got] == [c["id"] for c in wanted]
    assert got == [expected_facts(c) for c in wanted]
    assert result["missing_ids"] == []


@pytest.mark.parametrize("status, retry_after", [(429, 1), (429, None), (503, None)],
                         ids=["429-retry-after-1", "429-no-retry-after", "503"])
def test_bulk_fetch_survives_20_percent_rate_limits(big, ansible, status, retry_after):
    rule = {"kind": "status", "status": status, "rate": 0.2}
    if retry_after is not None:
        rule["retry_after"] = retry_after
    big.set_faults([rule])
    wanted = sample(big, FAULT_CUSTOMERS)
    # retries 10: with 20 % faults, 6 faults in a row for one of 1,000 IDs is not rare enough for the default 5.
    args = {"ids": [c["id"] for c in wanted], "concurrency": 16, "retries": 10}
    result, proc = ansible.task(MODULE, args, env=connection_env(big))
    assert_complete(result, wanted)
    counters = big.counters()
    assert counters["token_requests"] == 1
    assert counters["by_status"]["200"] == len(wanted)
    injected = counters["by_status"].get(str(status), 0)
    assert injected > 0.1 * len(wanted), counters  # the faults did happen
    assert counters["api_requests"] == len(wanted) + injected  # each fault cost exactly one retry
    assert counters["max_in_flight"] <= 16
    assert "Traceback" not in proc.stdout + proc.stderr


def test_elements_api_bulk_fetch_of_1000_survives_mixed_rate_limits(big, ansible):
    """With batches of 100 the whole 1,000-customer fetch is ten requests plus retries: always full size."""
    big.set_faults([
        {"kind": "status", "status": 429, "count": 1, "retry_after": 1},  # each kind at least once
        {"kind": "status", "status": 503, "count": 1},
        {"kind": "status", "status": 429, "rate": 0.2},
    ])
    wanted = sample(big, 1000)
    args = {"ids": [c["id"] for c in wanted], "api": "elements", "concurrency": 16, "retries": 10}
    result, _proc = ansible.task(MODULE, args, env=connection_env(big))
    elements_wanted = [dict(expected_facts(c), management_mode=c["managementMode"], tenants=c["tenants"]) for c in wanted]
    assert not result.get("failed"), result.get("msg")
    assert result["customers"] == elements_wanted
    assert result["missing_ids"] == []
    counters = big.counters()
    assert counters["by_status"]["200"] == 10 and counters["token_requests"] == 1
    assert counters["faults_injected"] >= 2 and counters["api_requests"] == 10 + counters["faults_injected"], counters


def test_token_revoked_mid_run_is_refreshed_once(big, ansible):
    wanted = sample(big, 1000)
    revoked = threading.Event()
    stop = threading.Event()

    def revoke_after_some_requests():
        while not stop.is_set():
            if big.counters()["api_requests"] >= 250:
                big.revoke_tokens()
                revoked.set()
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=revoke_after_some_requests, daemon=True)
    watcher.start()
    try:
        result, _proc = ansible.task(MODULE, {"ids": [c["id"] for c in wanted], "concurrency": 16}, env=connection_env(big))
    finally:
        stop.set()
        watcher.join(5)
    assert revoked.is_set(), "the run ended before the token was revoked"
    assert_complete(result, wanted)
    counters = big.counters()
    assert counters["token_requests"] == 2, counters
    assert counters["by_status"].get("401", 0) >= 1, counters


def test_dropped_connections_and_slow_responses_are_retried(big, ansible):
    big.set_faults([
        {"kind": "delay", "delay_ms": 3000, "count": 6},  # past the 1 s timeout below
        {"kind": "drop", "rate": 0.15},
    ])
    wanted = sample(big, 150, seed=8)
    args = {"ids": [c["id"] for c in wanted], "concurrency": 16, "retries": 10, "timeout": 1}
    result, _proc = ansible.task(MODULE, args, env=connection_env(big))
    assert_complete(result, wanted)
    delay_rule, drop_rule = big.faults()
    assert delay_rule["hits"] == 6
    assert drop_rule["hits"] > 5
    assert big.counters()["by_status"]["dropped"] == drop_rule["hits"]


def test_retries_exhausted_name_exactly_the_failed_ids(big, ansible):
    wanted = sample(big, 40, seed=9)
    ids = [c["id"] for c in wanted]
    down, broken, dropped, limited = ids[3:6], ids[10], ids[20], ids[33]
    big.set_faults([
        {"kind": "status", "status": 503, "ids": down, "body": {"message": "backend down", "requestId": "req-503"}},
        {"kind": "status", "status": 500, "ids": [broken], "body": {"message": "database timeout", "traceId": "trace-500"}},
        {"kind": "drop", "ids": [dropped]},
        {"kind": "status", "status": 429, "ids": [limited]},
    ])
    result, proc = ansible.task(MODULE, {"ids": ids, "concurrency": 8, "retries": 2}, env=connection_env(big))
    assert result["failed"]
    assert "customers" not in result and "missing_ids" not in result  # never a partial list
    message = result["msg"]
    failed = set(down) | {broken, dropped, limited}
    assert message.startswith("%d customer(s) could not be fetched" % len(failed)), message
    listed = FAILED_ITEM.findall(message)
    assert sorted(listed) == sorted(failed)  # each failed ID once, and no other
    assert not set(GUID.findall(message)) & (set(ids) - failed)
    parts = dict(zip(listed, FAILED_ITEM.split(message)[2::2]))
    for customer_id in down:
        assert "HTTP 503" in parts[customer_id] and "backend down" in parts[customer_id] and "req-503" in parts[customer_id]
        assert "after 3 attempts" in parts[customer_id]
    assert "HTTP 500" in parts[broken] and "database timeout" in parts[broken] and "trace-500" in parts[broken]
    assert "HTTP 429" in parts[limited]
    assert "could not reach" in parts[dropped] and "3 attempt(s)" in parts[dropped]
    assert "closed the connection without a response" in parts[dropped]
    assert "Traceback" not in proc.stdout + proc.stderr
