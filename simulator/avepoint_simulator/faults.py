"""Fault-injection rules.

A rule is a plain dict (so it can travel over the /_sim/faults control endpoint); the
engine validates it once and then decides, thread-safely, which requests it hits.
"""
from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

FAULT_KINDS = frozenset({
    "status", "drop", "malformed", "html", "empty", "truncated", "delay",
    "extra_field", "missing_field", "wrong_type", "huge", "drip",
})
# Kinds answered without running the real handler (no auth, no lookup).
PRE_KINDS = frozenset({"status", "drop", "malformed", "html", "empty"})
# Kinds that mutate the real response.
POST_KINDS = frozenset({"truncated", "extra_field", "missing_field", "wrong_type", "huge", "drip"})

TOKEN_PATH = "/connect/token"


@dataclass
class FaultRule:
    kind: str
    path: Optional[re.Pattern[str]] = None
    method: Optional[str] = None
    status: Optional[int] = None
    retry_after: Optional[int] = None
    body: Any = None
    delay_ms: int = 0
    count: Optional[int] = None
    rate: Optional[float] = None
    ids: Optional[frozenset[str]] = None
    field_name: Optional[str] = None
    size_mb: float = 20.0
    drip_bytes: int = 10
    drip_ms: int = 2500
    drip_headers: bool = False
    raw: dict[str, Any] = field(default_factory=dict)
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def parse(cls, raw: Any, seed: int, index: int) -> "FaultRule":
        if not isinstance(raw, dict):
            raise ValueError(f"fault rule {index} must be an object")
        kind = raw.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault rule {index}: unknown kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        path = raw.get("path")
        try:
            pattern = re.compile(path) if path else None
        except re.error as exc:
            raise ValueError(f"fault rule {index}: bad path regex: {exc}") from exc
        count = raw.get("count")
        rate = raw.get("rate")
        if count is not None and (not isinstance(count, int) or count < 0):
            raise ValueError(f"fault rule {index}: count must be a non-negative integer")
        if rate is not None and (not isinstance(rate, (int, float)) or not 0.0 <= rate <= 1.0):
            raise ValueError(f"fault rule {index}: rate must be between 0.0 and 1.0")
        retry_after = raw.get("retry_after")
        if retry_after is not None and not isinstance(retry_after, int):
            raise ValueError(f"fault rule {index}: retry_after must be an integer")
        ids = raw.get("ids")
        if ids is not None and not isinstance(ids, list):
            raise ValueError(f"fault rule {index}: ids must be a list")
        headers = raw.get("headers")
        if headers is not None and (not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
            raise ValueError(f"fault rule {index}: headers must be an object of strings")
        for key, low in (("drip_bytes", 1), ("drip_ms", 0)):
            value = raw.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < low):
                raise ValueError(f"fault rule {index}: {key} must be an integer of at least {low}")
        drip_headers = raw.get("drip_headers", False)
        if not isinstance(drip_headers, bool):
            raise ValueError(f"fault rule {index}: drip_headers must be true or false")
        default_status = {"status": 500, "html": 502}.get(kind, 200)
        method = raw.get("method")
        return cls(
            kind=kind,
            path=pattern,
            method=method.upper() if isinstance(method, str) else None,
            status=int(raw.get("status", default_status)),
            retry_after=retry_after,
            body=raw.get("body"),
            delay_ms=int(raw.get("delay_ms", 0)),
            count=count,
            rate=float(rate) if rate is not None else None,
            ids=frozenset(str(i).lower() for i in ids) if ids is not None else None,
            field_name=raw.get("field"),
            size_mb=float(raw.get("size_mb", 20)),
            drip_bytes=int(raw.get("drip_bytes", 10)),
            drip_ms=int(raw.get("drip_ms", 2500)),
            drip_headers=drip_headers,
            raw=dict(raw),
            # Per-rule RNG seeded from config seed + position: the decision sequence is
            # reproducible run to run (the order requests reach it may not be).
            rng=random.Random(f"fault/{seed}/{index}"),
        )

    def _matches_target(self, method: str, path: str, ids: set[str]) -> bool:
        if self.method and self.method != method:
            return False
        if self.path is None:
            if path == TOKEN_PATH:  # default scope is API paths only
                return False
        elif not self.path.search(path):
            return False
        if self.ids is not None and not (self.ids & ids):
            return False
        return True

    def describe(self) -> dict[str, Any]:
        info = dict(self.raw)
        info["hits"] = self.hits
        return info


class FaultEngine:
    def __init__(self, seed: int = 1) -> None:
        self._seed = seed
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def set_rules(self, raw_rules: Any) -> None:
        if isinstance(raw_rules, dict):
            raw_rules = [raw_rules]
        if not isinstance(raw_rules, list):
            raise ValueError("faults must be a JSON list of rule objects")
        parsed = [FaultRule.parse(r, self._seed, i) for i, r in enumerate(raw_rules)]
        with self._lock:
            self._rules = parsed

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.describe() for r in self._rules]

    def select(self, method: str, path: str, ids: set[str]) -> list[FaultRule]:
        """Return the rules that fire for this request: all matching `delay` rules plus at
        most one other rule (the first that fires). Consumes count/rate state."""
        fired: list[FaultRule] = []
        primary_taken = False
        with self._lock:  # one lock keeps count budgets exact under concurrency
            for rule in self._rules:
                if rule.kind != "delay" and primary_taken:
                    continue
                if not rule._matches_target(method, path, ids):
                    continue
                if rule.count is not None and rule.hits >= rule.count:
                    continue
                if rule.rate is not None and rule.rng.random() >= rule.rate:
                    continue
                rule.hits += 1
                fired.append(rule)
                if rule.kind != "delay":
                    primary_taken = True
        return fired
