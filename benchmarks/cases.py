"""The benchmark cases: what each runs, and the requests it should make for N customers."""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
BIN = Path(sys.executable).parent
ELEMENTS_BATCH_SIZE = 100  # IDs per Elements v3 batch request (the documented maximum)
ELEMENTS_JOBS_PAGE_SIZE = 100  # jobs per Elements v3 jobs page (the documented maximum)
SIMULATOR_SEED = 1  # SimulatorProcess's default seed: the job histories below are the simulator's
JOBS_DAYS = 14  # the simulator's default history length
# The recency cases declare a window longer than the history, so exactly the customers without
# any successful job (the simulator's "never" and "empty" profiles) drift, whatever the clock says.
RECENCY_WITHIN = "30d"
RECENCY_WITHIN_SECONDS = 30 * 86400
# The subscription cases: the simulator's subscriptions end 10 days ahead (renewal_due), 5 days ago (expired)
# or 40 days and more ahead, so 30 days tells them apart whatever the clock says.
SUBSCRIPTION_WITHIN = "30d"
SUBSCRIPTION_WITHIN_SECONDS = 30 * 86400

INVENTORY_SOURCE = """\
plugin: avepoint.graph.avepoint_customers
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {cache_dir}
cache_timeout: 3600
"""


@dataclass
class Scratch:
    """The per-case working directory and the shared inputs of one dataset."""

    workdir: Path
    vars_file: Path  # extra vars: expected, bench_api, bench_ids

    @property
    def cache_dir(self) -> Path:
        return self.workdir / "inventory-cache"


@dataclass
class Case:
    name: str
    description: str
    command: Callable[[Scratch], list[str]]
    api_requests: Callable[[int], int]  # expected API requests for N customers, per run
    token_requests: int  # expected token requests per run
    extra_vars: dict = field(default_factory=dict)
    before_each_run: Optional[Callable[[Scratch], None]] = None
    check_output: Optional[Callable[[Scratch, int], Optional[str]]] = None  # a problem with the output, or None
    warm_up: bool = False  # one unmeasured run first (fills the inventory cache)
    baseline: str = "baseline"  # the hand-written case it is compared with


def playbook(name: str, **extra_vars: object) -> Callable[[Scratch], list[str]]:
    def command(scratch: Scratch) -> list[str]:
        args = [
            str(BIN / "ansible-playbook"), str(PLAYBOOKS / name), "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "@%s" % scratch.vars_file,
        ]
        if extra_vars:
            args += ["-e", json.dumps(extra_vars)]
        return args
    return command


def inventory(scratch: Scratch) -> list[str]:
    source = scratch.workdir / "bench.avepoint_customers.yml"
    source.write_text(INVENTORY_SOURCE.format(cache_dir=scratch.cache_dir))
    return [str(BIN / "ansible-inventory"), "-i", str(source), "--list", "--output", str(scratch.workdir / "inventory.json")]


def inventory_hosts(scratch: Scratch, n: int) -> Optional[str]:
    """Playbooks assert their own results; the inventory output is checked here."""
    listed = json.loads((scratch.workdir / "inventory.json").read_text())
    hosts = len(listed.get("_meta", {}).get("hostvars", {}))
    return None if hosts == n else "the inventory lists %d hosts, expected %d" % (hosts, n)


def empty_cache(scratch: Scratch) -> None:
    shutil.rmtree(scratch.cache_dir, ignore_errors=True)


def batches(n: int) -> int:
    return -(-n // ELEMENTS_BATCH_SIZE)


@lru_cache(maxsize=None)
def job_histories(n: int) -> tuple[tuple[dict, ...], ...]:
    """The job histories the simulator serves to the first N customers of its N-customer dataset.

    Their length and statuses depend on the seed and the customer's position only; the
    reference time moves every time but changes no count and no "has a success" answer.
    """
    from avepoint_simulator.jobs import generate_jobs  # pylint: disable=import-outside-toplevel

    return tuple(tuple(generate_jobs(index, SIMULATOR_SEED, time.time(), JOBS_DAYS)) for index in range(n))


def has_success(jobs: tuple[dict, ...]) -> bool:
    return any(job["status"] == 2 and job["endTime"] != "N/A" for job in jobs)


def recency_state(dataset: list[dict]) -> dict:
    """Extra vars of the recency cases: per customer whether it has a recent success, and the declaration."""
    histories = job_histories(len(dataset))
    return {
        "recency": [{"id": c["id"], "recent": has_success(histories[i])} for i, c in enumerate(dataset)],
        "recency_declared": [{"id": c["id"]} for c in dataset],
        "recency_within": RECENCY_WITHIN,
        "recency_within_seconds": RECENCY_WITHIN_SECONDS,
    }


# The per-workload cases: an MSP's Microsoft 365 workloads, each with the same long window, so a
# customer drifts on exactly the declared workloads without any successful job, and each of them
# protected with at least COVERAGE_PERCENT of its scanned objects (every workload listed).
WORKLOAD_CODES = {"Exchange Online": 303, "SharePoint Online": 302, "OneDrive": 305, "Microsoft Teams": 308}
COVERAGE_PERCENT = 95


def workload_state(dataset: list[dict]) -> dict:
    """Extra vars of the per-workload cases: per customer the declared workloads without a success, those not
    protected and those (of every workload listed) below the coverage, each sorted; and the protection endpoint's
    spellings of the workloads, which a hand-written check must know."""
    from avepoint_simulator.protection import SAMPLE_SPELLINGS, WORKLOADS, generate_protection  # pylint: disable=import-outside-toplevel

    histories = job_histories(len(dataset))
    succeeded = [{job["jobModule"] for job in jobs if job["status"] == 2 and job["endTime"] != "N/A"} for jobs in histories]
    state = []
    for index, customer in enumerate(dataset):
        protection = {item["serviceModule"]: item for item in generate_protection(index, SIMULATOR_SEED)}
        state.append({
            "id": customer["id"],
            "failing": sorted(name for name, code in WORKLOAD_CODES.items() if code not in succeeded[index]),
            "unprotected": sorted(name for name in WORKLOAD_CODES if not protection.get(name, {}).get("totalProtectedObjects")),
            "low_coverage": sorted(name for name, item in protection.items() if item["totalScannedObjects"]
                                   and item["totalProtectedObjects"] * 100 < COVERAGE_PERCENT * item["totalScannedObjects"]),
        })
    return {
        "workloads": state,
        "workload_codes": WORKLOAD_CODES,
        "workloads_within": {name: RECENCY_WITHIN for name in WORKLOAD_CODES},
        "workloads_coverage": COVERAGE_PERCENT,
        "protection_names": {SAMPLE_SPELLINGS.get(name, name): name for name in WORKLOADS},
    }


def complies(products: list[dict], now: float) -> bool:
    """Whether a customer's products pass both subscription rules at ``now`` (N/A values are not checked)."""
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + SUBSCRIPTION_WITHIN_SECONDS))
    for product in products:
        if product["expirationDate"] != "N/A" and product["expirationDate"] <= cutoff:
            return False
        seats, licenses = product["purchasedUserSeats"], product["microsoftLicenseAssigned"]
        if "N/A" not in (seats, licenses) and int(seats) < int(licenses):
            return False
    return True


def subscription_state(dataset: list[dict]) -> dict:
    """Extra vars of the subscription cases: per customer whether it complies, and the declaration."""
    from avepoint_simulator.subscriptions import generate_products  # pylint: disable=import-outside-toplevel

    now = time.time()
    return {
        "subscription_state": [{"id": c["id"], "complies": complies(generate_products(i, SIMULATOR_SEED, now), now)}
                               for i, c in enumerate(dataset)],
        "subscription_declared": [{"id": c["id"]} for c in dataset],
        "subscription_within": SUBSCRIPTION_WITHIN,
        "subscription_within_seconds": SUBSCRIPTION_WITHIN_SECONDS,
    }


def job_pages(n: int) -> int:
    """Elements v3 jobs requests to read every job of the first N customers (an empty history is one page)."""
    return sum(max(1, math.ceil(len(jobs) / ELEMENTS_JOBS_PAGE_SIZE)) for jobs in job_histories(n))


CASES: dict[str, Case] = {case.name: case for case in (
    Case("baseline", "uri token + uri loop + assert loop (hand-written)", playbook("baseline.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("module-partner", "avepoint_customer_info, ids of N, partner API", playbook("module.yml", bench_api="partner", bench_ids=True),
         api_requests=lambda n: n, token_requests=1),
    Case("module-elements", "avepoint_customer_info, ids of N, api: elements", playbook("module.yml", bench_api="elements", bench_ids=True),
         api_requests=batches, token_requests=1),
    Case("module-all", "avepoint_customer_info, every customer (list endpoint)", playbook("module.yml", bench_api="partner", bench_ids=False),
         api_requests=lambda n: 1, token_requests=1),
    Case("role", "customer_compliance role, N listed customers", playbook("role.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("baseline-recency", "uri token + uri loop over each customer's jobs + assert loop (hand-written), elements API",
         playbook("baseline_recency.yml"), api_requests=lambda n: n, token_requests=1, baseline="baseline-recency"),
    Case("role-recency", "customer_compliance role, last_successful_backup_within, N customers, elements API",
         playbook("role_recency.yml"), api_requests=lambda n: batches(n) + job_pages(n), token_requests=2,
         baseline="baseline-recency"),
    Case("baseline-workloads", "uri token + uri loops over each customer's jobs and protection + assert loop per workload "
         "(hand-written), elements API", playbook("baseline_workloads.yml"), api_requests=lambda n: 2 * n, token_requests=1,
         baseline="baseline-workloads"),
    Case("role-workloads", "customer_compliance role, last_successful_backup_within per workload (4), protected_workloads, "
         "protection_coverage_at_least, N customers, elements API",
         playbook("role_workloads.yml"), api_requests=lambda n: batches(n) + job_pages(n) + n, token_requests=3,
         baseline="baseline-workloads"),
    Case("baseline-subscriptions", "uri token + uri loop over each customer's services + assert loop (hand-written), elements API",
         playbook("baseline_subscriptions.yml"), api_requests=lambda n: n, token_requests=1, baseline="baseline-subscriptions"),
    Case("role-subscriptions", "customer_compliance role, subscription_valid_for and seats_cover_licenses, N customers, elements API",
         playbook("role_subscriptions.yml"), api_requests=lambda n: 2 * batches(n), token_requests=2,
         baseline="baseline-subscriptions"),
    Case("lookup", "avepoint_customer lookup, one call with N terms", playbook("lookup.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("inventory-cold", "avepoint_customers inventory, hosts mode, empty cache", inventory,
         api_requests=lambda n: 1, token_requests=1, before_each_run=empty_cache, check_output=inventory_hosts),
    Case("inventory-warm", "avepoint_customers inventory, hosts mode, cache filled", inventory,
         api_requests=lambda n: 0, token_requests=0, warm_up=True, check_output=inventory_hosts),
)}
