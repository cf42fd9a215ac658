"""Fixtures for the simulator's own tests; puts <repo>/simulator on sys.path."""
from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sim_helpers import bearer  # noqa: E402  (also puts <repo>/simulator on sys.path)

from avepoint_simulator import Simulator, SimulatorConfig  # noqa: E402


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(SimulatorConfig(customers=25, seed=1)) as s:
        yield s


@pytest.fixture
def headers(sim: Simulator) -> dict[str, str]:
    return bearer(sim)


@pytest.fixture(scope="session")
def app_cert_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    from avepoint_simulator.tls import ensure_app_certs

    path = str(tmp_path_factory.mktemp("appcerts"))
    ensure_app_certs(path)
    return path


@pytest.fixture(scope="session")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("tls"))
