"""Fixtures for integration tests: the simulator, and real ansible-playbook runs against it.

Helpers live in harness.py (test modules import them from there).
"""

from __future__ import annotations

import pytest

from harness import AnsibleRun, Simulator, SimulatorConfig, cleared


@pytest.fixture(scope="session")
def simulator_server():
    """One simulator for the session (25 generated customers); tests reset it between them."""
    with Simulator(SimulatorConfig(customers=25, seed=7)) as sim:
        yield sim


@pytest.fixture
def sim(simulator_server):
    """The shared simulator with counters, faults and response shapes cleared."""
    with cleared(simulator_server) as server:
        yield server


@pytest.fixture(scope="module")
def cert_sim(tmp_path_factory):
    """A simulator that trusts the certificate app.crt.pem it wrote to its app_cert_dir (key: app.key.pem,
    and app.key.enc.pem encrypted with APP_KEY_PASSPHRASE)."""
    cert_dir = tmp_path_factory.mktemp("app-certs")
    with Simulator(SimulatorConfig(customers=25, seed=7, app_cert_dir=str(cert_dir))) as sim:
        sim.cert_dir = cert_dir
        yield sim


@pytest.fixture
def csim(cert_sim):
    """The certificate simulator with counters, faults and response shapes cleared."""
    with cleared(cert_sim) as server:
        yield server


@pytest.fixture
def ansible(tmp_path):
    """Real ansible-playbook / ansible-inventory runs in the test's scratch directory."""
    return AnsibleRun(tmp_path)
