# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rules: which facts a declaration may set, how a declared value is read, how a
customer is compared with it and how the reports show it.

A new check (another fact, a derived value) is one more Rule in RULES: the declaration keys,
the validation (declaration.py), the comparison (check.py) and the report columns
(reports.py) all follow from this table. A rule that checks a customer item by item (each
subscription, each workload) gives one finding per item, named by the item (``service``, ``workload``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping, NamedTuple, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import BACKUP_STATUS_NAMES, actual_key, declared_key
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._times import utc_now

from . import protection, recency, subscriptions
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
    ``needs_jobs``: the rule reads ``last_success`` (or ``last_success_by_workload``), so the jobs
    are fetched when a customer is checked against it; ``show`` (item of the result, reference
    time) renders it when plain "expected X, got Y" does not fit.

    ``items`` (customer, allowed values, comparison, the declared values of ``reads_keys``) makes it
    a rule that checks item by item, instead of ``check`` and ``actual``: each item it checked
    becomes a finding of its own, with the item's name under ``item_key`` (``service``,
    ``workload``). Each is ``(name, actual, ok)``, or an ``Item`` with the values it was held to
    when not all the allowed ones (a workload's own duration). A rule with both returns None from
    ``items`` for a declared value it checks as a whole (one duration for any workload).
    ``needs_subscriptions``: the rule reads ``subscriptions``, fetched like the jobs;
    ``needs_protection``: it reads the customer's ``workloads``, the protection coverage.
    """

    key: str
    parse: Callable[[Any, str], Any]
    check: Optional[Callable[[Mapping[str, Any], list[Any], Comparison], bool]] = None  # None: a rule of items
    actual: Optional[Callable[[Mapping[str, Any]], Any]] = None
    single: bool = False
    needs_jobs: bool = False
    show: Optional[Callable[[Mapping[str, Any], Optional[datetime]], Shown]] = None
    label: Optional[str] = None  # what the reports call the fact, when not its key
    items: Optional[Callable[[Mapping[str, Any], list[Any], Comparison, Mapping[str, Any]], list[Any]]] = None
    item_key: Optional[str] = None
    reads_keys: tuple[str, ...] = ()  # other declaration keys the rule reads (subscription_services)
    needs_subscriptions: bool = False
    needs_protection: bool = False


class Item(NamedTuple):
    """One item a rule of items checked; ``expected`` None: the rule's allowed values."""

    name: str
    actual: Any
    ok: bool
    expected: Optional[list[Any]] = None


def checked(rule: Rule, customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison,
            declared: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The findings of one rule for one customer (``declared``: every value declared for the customer): one, or
    with ``items`` one per item checked (none when it checked none)."""
    read = {key: declared[key] for key in rule.reads_keys if key in declared}
    found = rule.items(customer, allowed, comparison, read) if rule.items is not None else None
    if found is None:
        if rule.check is None or rule.actual is None:
            raise AssertionError("the rule %s is declared without check and actual, or items" % rule.key)
        return [{"field": rule.key, "expected": allowed, "actual": rule.actual(customer), "ok": rule.check(customer, allowed, comparison)}]
    return [{"field": rule.key, rule.item_key: item.name, "expected": allowed if item.expected is None else item.expected,
             "actual": item.actual, "ok": item.ok}
            for item in (Item(*each) for each in found)]


def finding_key(item: Mapping[str, Any]) -> str:
    """What tells one finding of a customer from another: its rule, and for a rule of items the item
    (``subscription_valid_for[Cloud Backup for Microsoft 365]``)."""
    return _with_item(item["field"], item)


def finding_label(item: Mapping[str, Any]) -> str:
    """What the reports call a finding: its rule's label, and the item it names (``subscription[Cloud Backup...]``)."""
    rule = RULES_BY_KEY.get(item["field"])
    return _with_item((rule.label if rule is not None else None) or item["field"], item)


def finding_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item a finding of a rule of items names (``{"service": ...}``), else nothing (a finding of the rule as a
    whole, such as one duration for any workload, has no item key)."""
    rule = RULES_BY_KEY.get(item["field"])
    return {rule.item_key: item.get(rule.item_key)} if rule is not None and rule.item_key and rule.item_key in item else {}


def _with_item(name: str, item: Mapping[str, Any]) -> str:
    named = finding_item(item) if isinstance(item.get("field"), str) else {}
    value = next(iter(named.values()), None)
    return name if value is None else "%s[%s]" % (name, value)


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
    return recency.recent_enough(recency.read_fact(customer, recency.FACT), allowed[0], comparison.now)


def _recent_items(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison,
                  _read: Mapping[str, Any]) -> Optional[list[Item]]:
    found = recency.workload_findings(customer, allowed, comparison.now)
    return None if found is None else [Item(name, actual, ok, [within]) for name, actual, ok, within in found]


def _recent_shown(item: Mapping[str, Any], now: Optional[datetime]) -> Shown:
    return Shown(finding_label(item), recency.show_expected(item["expected"]), recency.show_actual(item["actual"], now),
                 recency.found_text(item["actual"], now))


def _items_rule(key: str, parse: Callable[[Any, str], Any], items: Callable[..., list[Any]],
                show: Callable[[Mapping[str, Any], Optional[datetime]], Shown], label: str) -> Rule:
    """A subscription rule: checked subscription by subscription, limited by subscription_services."""
    return Rule(key, parse, single=True, show=show, label=label, items=items, item_key=subscriptions.ITEM,
                reads_keys=(subscriptions.SERVICES,), needs_subscriptions=True)


def _expiry_shown(item: Mapping[str, Any], now: Optional[datetime]) -> Shown:
    found = subscriptions.show_expiry(item, now)
    return Shown(finding_label(item), "valid for %s" % item["expected"][0], found, found)


def _seats_shown(item: Mapping[str, Any], now: Optional[datetime]) -> Shown:
    found = subscriptions.show_seats(item)
    return Shown(finding_label(item), "", found, found)  # no "expected": the two numbers say it


def _workload_rule(key: str, parse: Callable[[Any, str], Any], items: Callable[..., list[Any]],
                   expected: Callable[[list[Any]], str], shown: Callable[[Any], str], single: bool = False) -> Rule:
    """A rule on protection coverage, checked workload by workload (protection.py)."""
    def show(item: Mapping[str, Any], _now: Optional[datetime]) -> Shown:
        actual = shown(item["actual"])
        return Shown(finding_label(item), expected(item["expected"]), actual, "got " + actual)

    return Rule(key, parse, single=single, show=show, items=items, item_key=protection.ITEM, needs_protection=True)


# The checks, in report order.
RULES: tuple[Rule, ...] = (
    Rule("job_status", _status_value, _status_ok, lambda customer: customer.get("job_status")),
    Rule("country_or_region", _text_value, _country_ok, lambda customer: customer.get("country_or_region")),
    Rule(recency.KEY, recency.parse_declared, _recent_ok, lambda customer: recency.read_fact(customer, recency.FACT),
         single=True, needs_jobs=True, show=_recent_shown, label=recency.LABEL, items=_recent_items, item_key=recency.ITEM),
    _items_rule(subscriptions.VALID_FOR, recency.parse_within, subscriptions.valid_items, _expiry_shown, "subscription"),
    _items_rule(subscriptions.SEATS, subscriptions.parse_seats, subscriptions.seats_items, _seats_shown, "seats"),
    # Checks nothing itself: limits the two rules above to the services it names.
    Rule(subscriptions.SERVICES, subscriptions.parse_service, items=lambda *_args: [], item_key=subscriptions.ITEM),
    _workload_rule(protection.PROTECTED, protection.parse_workload, protection.protected_items, lambda _allowed: "protected",
                   protection.show_protected),
    _workload_rule(protection.COVERAGE, protection.parse_percent, protection.coverage_items, protection.show_percent,
                   protection.show_coverage, single=True),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
CHECKED_FIELDS = tuple(rule.key for rule in RULES)
ENTRY_KEYS = ("id", "name") + CHECKED_FIELDS
JOBS_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_jobs)
SUBSCRIPTIONS_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_subscriptions)
PROTECTION_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_protection)
