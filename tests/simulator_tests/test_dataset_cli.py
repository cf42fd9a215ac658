import json
import os
import signal
import subprocess
import sys
import time

import requests

from avepoint_simulator import JOB_STATUS_NAMES, Simulator, SimulatorConfig, generate_customers
from sim_helpers import SIM_DIR, bearer


def test_deterministic():
    a, b = generate_customers(50, seed=3), generate_customers(50, seed=3)
    assert a == b
    assert generate_customers(50, seed=4) != a
    assert generate_customers(10, seed=3) == a[:10]  # prefix-stable
    assert len({c["organization"] for c in generate_customers(1000, 1)}) == 1000


def test_shape():
    customers = generate_customers(30, seed=1)
    for c in customers:
        assert c["id"] == c["id"].lower() and len(c["id"]) == 36
        assert c["jobStatusCode"] in JOB_STATUS_NAMES
        assert c["managementMode"] in (0, 1, 2)
        assert 1 <= len(c["tenants"]) <= 2
        assert "@" in c["ownerEmail"]
    codes = [c["jobStatusCode"] for c in customers]
    assert set(codes) == set(JOB_STATUS_NAMES) and codes.count(1) > len(codes) / 2
    assert {"United States", "Vietnam"} <= {c["countryOrRegion"] for c in customers}


def test_dataset_file(tmp_path):
    path = tmp_path / "ds.json"
    path.write_text(json.dumps([
        {"id": "AAAAAAAA-0000-0000-0000-000000000001", "organization": "Acme", "jobStatus": "Failed"},
        {"id": "aaaaaaaa-0000-0000-0000-000000000002", "organization": "Beta", "countryOrRegion": "Viet Nam",
         "jobStatusCode": 6},
    ]))
    with Simulator(SimulatorConfig(dataset_file=str(path))) as sim:
        assert len(sim.customers) == 2
        h = bearer(sim)
        one = requests.get(f"{sim.url}/partner/customers/aaaaaaaa-0000-0000-0000-000000000001",
                           headers=h, timeout=5).json()
        assert one["jobStatus"] == "Failed" and one["countryOrRegion"] == "United States"
        two = requests.get(f"{sim.url}/partner/customers/aaaaaaaa-0000-0000-0000-000000000002",
                           headers=h, timeout=5).json()
        assert two["jobStatus"] == "No backup updates" and two["countryOrRegion"] == "Viet Nam"
        assert requests.get(f"{sim.url}/_sim/dataset", timeout=5).json()[1]["jobStatusCode"] == 6


def test_partner_job_status_spelling_and_odd_text(tmp_path):
    """partnerJobStatus is what the partner API sends; v3 still sends the code; odd text passes through."""
    path = tmp_path / "ds.json"
    path.write_text('[{"id": "aaaaaaaa-0000-0000-0000-000000000001", "jobStatusCode": 6, '
                    '"partnerJobStatus": "No Backup Update", "organization": "Lone \\ud800 surrogate"}]')
    with Simulator(SimulatorConfig(dataset_file=str(path))) as sim:
        h = bearer(sim)
        one = requests.get(f"{sim.url}/partner/customers/aaaaaaaa-0000-0000-0000-000000000001", headers=h, timeout=5)
        assert one.json()["jobStatus"] == "No Backup Update"
        assert b'"Lone \\ud800 surrogate"' in one.content  # JSON-escaped on the wire, as a service would
        listed = requests.get(f"{sim.url}/partner/customers", headers=h, timeout=5).json()["value"]
        assert listed[0]["jobStatus"] == "No Backup Update"
        batch = requests.post(f"{sim.url}/partner/external/v3/general/customers/batch", headers=h, json={}, timeout=5)
        assert batch.json()["data"][0]["jobStatus"] == 6


def test_cli_port_file_and_sigterm(tmp_path):
    port_file = tmp_path / "port"
    env = dict(os.environ, PYTHONPATH=SIM_DIR)
    proc = subprocess.Popen([sys.executable, "-m", "avepoint_simulator", "--customers", "7",
                             "--port-file", str(port_file)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while not port_file.exists() and time.time() < deadline:
            time.sleep(0.05)
        port = int(port_file.read_text())
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line
        r = requests.get(f"http://127.0.0.1:{port}/_sim/dataset", timeout=5)
        assert len(r.json()) == 7
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()
