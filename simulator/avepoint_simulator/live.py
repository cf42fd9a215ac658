"""Changes to the dataset while the simulator runs: customers added, changed or removed, jobs added.

For tests of consumers that watch the service over time (the event source). Each change
replaces the customer list and index with new objects (copy on write), so a request being
answered keeps a consistent view. Changes are given in the dataset shape (``organization``,
``ownerEmail``, ``jobStatusCode`` or ``jobStatus`` as a name, ``countryOrRegion``,
``managementMode``, ``tenants``, ``partnerJobStatus``, ``jobs``, ``products``; see dataset.py).
"""
from __future__ import annotations

import copy
import time
import uuid
from typing import TYPE_CHECKING, Any, Optional

from .dataset import is_guid, normalize_customers
from .jobs import duration_text, iso

if TYPE_CHECKING:  # pragma: no cover
    from .server import SimState

CHANGEABLE = frozenset(("organization", "ownerEmail", "jobStatusCode", "jobStatus", "countryOrRegion", "managementMode",
                        "tenants", "partnerJobStatus", "jobs", "products", "protection"))


class ChangeError(ValueError):
    """A change that cannot be made; ``status`` is the HTTP status the control endpoint answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _check_fields(changes: Any, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(changes, dict):
        raise ChangeError("a customer change must be a JSON object")
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ChangeError(f"unknown customer field(s) {unknown}; changeable: {sorted(CHANGEABLE)}")
    for name in ("jobs", "products", "protection"):
        if name in changes and changes[name] is not None and not isinstance(changes[name], list):
            raise ChangeError(f"{name} must be a list of {name} items (API shape) or null")
    return dict(changes)


def _replace(state: "SimState", customers: list[dict[str, Any]]) -> None:
    state.customers = customers
    state.index = {str(c["id"]).lower(): c for c in customers}


def add_customer(state: "SimState", raw: Any) -> dict[str, Any]:
    """Add a customer (dataset shape; an ``id`` is made up when missing) at the end of the list."""
    fields = _check_fields(raw, CHANGEABLE | {"id"})
    fields.setdefault("id", str(uuid.uuid4()))
    if not is_guid(fields["id"]):
        raise ChangeError("id must be a GUID")
    with state.customers_lock:
        if str(fields["id"]).lower() in state.index:
            raise ChangeError(f"customer {fields['id']} exists already", status=409)
        customer = normalize_customers([fields])[0]
        state.place(customer["id"])
        _replace(state, state.customers + [customer])
    return copy.deepcopy(customer)


def update_customer(state: "SimState", customer_id: str, changes: Any) -> dict[str, Any]:
    """Change fields of a customer; ``jobs: null`` (``products: null``, ``protection: null``) brings back its generated
    job history (products, protected data)."""
    fields = _check_fields(changes, CHANGEABLE)
    with state.customers_lock:
        old = _existing(state, customer_id)
        merged = dict(old)
        if "jobStatus" in fields:
            merged.pop("jobStatusCode", None)  # the name wins, as in a dataset file
        merged.update(fields)
        for name in ("jobs", "products", "protection"):
            if merged.get(name, []) is None:
                del merged[name]  # generated again
        customer = normalize_customers([merged])[0]
        _replace(state, [customer if c is old else c for c in state.customers])
    return copy.deepcopy(customer)


def remove_customer(state: "SimState", customer_id: str) -> None:
    with state.customers_lock:
        old = _existing(state, customer_id)
        _replace(state, [c for c in state.customers if c is not old])


def add_job(state: "SimState", customer_id: str, job: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Add a job (v3 shape) as the customer's newest. By default a finished Exchange Online backup that ended now;
    the fields given replace those defaults."""
    if job is not None and not isinstance(job, dict):
        raise ChangeError("a job must be a JSON object")
    with state.customers_lock:
        old = _existing(state, customer_id)
        new_job = finished_job(time.time())
        new_job.update(job or {})
        history = [new_job] + copy.deepcopy(state.jobs_for(old))
        customer = dict(old, jobs=history)
        _replace(state, [customer if c is old else c for c in state.customers])
    return copy.deepcopy(new_job)


def finished_job(end: float, seconds: int = 600, module: int = 303) -> dict[str, Any]:
    """A successful Microsoft 365 backup job of ``module`` that ended at ``end`` (epoch seconds), in the v3 shape."""
    start = int(end) - seconds
    return {
        "jobType": 7, "jobModule": module, "status": 2,
        "jobId": "IB%s%06d" % (time.strftime("%Y%m%d%H%M%S", time.gmtime(start)), uuid.uuid4().int % 1000000),
        "name": "Scheduled backup", "totalCount": "10", "failedCount": "0", "successfulCount": "10",
        "skippedCount": "0", "warningCount": "0", "backupSize": "1.00 GB",
        "startTime": iso(start), "endTime": iso(int(end)), "jobDuration": duration_text(seconds),
        "lastModifyTime": iso(int(end)),
    }


def _existing(state: "SimState", customer_id: str) -> dict[str, Any]:
    customer = state.index.get(str(customer_id).lower())
    if customer is None:
        raise ChangeError(f"customer {customer_id} not found", status=404)
    return customer
