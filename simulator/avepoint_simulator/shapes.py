"""Response shapes the AvePoint documentation allows or leaves open, switchable at run time.

Faults (faults.py) break single responses; shapes change how the simulated service *is*: how the
partner list pages, whether fields may be null, how big a batch may be. All switches are off by
default (the documented shapes); a test turns some on with ``Simulator.set_shapes({...})`` or
``POST /_sim/shapes`` and off again with ``clear_shapes()`` / ``DELETE /_sim/shapes``.
"""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, fields
from typing import Any, Optional

from .protection import MODULE_NAMES

NEXT_LINK_STYLES = ("odata", "plain", "token", "relative", "foreign")
ENDLESS_MODES = ("repeat", "fresh", "empty")
EMPTY_STATUSES = (200, 204)
FOREIGN_HOST = "https://pages.example.invalid"
_FRESH_NAMESPACE = uuid.UUID("0b6f4a9e-5d1c-4c4e-9a55-2f1e8d7c6b5a")


@dataclass(frozen=True)
class Shapes:
    """One set of switches; the defaults are the documented behaviour."""

    # Partner list paging: how the next page is named (@odata.nextLink URL, plain nextLink URL,
    # plain nextLink bare token, @odata.nextLink relative path, a URL on another host).
    next_link: str = "odata"
    partner_page_size: int = 0  # > 0 pages the partner list (overrides --partner-page-size)
    # After the real data: keep linking to a fresh page that repeats page 1, invents new customers, or is empty.
    endless: Optional[str] = None
    total_count: Optional[int] = None  # v3 metadata.totalCount sent instead of the real count
    null_fields: tuple[str, ...] = ()  # wire field names sent as null
    omit_fields: tuple[str, ...] = ()  # wire field names left out
    job_status_as_string: bool = False  # v3 jobStatus as its name ("Working") instead of the code
    # wire field name -> the value sent instead (odd or hostile text: control characters, markup...)
    field_values: dict[str, Any] = field(default_factory=dict)
    ids: Optional[frozenset[str]] = None  # customers the four switches above apply to (None: all)
    wrong_id: frozenset[str] = frozenset()  # asked for one of these, answer with another customer
    empty_body: frozenset[str] = frozenset()  # GET /partner/customers/{id} answers an empty body...
    empty_status: int = 200  # ...with this status
    duplicate_ids: frozenset[str] = frozenset()  # listed twice: again in upper case with jobStatus Failed
    require_body: bool = False  # the v3 batch answers 400 to a request without a body ([FromBody])
    max_batch_ids: int = 100  # more customerIds than this: 400 "customerIds accepts at most N ids"
    partner_api: bool = True  # false: /partner/customers[/{id}], /partner/services[/{id}] answer 404 (no partner API)
    jobs_ignore_page_index: bool = False  # the v3 jobs endpoint answers page 1 whatever pageIndex asks for
    # Protection: modules spelt as AvePoint's samples do ("Microsoft 365 Group") or as the jobs API names them;
    # the v3 page wrapped in [ ] as AvePoint publishes its sample; items per page (0: one partner page, v3 as asked).
    protection_module_names: str = "sample"
    protection_wrapped: bool = False
    protection_page_size: int = 0

    @classmethod
    def parse(cls, raw: Any) -> "Shapes":
        if not isinstance(raw, dict):
            raise ValueError("shapes must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown shape switch(es) {unknown}; known: {sorted(known)}")
        values: dict[str, Any] = {}
        for name, value in raw.items():
            values[name] = _convert(name, value)
        return cls(**values)

    def applies_to(self, customer_id: str) -> bool:
        return self.ids is None or customer_id.lower() in self.ids

    def describe(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            result[f.name] = sorted(value) if isinstance(value, (frozenset, tuple)) else dict(value) if isinstance(value, dict) else value
        return result

    # --- what the handlers use ----------------------------------------------------------

    def shape_item(self, view: dict[str, Any], job_status_name: Optional[str] = None) -> dict[str, Any]:
        """A customer object with the null/omit/string-status/field-value switches applied."""
        if not self.applies_to(str(view.get("id", ""))):
            return view
        view = dict(view)
        if self.job_status_as_string and job_status_name is not None:
            view["jobStatus"] = job_status_name
        view.update(self.field_values)
        for name in self.null_fields:
            view[name] = None
        for name in self.omit_fields:
            view.pop(name, None)
        return view

    def with_duplicates(self, customers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The dataset with every duplicate_ids customer repeated right after itself, in upper case and Failed."""
        if not self.duplicate_ids:
            return customers
        result = []
        for customer in customers:
            result.append(customer)
            if str(customer["id"]).lower() in self.duplicate_ids:
                result.append(dict(customer, id=str(customer["id"]).upper(), jobStatusCode=2))
        return result


def fresh_customer(offset: int) -> dict[str, Any]:
    """A customer invented for an endless list (`endless: fresh`), different for every offset."""
    cid = str(uuid.uuid5(_FRESH_NAMESPACE, f"fresh/{offset}"))
    return {"id": cid, "organization": f"Endless {offset}", "ownerEmail": f"admin@endless{offset}.example.com",
            "jobStatusCode": 1, "countryOrRegion": "United States", "managementMode": 1, "tenants": []}


def _convert(name: str, value: Any) -> Any:
    if name == "next_link":
        if value not in NEXT_LINK_STYLES:
            raise ValueError(f"next_link must be one of {list(NEXT_LINK_STYLES)}")
        return value
    if name == "endless":
        if value is not None and value not in ENDLESS_MODES:
            raise ValueError(f"endless must be one of {list(ENDLESS_MODES)} or null")
        return value
    if name == "protection_module_names":
        if value not in MODULE_NAMES:
            raise ValueError(f"protection_module_names must be one of {list(MODULE_NAMES)}")
        return value
    if name in ("partner_page_size", "max_batch_ids", "total_count", "protection_page_size"):
        if value is None and name == "total_count":
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
        return value
    if name == "empty_status":
        if value not in EMPTY_STATUSES:
            raise ValueError(f"empty_status must be one of {list(EMPTY_STATUSES)}")
        return value
    if name in ("job_status_as_string", "require_body", "partner_api", "jobs_ignore_page_index", "protection_wrapped"):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        return value
    if name == "ids" and value is None:
        return None
    if name == "field_values":
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise ValueError("field_values must be an object of wire field names to values")
        return dict(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{name} must be a list of strings")
    if name in ("null_fields", "omit_fields"):
        return tuple(value)
    return frozenset(item.lower() for item in value)


@dataclass
class ShapeState:
    """The current switches, replaced atomically (handlers read one consistent set per request)."""

    current: Shapes = field(default_factory=Shapes)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, raw: Any) -> Shapes:
        shapes = Shapes.parse(raw)
        with self._lock:
            self.current = shapes
        return shapes

    def clear(self) -> None:
        with self._lock:
            self.current = Shapes()

    def get(self) -> Shapes:
        with self._lock:
            return self.current
