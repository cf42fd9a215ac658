# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rules: which facts a declaration may set, how a declared value is read, how a
customer is compared with it and how the reports show it.

A new check (another fact, a derived value) is one more Rule in RULES: the declaration keys,
the validation (declaration.py), the comparison (check.py) and the report columns
(reports.py) all follow from this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping, NamedTuple, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import BACKUP_STATUS_NAMES, actual_key, declared_key
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._times import utc_now

from . import protection, recency
from .countries import CountryAliases

MATCH_MODES = ("forgiving", "exact")


@dataclass(frozen=True)
class Comparison:
    """How declared values are compared with facts: the match mode, the country aliases, and
    the reference time of rules about ages (``now``)."""

    match: str = "forgiving"
    country_aliases: CountryAliases = field(default_factory=CountryAliases)
    now: datetime = field(default_factory=utc_now)


class Shown(NamedTuple):
    """A checked fact as the reports write it: ``<label>: expected <expected>, <found>``; a table cell shows ``actual``."""

    label: str
    expected: str
    actual: str
    found: str


@dataclass(frozen=True)
class Rule:
    """One fact a declaration can set expectations for.

    ``parse`` turns one declared value into the value kept (raising ConfigurationError naming
    ``where``); ``check`` says whether a customer's facts satisfy any of the allowed values;
    ``actual`` is what reports show. ``single``: one value, not a list of allowed ones;
    ``needs_jobs``: the rule reads ``last_success``, so the jobs are fetched when a customer is
    checked against it; ``needs_protection``: it reads the customer's ``workloads``, so the protection
    coverage is fetched; ``show`` (item of the result, reference time) renders it when plain
    "expected X, got Y" does not fit. ``per_workload``: the rule is checked workload by workload, each a
    finding of its own that names the workload (``check`` and ``actual`` then sum them up).
    """

    key: str
    parse: Callable[[Any, str], Any]
    check: Callable[[Mapping[str, Any], list[Any], Comparison], bool]
    actual: Callable[[Mapping[str, Any]], Any]
    single: bool = False
    needs_jobs: bool = False
    show: Optional[Callable[[Mapping[str, Any], Optional[datetime]], Shown]] = None
    label: Optional[str] = None  # what the reports call the fact, when not its key
    needs_protection: bool = False
    per_workload: Optional[Callable[[Mapping[str, Any], list[Any], Comparison], list[protection.WorkloadCheck]]] = None


def _text_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigurationError("%s must contain only strings, got %s" % (where, describe(value)))
    return value


def _status_value(value: Any, where: str) -> Any:
    """A known status as its canonical name, an unknown code as the int, an unknown name as given."""
    key = declared_key(value)
    if key is None:
        raise ConfigurationError("%s must contain only status names (any spelling) or non-negative codes, got %s" % (where, describe(value)))
    if isinstance(key, int):
        return BACKUP_STATUS_NAMES.get(key, key)
    return value


def _status_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    # On the code whichever API answered; a name without a code only by its exact text.
    actual = actual_key(customer)
    return actual is not None and actual in {declared_key(value) for value in allowed}


def _country_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    actual = customer.get("country_or_region")
    if not isinstance(actual, str):
        return False
    if comparison.match == "exact":
        return actual in allowed
    key = comparison.country_aliases.key
    return key(actual) in {key(value) for value in allowed}


def _recent_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    return recency.recent_enough(customer.get(recency.FACT), allowed[0], comparison.now)


def _recent_shown(item: Mapping[str, Any], now: Optional[datetime]) -> Shown:
    return Shown(recency.LABEL, recency.show_expected(item["expected"]), recency.show_actual(item["actual"], now),
                 recency.found_text(item["actual"], now))


def _workload_rule(key: str, parse: Callable[[Any, str], Any], checks: Callable[..., list[protection.WorkloadCheck]],
                   expected: Callable[[list[Any]], str], shown: Callable[[Any], str], single: bool = False) -> Rule:
    """A rule on protection coverage, checked per workload (protection.py)."""
    def show(item: Mapping[str, Any], _now: Optional[datetime]) -> Shown:
        actual = shown(item["actual"])
        return Shown(key, expected(item["expected"]), actual, "got " + actual)

    return Rule(key, parse, lambda customer, allowed, comparison: all(check.ok for check in checks(customer, allowed, comparison)),
                lambda customer: customer.get(protection.FACT), single=single, show=show, needs_protection=True,
                per_workload=checks)


# The checks, in report order.
RULES: tuple[Rule, ...] = (
    Rule("job_status", _status_value, _status_ok, lambda customer: customer.get("job_status")),
    Rule("country_or_region", _text_value, _country_ok, lambda customer: customer.get("country_or_region")),
    Rule(recency.KEY, recency.parse_within, _recent_ok, lambda customer: customer.get(recency.FACT),
         single=True, needs_jobs=True, show=_recent_shown, label=recency.LABEL),
    _workload_rule(protection.PROTECTED, protection.parse_workload, protection.protected_checks, lambda _allowed: "protected",
                   protection.show_protected),
    _workload_rule(protection.COVERAGE, protection.parse_percent, protection.coverage_checks, protection.show_percent,
                   protection.show_coverage, single=True),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
CHECKED_FIELDS = tuple(rule.key for rule in RULES)
ENTRY_KEYS = ("id", "name") + CHECKED_FIELDS
JOBS_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_jobs)
PROTECTION_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_protection)
