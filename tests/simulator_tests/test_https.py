import os
from pathlib import Path

import pytest
import requests

from avepoint_simulator import Simulator, SimulatorConfig
from sim_helpers import bearer


def test_https_with_ca(tls_dir):
    with Simulator(SimulatorConfig(https=True, tls_dir=tls_dir)) as sim:
        assert sim.url.startswith("https://127.0.0.1:")
        assert sim.ca_path == os.path.join(tls_dir, "ca.pem")
        h = bearer(sim)
        r = requests.get(f"{sim.url}/partner/customers", headers=h, verify=sim.ca_path, timeout=5)
        assert r.status_code == 200 and r.json()["@odata.context"].startswith("https://")
        localhost = sim.url.replace("127.0.0.1", "localhost")
        assert requests.get(f"{localhost}/_sim/counters", verify=sim.ca_path, timeout=5).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{sim.url}/_sim/counters", timeout=5)  # system trust store: unknown CA
        before = Path(sim.ca_path).read_bytes()
    with Simulator(SimulatorConfig(https=True, tls_dir=tls_dir)) as sim2:  # files are reused
        assert Path(sim2.ca_path).read_bytes() == before
        assert requests.get(f"{sim2.url}/_sim/counters", verify=sim2.ca_path, timeout=5).status_code == 200


def test_https_temp_dir_cleaned():
    sim = Simulator(SimulatorConfig(https=True)).start()
    ca = sim.ca_path
    assert os.path.exists(ca)
    assert requests.get(f"{sim.url}/_sim/health", verify=ca, timeout=5).status_code == 200
    sim.stop()
    assert not os.path.exists(ca)
