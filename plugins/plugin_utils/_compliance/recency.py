# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rule ``last_successful_backup_within``: how recent a customer's last success must be.

A declared value is one duration (``24h``, ``2d``, ``PT36H``); a customer complies when its
``last_success`` (from the jobs API, see ``_jobs``; handed to the comparison as the
registered avepoint_job_info result, read by ``JobsSeen``) is at most that old at the reference
time of the check. That is the newest success of *any* workload, so it cannot see one workload
failing while another succeeds. The other form, a mapping of workloads to durations
(``{Exchange Online: 24h, OneDrive: 48h}``), checks each listed workload against its own last
success (``last_success_by_workload``); a listed workload without any job has none. No success
at all never complies. The pieces here are plugged into the rule table of ``rules`` and into
the event source (``parse_declared`` is the one reader of the declaration for both).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, Mapping, Optional, Union

from ansible_collections.avepoint.graph.plugins.module_utils._durations import EXAMPLES, format_age, parse_duration
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import workload
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._times import age_seconds, parse_time

KEY = "last_successful_backup_within"
LABEL = "last_successful_backup"  # what the reports call the fact: "expected within 24h"
FACT = "last_success"  # the fact of the customer it reads (added from the jobs result)
BY_WORKLOAD = "last_success_by_workload"  # the fact the per-workload form reads: workload -> last success
ITEM = "workload"  # what a finding of the per-workload form names

Declared = Union[str, Dict[str, str]]  # one duration, or durations per workload


def succeeded_within(last_success_time: Optional[str], within_seconds: float, now: datetime) -> bool:
    """Whether a last success (a time text from ``customers[].last_success``, or None) is at most
    ``within_seconds`` old at ``now``."""
    return last_success_time is not None and age_seconds(last_success_time, now) <= within_seconds


def parse_within(value: Any, where: str) -> str:
    """A declared duration, kept as written (trimmed) for the reports; ConfigurationError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigurationError("%s must be a duration such as %s, got %s" % (where, EXAMPLES, describe(value)))
    if not isinstance(value, str):
        raise ConfigurationError("%s must be a duration with a unit, such as %sh or %sd, got the number %s"
                                 % (where, value, value, value))
    try:
        seconds = parse_duration(value)
    except ValueError as error:
        raise ConfigurationError("%s has the value %s: %s" % (where, describe(value), error)) from None
    if seconds <= 0:
        raise ConfigurationError("%s must be longer than zero, got %s" % (where, describe(value)))
    return value.strip()


def parse_declared(value: Any, where: str) -> Declared:
    """The rule as declared: one duration (as ``parse_within`` keeps it), or a non-empty mapping of
    workloads to durations, each workload by AvePoint's name for it (``_job_codes.workload``: any
    spelling, an unknown one listing the known ones). ConfigurationError names ``where`` otherwise."""
    if not isinstance(value, Mapping):
        return parse_within(value, where)
    if not value:
        raise ConfigurationError("%s is an empty mapping: give one duration for any workload (24h), or durations per "
                                 "workload such as {Exchange Online: 24h, OneDrive: 48h}" % where)
    within: dict[str, str] = {}
    spelled: dict[str, Any] = {}
    for key, duration in value.items():
        name = workload(key, where)
        if name in within:
            raise ConfigurationError("%s names the workload %s twice (%s and %s)" % (where, name, describe(spelled[name]), describe(key)))
        spelled[name] = key
        within[name] = parse_within(duration, "%s[%s]" % (where, name))
    return within


def last_success_of(facts: Mapping[str, Any], name: Optional[str]) -> Optional[str]:
    """The last success a check reads from customer facts: of any workload (``name`` None), or of one
    workload (None when it has no job at all, like one whose jobs all failed)."""
    if name is None:
        return facts.get(FACT)
    return (facts.get(BY_WORKLOAD) or {}).get(name)


def recent_enough(last_success: Optional[str], within: str, now: datetime) -> bool:
    """Whether ``last_success`` (a time text, or None) is at most ``within`` old at ``now``."""
    return succeeded_within(last_success, parse_duration(within), now)


def show_time(text: str) -> str:
    """A time for people, to the minute: ``2026-11-29T08:00Z``."""
    return parse_time(text).strftime("%Y-%m-%dT%H:%MZ")


def show_expected(allowed: list[Any]) -> str:
    return "within %s" % allowed[0]


def show_actual(last_success: Optional[str], now: Optional[datetime]) -> str:
    """``74h ago (2026-11-29T08:00Z)``, or ``none`` when the customer has no successful backup."""
    if not last_success:
        return "none"
    if now is None:
        return show_time(last_success)
    return "%s ago (%s)" % (format_age(age_seconds(last_success, now)), show_time(last_success))


def found_text(last_success: Optional[str], now: Optional[datetime]) -> str:
    """The clause of a drift line after the expectation: ``last 74h ago (...)`` or ``got none``."""
    return ("last " if last_success else "got ") + show_actual(last_success, now)


def checked_time(value: Optional[str], customer_id: str) -> Optional[str]:
    """A time of the jobs input, or a ConfigurationError naming the customer: a time that cannot be read must not
    fail the whole gate without saying whose it is."""
    if value is not None:
        try:
            parse_time(value)
        except ValueError as error:
            raise ConfigurationError("the jobs input gives customer %s the last success %s, which is not a time (%s)"
                                     % (customer_id, describe(value), error)) from None
    return value


def _by_workload_times(value: Any, customer_id: str) -> Optional[dict[str, Optional[str]]]:
    """The ``last_success_by_workload`` of a jobs input entry (None: the entry has none), its times checked."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(key, str) and isinstance(when, (str, type(None))) for key, when in value.items()):
        raise ConfigurationError("the jobs input gives customer %s a last_success_by_workload that is not a mapping of workloads "
                                 "to times: pass the registered result of avepoint.graph.avepoint_job_info" % customer_id)
    return {key: checked_time(when, customer_id) for key, when in value.items()}


class JobsSeen:
    """The last successful backup per customer (of any workload, and of each), from a registered avepoint_job_info result."""

    def __init__(self, jobs: Any) -> None:
        self.given = not (jobs is None or (isinstance(jobs, Mapping) and jobs.get("skipped")))
        self.last_success: dict[str, Optional[str]] = {}
        self.by_workload: dict[str, dict[str, Optional[str]]] = {}
        self.missing: set[str] = set()
        if not self.given:
            return
        problem = ConfigurationError("the jobs input must be the registered result of avepoint.graph.avepoint_job_info "
                                     "(customers with customer_id and last_success, and missing_ids)")
        if not isinstance(jobs, Mapping) or not isinstance(jobs.get("customers"), list) or not isinstance(jobs.get("missing_ids", []), list):
            raise problem
        for entry in jobs["customers"]:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("customer_id"), str) or not isinstance(entry.get("last_success"), (str, type(None))):
                raise problem
            customer_id = entry["customer_id"].lower()
            self.last_success[customer_id] = checked_time(entry["last_success"], entry["customer_id"])
            by_workload = _by_workload_times(entry.get(BY_WORKLOAD), entry["customer_id"])
            if by_workload is not None:
                self.by_workload[customer_id] = by_workload
        self.missing = {str(customer_id).lower() for customer_id in jobs.get("missing_ids", [])}

    def facts_of(self, customer_id: str, rules: Iterable[str]) -> dict[str, Any]:
        """The job facts of a customer that ``rules`` check: ``last_success``, and ``last_success_by_workload``
        when the jobs input has it (a customer the jobs API does not know has neither a success nor a workload)."""
        if not self.given:
            raise ConfigurationError("%s needs each customer's last successful backup: pass the registered result of "
                                     "avepoint.graph.avepoint_job_info (for the customers it applies to) as jobs" % ", ".join(sorted(rules)))
        if customer_id in self.last_success:
            facts: dict[str, Any] = {FACT: self.last_success[customer_id]}
            if customer_id in self.by_workload:
                facts[BY_WORKLOAD] = self.by_workload[customer_id]
            return facts
        if customer_id in self.missing:
            return {FACT: None, BY_WORKLOAD: {}}
        raise ConfigurationError("the jobs input has no entry for customer %s, which %s checks: read the jobs of every "
                                 "customer the rule applies to" % (customer_id, ", ".join(sorted(rules))))

    def completed(self, customer_id: str, customer: Mapping[str, Any], rules: Iterable[str]) -> Mapping[str, Any]:
        """The customer facts with the job facts ``rules`` read: from the jobs input when given, else as they are when
        they carry them already (the lookup's and the inventory's options of the same names)."""
        if self.given or not (FACT in customer or BY_WORKLOAD in customer):
            return dict(customer, **self.facts_of(customer_id, rules))
        return customer


def read_fact(customer: Mapping[str, Any], name: str) -> Any:
    """A job fact the rule reads; a ConfigurationError when the facts lack it (never a drift for want of data)."""
    if name not in customer:
        raise ConfigurationError(
            "%s of customer %s needs %s, which its facts do not carry: pass the registered result of "
            "avepoint.graph.avepoint_job_info as jobs (or set the lookup's or the inventory's option %s)"
            % (KEY, customer.get("id"), name, name))
    return customer[name]


def workload_findings(customer: Mapping[str, Any], allowed: list[Any], now: datetime) -> Optional[list[tuple[str, Optional[str], bool, str]]]:
    """The findings of the per-workload form, one per declared workload: (workload, its last success (None without
    one or without any job), whether it is recent enough, its duration); None for one duration."""
    declared = allowed[0]
    if not isinstance(declared, Mapping):
        return None
    read_fact(customer, BY_WORKLOAD)
    return [(name, last_success_of(customer, name), recent_enough(last_success_of(customer, name), within, now), within)
            for name, within in declared.items()]
