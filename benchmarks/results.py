"""Measured results of the cases, and the issue's targets checked against them."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

TARGET_LATENCY_MS = 50.0


@dataclass
class RunRecord:
    wall_seconds: float
    tree_max_rss_kb: int
    module_max_rss_kb: Optional[int]
    module_seconds: float
    api_requests: int
    token_requests: int
    connections: int
    max_in_flight: int


@dataclass
class CaseResult:
    case: str
    customers: int
    latency_ms: float
    expected_api_requests: int
    expected_token_requests: int
    runs: list[RunRecord] = field(default_factory=list)
    error: Optional[str] = None
    baseline: str = "baseline"  # the hand-written case this one is compared with

    @property
    def median_wall(self) -> Optional[float]:
        return statistics.median(r.wall_seconds for r in self.runs) if self.runs else None

    @property
    def api_requests(self) -> Optional[int]:
        return max(r.api_requests for r in self.runs) if self.runs else None

    @property
    def token_requests(self) -> Optional[int]:
        return max(r.token_requests for r in self.runs) if self.runs else None

    @property
    def counts_as_expected(self) -> bool:
        """Every run made exactly the expected API and token requests."""
        return bool(self.runs) and all(
            r.api_requests == self.expected_api_requests and r.token_requests == self.expected_token_requests for r in self.runs)

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(median_wall=self.median_wall, counts_as_expected=self.counts_as_expected)
        return data


def find(results: list[CaseResult], case: str, customers: int) -> Optional[CaseResult]:
    for result in results:
        if result.case == case and result.customers == customers and result.latency_ms == TARGET_LATENCY_MS and result.runs:
            return result
    return None


def speedup(results: list[CaseResult], result: CaseResult) -> Optional[float]:
    """How many times faster than its hand-written baseline with the same customers and latency."""
    for base in results:
        if base.case == result.baseline and base.customers == result.customers and base.latency_ms == result.latency_ms and base.runs:
            if result.median_wall:
                return base.median_wall / result.median_wall
    return None


@dataclass
class Target:
    text: str
    # None: not measured in this run; else (met, the measured figure), met None for a figure without a target
    check: Callable[[list[CaseResult]], Optional[tuple[Optional[bool], str]]]


def _wall_at_most(case: str, customers: int, seconds: float) -> Callable[[list[CaseResult]], Optional[tuple[bool, str]]]:
    def check(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
        result = find(results, case, customers)
        if result is None:
            return None
        return result.median_wall <= seconds, "%.2f s" % result.median_wall
    return check


def _role_speedup(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
    role = find(results, "role", 200)
    ratio = speedup(results, role) if role else None
    if ratio is None:
        return None
    return ratio >= 15, "%.1fx" % ratio


def _recency_speedup(results: list[CaseResult]) -> Optional[tuple[Optional[bool], str]]:
    role = find(results, "role-recency", 200)
    ratio = speedup(results, role) if role else None
    if ratio is None:
        return None
    base = find(results, "baseline-recency", 200)
    return None, "%.1fx: %.2f s against %.2f s" % (ratio, role.median_wall, base.median_wall)


def _workloads_speedup(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
    role = find(results, "role-workloads", 200)
    ratio = speedup(results, role) if role else None
    if ratio is None:
        return None
    base = find(results, "baseline-workloads", 200)
    return ratio >= 30, "%.1fx: %.2f s against %.2f s" % (ratio, role.median_wall, base.median_wall)


def _subscriptions_role(results: list[CaseResult]) -> Optional[tuple[Optional[bool], str]]:
    large = find(results, "role-subscriptions", 1000)
    role = find(results, "role-subscriptions", 200)
    ratio = speedup(results, role) if role else None
    if large is None and ratio is None:
        return None
    parts = ["%.2f s at 1,000" % large.median_wall] if large else []
    if ratio is not None:
        parts.append("%.1fx the hand-written check at 200 (%.2f s against %.2f s)" % (
            ratio, role.median_wall, find(results, "baseline-subscriptions", 200).median_wall))
    return None, "; ".join(parts)


def _one_token_each(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
    # the role-recency and role-subscriptions cases run two tasks (customers, then jobs or subscriptions), role-workloads
    # three (customers, jobs, protection): a token each
    measured = [r for r in results if r.runs and r.case != "inventory-warm"]
    if not measured:
        return None
    wrong = sorted({"%s@%d: %d" % (r.case, r.customers, r.token_requests) for r in measured
                    if r.token_requests != r.expected_token_requests})
    return not wrong, ", ".join(wrong) if wrong else "one per task in each of %d rows" % len(measured)


def _cached_inventory_silent(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
    result = find(results, "inventory-warm", 5000)
    if result is None:
        return None
    total = result.api_requests + result.token_requests
    return total == 0, "%d requests" % total


def _module_rss(results: list[CaseResult]) -> Optional[tuple[bool, str]]:
    rows = [r for r in results if r.customers == 10000 and r.case.startswith("module-") and r.runs]
    peaks = [(r.case, max(run.module_max_rss_kb or 0 for run in r.runs)) for r in rows]
    if not peaks:
        return None
    worst = max(kb for _case, kb in peaks)
    return worst <= 200 * 1024, ", ".join("%s %.0f MB" % (case, kb / 1024) for case, kb in peaks)


TARGETS = [
    Target("module, 1,000 IDs, partner API: whole playbook <= 10 s", _wall_at_most("module-partner", 1000, 10)),
    Target("module, 1,000 IDs, elements API: whole playbook <= 4 s", _wall_at_most("module-elements", 1000, 4)),
    Target("role over 1,000 customers <= 12 s", _wall_at_most("role", 1000, 12)),
    Target("at N = 200 the role is >= 15x faster than the baseline", _role_speedup),
    Target("at N = 200, elements API, the role with last_successful_backup_within against the same check by hand "
           "(uri + loop)", _recency_speedup),
    Target("role with last_successful_backup_within per workload and both protection rules over 1,000 customers, elements "
           "API: whole playbook <= 20 s", _wall_at_most("role-workloads", 1000, 20)),
    Target("at N = 200, elements API, that role is >= 30x faster than the same check by hand (uri + loop)", _workloads_speedup),
    Target("elements API, the role with subscription_valid_for and seats_cover_licenses: over 1,000 customers, and against "
           "the same check by hand (uri + loop) at N = 200", _subscriptions_role),
    Target("exactly one token request per task, lookup call and inventory run", _one_token_each),
    Target("inventory, 5,000 customers, cold <= 8 s", _wall_at_most("inventory-cold", 5000, 8)),
    Target("inventory, 5,000 customers, cached run makes zero requests", _cached_inventory_silent),
    Target("module process peak RSS with 10,000 customers <= 200 MB", _module_rss),
]
