"""Shared helpers for the simulator tests (kept out of conftest so `import conftest`
can never pick up another folder's conftest)."""
from __future__ import annotations

import os
import sys
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM_DIR = os.path.join(REPO, "simulator")
if SIM_DIR not in sys.path:
    sys.path.insert(0, SIM_DIR)

import requests  # noqa: E402

from avepoint_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Simulator  # noqa: E402

PARTNER = "partner.customers.read.all"
ELEMENTS = "elements.customers.read.all"
PARTNER_JOBS = "partner.jobs.read.all"
ELEMENTS_JOBS = "elements.jobs.read.all"
PARTNER_PROTECTION = "partner.cbprotected.read.all"
ELEMENTS_PROTECTION = "elements.cbprotected.read.all"
BATCH_PATH = "/partner/external/v3/general/customers/batch"


def fetch_token(sim: Simulator, scope: str = f"{PARTNER} {ELEMENTS}", **kwargs: Any) -> requests.Response:
    data = {"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET, "scope": scope}
    data.update(kwargs)
    return requests.post(sim.token_url, data={k: v for k, v in data.items() if v is not None}, timeout=10,
                         verify=sim.ca_path or True)


def bearer(sim: Simulator, scope: str = f"{PARTNER} {ELEMENTS}") -> dict[str, str]:
    resp = fetch_token(sim, scope)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}
