from concurrent.futures import ThreadPoolExecutor

import requests

from avepoint_simulator import Simulator, SimulatorConfig
from sim_helpers import BATCH_PATH, bearer


def test_counters_and_reset(sim, headers):
    s = requests.Session()
    cid = sim.customers[0]["id"]
    s.get(f"{sim.url}/partner/customers/{cid}", headers=headers, timeout=5)
    s.get(f"{sim.url}/partner/customers/{cid}", headers=headers, timeout=5)
    s.get(f"{sim.url}/partner/customers", headers=headers, timeout=5)
    s.post(f"{sim.url}{BATCH_PATH}", headers=headers, json={}, timeout=5)
    s.get(f"{sim.url}/partner/customers/00000000-0000-0000-0000-000000000000", headers=headers, timeout=5)
    c = requests.get(f"{sim.url}/_sim/counters", timeout=5).json()
    assert c["token_requests"] == 1 and c["token_failures"] == 0
    assert c["api_requests"] == 5
    assert c["by_path"] == {"GET /partner/customers/{id}": 3, "GET /partner/customers": 1,
                            "POST /partner/external/v3/general/customers/batch": 1}
    assert c["by_status"] == {"200": 4, "404": 1}
    assert c["connections"] >= 2  # token connection + one pooled session connection
    assert c["max_in_flight"] == 1 and c["faults_injected"] == 0
    assert requests.post(f"{sim.url}/_sim/reset", timeout=5).status_code == 200
    c = sim.counters()
    assert c["api_requests"] == 0 and c["by_path"] == {} and c["token_requests"] == 0


def test_keepalive_reuses_connection(sim, headers):
    sim.reset_counters()
    s = requests.Session()
    for _attempt in range(10):
        assert s.get(f"{sim.url}/partner/customers", headers=headers, timeout=5).status_code == 200
    assert sim.counters()["connections"] == 1


def test_concurrency_and_latency():
    with Simulator(SimulatorConfig(latency_ms=200)) as sim:
        h = bearer(sim)
        ids = [c["id"] for c in sim.customers[:16]]

        def get(cid):
            return requests.get(f"{sim.url}/partner/customers/{cid}", headers=h, timeout=10).status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(get, ids))
        assert statuses == [200] * 16
        c = sim.counters()
        assert c["max_in_flight"] >= 8  # requests really were served in parallel
        assert c["api_requests"] == 16
