# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance rules on subscriptions: ``subscription_valid_for`` and ``seats_cover_licenses``, limited to the
services ``subscription_services`` names.

They check a customer subscription by subscription (its ``subscriptions``, as avepoint_subscription_info returns
them: handed to the comparison as that module's registered result, read by ``SubscriptionsSeen``, or already among
the customer facts from the lookup's or inventory's ``subscriptions`` option), and each finding names its service:

* ``subscription_valid_for: 30d``: every subscription with an expiration date expires more than 30 days after the
  reference time of the check; one already expired drifts too.
* ``seats_cover_licenses: true``: where the seats purchased and the Microsoft licenses assigned are both numbers,
  the seats are at least the licenses.

A subscription whose value is N/A (null) is not checked by the rule that reads it, and never drifts for it. A
service named in ``subscription_services`` that the customer has no subscription of drifts (a misspelt name
must not pass silently), and so does a customer the services API does not know. The pieces here are plugged into
the rule table of ``rules``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, NamedTuple, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._durations import DAY, format_age, parse_duration
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import name_key
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._times import age_seconds, parse_time

from .recency import show_time

VALID_FOR = "subscription_valid_for"
SEATS = "seats_cover_licenses"
SERVICES = "subscription_services"
FACT = "subscriptions"  # the fact of the customer they read
ITEM = "service"  # what names each finding (the key of a finding in the JSON report)
MODULE = "avepoint.graph.avepoint_subscription_info"


class Checked(NamedTuple):
    """One subscription checked by a rule: its service (None: the customer has no subscription data), the value
    reported as actual, and whether it complies."""

    service: Optional[str]
    actual: Any
    ok: bool


def parse_seats(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError("%s must be true (check) or false (do not check), got %s" % (where, describe(value)))
    return value


def parse_service(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError("%s must contain only service names such as 'Cloud Backup for Microsoft 365', got %s"
                                 % (where, describe(value)))
    return value


def _selected(customer: Mapping[str, Any], declared: Mapping[str, Any], match: str) -> list[tuple[str, Optional[Mapping[str, Any]]]]:
    """(service, subscription) pairs a rule checks: every subscription, or those of the services declared, each
    declared service without a subscription as (name, None). Empty when the customer has no subscription data."""
    subscriptions = [item for item in customer.get(FACT) or [] if isinstance(item, Mapping)]
    named = declared.get(SERVICES)
    if not named:
        return [(item.get("service"), item) for item in subscriptions]

    def key(name: Any) -> Any:
        return name_key(name) if match == "forgiving" and isinstance(name, str) else name

    pairs: list[tuple[str, Optional[Mapping[str, Any]]]] = []
    for service in named:
        found = [item for item in subscriptions if key(item.get("service")) == key(service)]
        if found:
            pairs.extend((item.get("service"), item) for item in found)
        else:
            pairs.append((service, None))
    return pairs


def _unknown(customer: Mapping[str, Any]) -> Optional[list[Checked]]:
    """The finding of a customer without subscription data (the services API does not know it), else None."""
    return [Checked(None, None, False)] if customer.get(FACT) is None else None


def valid_items(customer: Mapping[str, Any], allowed: list[Any], comparison: Any, declared: Mapping[str, Any]) -> list[Checked]:
    unknown = _unknown(customer)
    if unknown is not None:
        return unknown
    limit = comparison.now + timedelta(seconds=parse_duration(allowed[0]))
    found = []
    for service, item in _selected(customer, declared, comparison.match):
        if item is None:
            found.append(Checked(service, None, False))
        elif item.get("expiration_date"):
            found.append(Checked(service, item["expiration_date"], parse_time(item["expiration_date"]) > limit))
    return found


def seats_items(customer: Mapping[str, Any], allowed: list[Any], comparison: Any, declared: Mapping[str, Any]) -> list[Checked]:
    if not allowed[0]:
        return []
    unknown = _unknown(customer)
    if unknown is not None:
        return unknown
    found = []
    for service, item in _selected(customer, declared, comparison.match):
        if item is None:
            found.append(Checked(service, None, False))
            continue
        seats, licenses = item.get("seats_purchased"), item.get("licenses_assigned")
        if _number(seats) and _number(licenses):
            found.append(Checked(service, {"seats_purchased": seats, "licenses_assigned": licenses}, seats >= licenses))
    return found


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# How the reports write them: "subscription[<service>]: expected valid for 30d, expires in 10d (2026-12-14)",
# "seats[<service>]: 100 purchased, 124 licenses assigned".

NO_DATA = "no subscription data (the services API does not know the customer)"
NO_SUBSCRIPTION = "no subscription of this service"


def show_date(text: str) -> str:
    """A date for people: ``2026-12-14``, or to the minute when it is not midnight UTC."""
    shown = show_time(text)
    return shown[:10] if shown.endswith("T00:00Z") else shown


def show_expiry(item: Mapping[str, Any], now: Optional[datetime]) -> str:
    """``expires in 10d (2026-12-14)``, ``expired 5d ago (2026-11-29)``, or why there is no date."""
    expiry = item.get("actual")
    if not isinstance(expiry, str):
        return NO_DATA if item.get(ITEM) is None else NO_SUBSCRIPTION
    if now is None:
        return "expires %s" % show_date(expiry)
    age = age_seconds(expiry, now)
    if age >= 0:
        return "expired %s ago (%s)" % (_days(age), show_date(expiry))
    return "expires in %s (%s)" % (_days(-age), show_date(expiry))


def _days(seconds: float) -> str:
    """Whole days (rounded down) from two days on: a subscription runs for days; hours, minutes below."""
    return "%dd" % (seconds // DAY) if seconds >= 2 * DAY else format_age(seconds)


def show_seats(item: Mapping[str, Any]) -> str:
    """``100 purchased, 124 licenses assigned``, or why there are no numbers."""
    actual = item.get("actual")
    if not isinstance(actual, Mapping):
        return NO_DATA if item.get(ITEM) is None else NO_SUBSCRIPTION
    return "%s purchased, %s licenses assigned" % (actual.get("seats_purchased"), actual.get("licenses_assigned"))


class SubscriptionsSeen:
    """The subscriptions per customer, from a registered avepoint_subscription_info result."""

    def __init__(self, subscriptions: Any) -> None:
        self.given = not (subscriptions is None or (isinstance(subscriptions, Mapping) and subscriptions.get("skipped")))
        self.by_id: dict[str, list[Any]] = {}
        self.missing: set[str] = set()
        if not self.given:
            return
        problem = ConfigurationError("the subscriptions input must be the registered result of %s (customers with customer_id "
                                     "and subscriptions, and missing_ids)" % MODULE)
        if not isinstance(subscriptions, Mapping) or not isinstance(subscriptions.get("customers"), list) \
                or not isinstance(subscriptions.get("missing_ids", []), list):
            raise problem
        for entry in subscriptions["customers"]:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("customer_id"), str) or not isinstance(entry.get(FACT), list):
                raise problem
            self.by_id[entry["customer_id"].lower()] = entry[FACT]
        self.missing = {str(customer_id).lower() for customer_id in subscriptions.get("missing_ids", [])}

    def of(self, customer_id: str, rules: Iterable[str]) -> Optional[list[Any]]:
        """The subscriptions of a customer that ``rules`` check (None: the services API does not know it)."""
        if not self.given:
            raise ConfigurationError("%s needs each customer's subscriptions: pass the registered result of %s (for the "
                                     "customers it applies to) as subscriptions" % (", ".join(sorted(rules)), MODULE))
        if customer_id in self.by_id:
            return self.by_id[customer_id]
        if customer_id in self.missing:
            return None
        raise ConfigurationError("the subscriptions input has no entry for customer %s, which %s checks: read the "
                                 "subscriptions of every customer the rule applies to" % (customer_id, ", ".join(sorted(rules))))
