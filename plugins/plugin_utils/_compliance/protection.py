# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rules on protection coverage, checked per workload:

* ``protected_workloads``: each listed workload (``Exchange Online``, ``OneDrive``...) is present in the
  customer's protection overview with at least one protected object. A workload absent from it is
  not protected.
* ``protection_coverage_at_least``: every workload present protects at least that share of the objects
  AvePoint scanned; a workload with nothing scanned is not a drift (there is nothing to protect yet).

A customer's workloads come from the registered avepoint_protection_info result (read by
``ProtectionSeen``) or from customer facts that carry them (the lookup's and the inventory's
``protection`` option). The pieces here are plugged into the rule table of ``rules``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import workload
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe

PROTECTED = "protected_workloads"
COVERAGE = "protection_coverage_at_least"
FACT = "workloads"  # the fact of the customer the rules read (from the protection result, or the plugins' facts)
ITEM = "workload"  # what names each finding (the key of a finding in the JSON report)


class WorkloadCheck(NamedTuple):
    """One workload of a customer checked by a rule: its name, what the reports show, whether it complies."""

    workload: str
    actual: Any
    ok: bool


def covers(scanned: Optional[int], protected: Optional[int], percent: float) -> bool:
    """Whether ``protected`` of ``scanned`` objects is at least ``percent`` %, exactly (not on the rounded figure)."""
    return scanned is not None and protected is not None and protected * 100 >= percent * scanned


def parse_workload(value: Any, where: str) -> str:
    """A declared workload in any spelling, as its job module name; ConfigurationError listing the known ones."""
    return workload(value, where)


def parse_percent(value: Any, where: str) -> float:
    """A declared share of objects: ``95%``, ``99.5%``, ``95`` or ``"95"``, more than 0 and at most 100."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("%"):
        text = text[:-1].strip()
    try:
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            raise ValueError(text)
        number = float(text)
    except ValueError:
        raise ConfigurationError("%s must be a percentage such as 95%% or 99.5%%, got %s" % (where, describe(value))) from None
    if not 1 <= number <= 100:
        hint = "; write 95% for ninety-five percent" if 0 < number < 1 else ""
        raise ConfigurationError("%s must be a percentage from 1%% to 100%%, got %s%s" % (where, describe(value), hint))
    return int(number) if number.is_integer() else number


def _items(customer: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    return [item for item in customer.get(FACT) or [] if item.get("workload") == name]


def protected_items(customer: Mapping[str, Any], allowed: list[Any], _comparison: Any, _declared: Any) -> list[WorkloadCheck]:
    """One check per declared workload: present with at least one protected object. ``actual``: how many objects are
    protected (of every service listing the workload), None when the workload is absent."""
    checks = []
    for name in dict.fromkeys(allowed):  # each workload once, in declaration order
        items = _items(customer, name)
        protected = sum(item.get("protected_objects") or 0 for item in items) if items else None
        checks.append(WorkloadCheck(name, protected, bool(protected)))
    return checks


def coverage_items(customer: Mapping[str, Any], allowed: list[Any], _comparison: Any, _declared: Any) -> list[WorkloadCheck]:
    """One check per workload present: at least ``allowed[0]`` % of its scanned objects protected, for every service
    listing it (the worst one is shown). Nothing scanned complies; an unknown count does not."""
    names = dict.fromkeys(item.get("workload") for item in customer.get(FACT) or [] if isinstance(item.get("workload"), str))
    checks = []
    for name in names:
        results = [(_covered(item, allowed[0]), item) for item in _items(customer, name)]
        ok, worst = min(results, key=lambda result: (result[0], _share(result[1])))
        checks.append(WorkloadCheck(name, {key: worst.get(key) for key in ("scanned_objects", "protected_objects", "coverage_percent")},
                                    ok))
    return checks


def _covered(item: Mapping[str, Any], percent: float) -> bool:
    return item.get("scanned_objects") == 0 or covers(item.get("scanned_objects"), item.get("protected_objects"), percent)


def _share(item: Mapping[str, Any]) -> float:
    """How much of a workload is protected, for choosing the worst: unknown counts first."""
    scanned, protected = item.get("scanned_objects"), item.get("protected_objects")
    if scanned is None or protected is None:
        return -1.0
    return protected / scanned if scanned else float("inf")


def show_protected(actual: Any) -> str:
    if actual is None:
        return "absent"
    return "%d protected object%s" % (actual, "" if actual == 1 else "s")


def show_coverage(actual: Any) -> str:
    if not isinstance(actual, Mapping):
        return str(actual)
    scanned, protected = actual.get("scanned_objects"), actual.get("protected_objects")
    if scanned == 0:
        return "nothing scanned"
    if scanned is None or protected is None:
        return "unknown (the API sent no object count)"
    return "%s%% (%d of %d objects)" % (actual.get("coverage_percent"), protected, scanned)


def show_percent(allowed: list[Any]) -> str:
    return "at least %s%%" % allowed[0]


class ProtectionSeen:
    """The workloads per customer, from a registered avepoint_protection_info result."""

    def __init__(self, protection: Any) -> None:
        self.given = not (protection is None or (isinstance(protection, Mapping) and protection.get("skipped")))
        self.workloads: dict[str, list[Mapping[str, Any]]] = {}
        self.missing: set[str] = set()
        if not self.given:
            return
        problem = ConfigurationError("the protection input must be the registered result of avepoint.graph.avepoint_protection_info "
                                     "(customers with customer_id and workloads, and missing_ids)")
        if not isinstance(protection, Mapping) or not isinstance(protection.get("customers"), list) \
                or not isinstance(protection.get("missing_ids", []), list):
            raise problem
        for entry in protection["customers"]:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("customer_id"), str) or not _workload_list(entry.get(FACT)):
                raise problem
            self.workloads[entry["customer_id"].lower()] = entry[FACT]
        self.missing = {str(customer_id).lower() for customer_id in protection.get("missing_ids", [])}

    def of(self, customer_id: str, rules: Iterable[str]) -> list[Mapping[str, Any]]:
        """The workloads of a customer that ``rules`` check (none: the protection API does not know it)."""
        if not self.given:
            raise ConfigurationError("%s needs each customer's protection coverage: pass the registered result of "
                                     "avepoint.graph.avepoint_protection_info (for the customers it applies to) as protection"
                                     % ", ".join(sorted(rules)))
        if customer_id in self.workloads:
            return self.workloads[customer_id]
        if customer_id in self.missing:
            return []
        raise ConfigurationError("the protection input has no entry for customer %s, which %s checks: read the protection of "
                                 "every customer the rule applies to" % (customer_id, ", ".join(sorted(rules))))


def _workload_list(value: Optional[Any]) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) and isinstance(item.get("workload"), str) for item in value)
