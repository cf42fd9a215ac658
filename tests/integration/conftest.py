"""Fixtures for integration tests: the simulator, and real ansible-playbook runs against it.

Helpers live in harness.py (test modules import them from there).
"""

from __future__ import annotations

import pytest

from harness import AnsibleRun, Simulator, SimulatorConfig


@pytest.fixture(scope="session")
def simulator_server():
    """One simulator for the session (25 generated customers); tests reset it between them."""
    with Simulator(SimulatorConfig(customers=25, seed=7)) as sim:
        yield sim


@pytest.fixture
def sim(simulator_server):
    """The shared simulator with counters, faults and response shapes cleared."""
    simulator_server.clear_faults()
    simulator_server.clear_shapes()
    simulator_server.reset_counters()
    yield simulator_server
    simulator_server.clear_faults()
    simulator_server.clear_shapes()


@pytest.fixture
def ansible(tmp_path):
    """Real ansible-playbook / ansible-inventory runs in the test's scratch directory."""
    return AnsibleRun(tmp_path)
