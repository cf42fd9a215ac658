"""Fixtures for integration tests: the simulator, and real ansible-playbook runs against it.

Helpers live in harness.py; the names are re-exported here for older imports.
"""

from __future__ import annotations

import pytest

from harness import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from harness import AnsibleRun, Simulator, SimulatorConfig


@pytest.fixture(scope="session")
def simulator_server():
    """One simulator for the session (25 generated customers); tests reset it between them."""
    with Simulator(SimulatorConfig(customers=25, seed=7)) as sim:
        yield sim


@pytest.fixture
def sim(simulator_server):
    """The shared simulator with counters, faults and revoked tokens cleared."""
    simulator_server.clear_faults()
    simulator_server.reset_counters()
    yield simulator_server
    simulator_server.clear_faults()


@pytest.fixture
def ansible(tmp_path):
    return AnsibleRun(tmp_path)
