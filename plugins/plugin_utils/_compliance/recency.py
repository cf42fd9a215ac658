# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rule ``last_successful_backup_within``: how recent a customer's last success must be.

A declared value is one duration (``24h``, ``2d``, ``PT36H``); a customer complies when its
``last_success`` (from the jobs API, see ``_jobs``; handed to the comparison as the
registered avepoint_job_info result, read by ``JobsSeen``) is at most that old at the reference
time of the check. No success at all never complies. The pieces here are plugged into the
rule table of ``rules``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._durations import EXAMPLES, format_age, parse_duration
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._jobs import succeeded_within
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._times import age_seconds, parse_time

KEY = "last_successful_backup_within"
LABEL = "last_successful_backup"  # what the reports call the fact: "expected within 24h"
FACT = "last_success"  # the fact of the customer it reads (added from the jobs result)


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


class JobsSeen:
    """The last successful backup per customer, from a registered avepoint_job_info result."""

    def __init__(self, jobs: Any) -> None:
        self.given = not (jobs is None or (isinstance(jobs, Mapping) and jobs.get("skipped")))
        self.last_success: dict[str, Optional[str]] = {}
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
            self.last_success[entry["customer_id"].lower()] = checked_time(entry["last_success"], entry["customer_id"])
        self.missing = {str(customer_id).lower() for customer_id in jobs.get("missing_ids", [])}

    def of(self, customer_id: str, rules: Iterable[str]) -> Optional[str]:
        """The last success of a customer that ``rules`` check (None: none, or the jobs API does not know it)."""
        if not self.given:
            raise ConfigurationError("%s needs each customer's last successful backup: pass the registered result of "
                                     "avepoint.graph.avepoint_job_info (for the customers it applies to) as jobs" % ", ".join(sorted(rules)))
        if customer_id in self.last_success:
            return self.last_success[customer_id]
        if customer_id in self.missing:
            return None
        raise ConfigurationError("the jobs input has no entry for customer %s, which %s checks: read the jobs of every "
                                 "customer the rule applies to" % (customer_id, ", ".join(sorted(rules))))
