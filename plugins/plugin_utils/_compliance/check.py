# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The comparison: customer facts (and, for the rules that need them, each customer's last
successful backup from the jobs API, its subscriptions and its protection coverage) against a declaration, as a
result of plain data.

The result is the JSON report (its format is versioned, see docs/compliance.md); changes.py
marks it against an earlier report, reports.py renders it.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time

from . import protection, recency
from . import subscriptions as subscription_rules
from .declaration import Declaration, Expectation
from .rules import JOBS_FIELDS, PROTECTION_FIELDS, RULES_BY_KEY, SUBSCRIPTIONS_FIELDS, Comparison, checked

STATUS_COMPLIANT = "compliant"
STATUS_DRIFTED = "drifted"
STATUS_MISSING = "missing"

# The version of the result's (and so the JSON report's) format, see docs/compliance.md.
# 1 (1.0.0) had no format_version key; 2 adds format_version, checked_at and, with a
# previous report, the change marks.
REPORT_FORMAT = 2


def customer_list(fetched: Any) -> list[Mapping[str, Any]]:
    """Customer facts from a registered avepoint_customer_info result or a plain list."""
    if isinstance(fetched, Mapping):
        if "customers" not in fetched:
            raise ConfigurationError(
                "the input has no 'customers' key: pass the registered result of avepoint.graph.avepoint_customer_info or a list of customers")
        fetched = fetched["customers"]
    if not isinstance(fetched, list) or not all(isinstance(item, Mapping) and isinstance(item.get("id"), str) for item in fetched):
        raise ConfigurationError("the input must be a list of customer facts, each with an id")
    return fetched


def check_compliance(fetched: Any, declaration: Declaration, jobs: Any = None, subscriptions: Any = None,
                     protection_result: Any = None) -> dict[str, Any]:
    """Compare customer facts with the declaration; return the plain-data result.

    ``jobs``: the registered result of avepoint_job_info, needed when a rule reads the last
    successful backup; ``subscriptions``: that of avepoint_subscription_info, needed when a rule
    reads the subscriptions; ``protection_result``: that of avepoint_protection_info, needed when a
    rule reads the protection coverage (a skipped task counts as not given).
    """
    seen = recency.JobsSeen(jobs)
    subscriptions_seen = subscription_rules.SubscriptionsSeen(subscriptions)
    protected = protection.ProtectionSeen(protection_result)
    comparison = declaration.comparison()
    by_id: dict[str, Mapping[str, Any]] = {}
    for customer in customer_list(fetched):
        by_id.setdefault(customer["id"].lower(), customer)
    entries = {entry.id: entry for entry in declaration.entries}
    if declaration.scope == "all":
        checked_ids = list(by_id) + [cid for cid in entries if cid not in by_id]
    else:
        checked_ids = list(entries)

    if not checked_ids and not declaration.allow_empty:
        raise ConfigurationError(empty_scope_message(fetched))
    rows = [_check_one(cid, by_id.get(cid), entries.get(cid), declaration, comparison, seen, subscriptions_seen, protected)
            for cid in checked_ids]
    compliant = [row["id"] for row in rows if row["status"] == STATUS_COMPLIANT]
    drifted = [
        {"id": row["id"], "name": row["name"], "organization": row["organization"],
         "fields": [{key: value for key, value in f.items() if key != "ok"} for f in row["fields"] if not f["ok"]]}
        for row in rows if row["status"] == STATUS_DRIFTED
    ]
    missing = [row["id"] for row in rows if row["status"] == STATUS_MISSING]
    return {
        "format_version": REPORT_FORMAT,
        "checked_at": format_time(comparison.now),
        "summary": {"total": len(rows), "compliant": len(compliant), "drifted": len(drifted), "missing": len(missing)},
        "compliant": compliant,
        "drifted": drifted,
        "missing": missing,
        "customers": rows,
        "scope": declaration.scope,
        "match": declaration.match,
    }


def _check_one(customer_id: str, customer: Optional[Mapping[str, Any]], entry: Optional[Expectation], declaration: Declaration,
               comparison: Comparison, seen: recency.JobsSeen, subscriptions_seen: subscription_rules.SubscriptionsSeen,
               protected: protection.ProtectionSeen) -> dict[str, Any]:
    declared_name = entry.name if entry else None
    if customer is None:
        return {"id": customer_id, "name": declared_name, "organization": None, "status": STATUS_MISSING, "fields": []}
    organization = customer.get("organization")
    expected = declaration.expected_for(entry)
    needs_jobs = JOBS_FIELDS & set(expected)
    # Facts that already carry the job facts (the lookup's or inventory's options of their names) need no jobs input.
    if needs_jobs:
        customer = seen.completed(customer_id, customer, needs_jobs)
    needs_subscriptions = SUBSCRIPTIONS_FIELDS & set(expected)
    # Likewise facts that carry the subscriptions (the subscriptions option of the lookup or the inventory).
    if needs_subscriptions and (subscriptions_seen.given or subscription_rules.FACT not in customer):
        customer = dict(customer, **{subscription_rules.FACT: subscriptions_seen.of(customer_id, needs_subscriptions)})
    needs_protection = PROTECTION_FIELDS & set(expected)
    # Likewise facts that carry the workloads (the protection option of the lookup or the inventory).
    if needs_protection and (protected.given or protection.FACT not in customer):
        customer = dict(customer, **{protection.FACT: protected.of(customer_id, needs_protection)})
    fields = [finding for name, allowed in expected.items()
              for finding in checked(RULES_BY_KEY[name], customer, allowed, comparison, expected)]
    status = STATUS_COMPLIANT if all(f["ok"] for f in fields) else STATUS_DRIFTED
    return {"id": customer_id, "name": declared_name or organization, "organization": organization, "status": status, "fields": fields}


def empty_scope_message(fetched: Any) -> str:
    """Why zero customers is a failure, naming the service that answered when the input says."""
    service = fetched.get("service") if isinstance(fetched, Mapping) else None
    where = "the service"
    if isinstance(service, Mapping) and service.get("api_url"):
        where = "the %s API at %s (cloud %s)" % (service.get("api", "?"), service["api_url"], service.get("cloud", "?"))
    return (
        "customer_compliance_scope is 'all' but %s returned no customers, so nothing was checked. Check api_url, cloud "
        "and the app registration's customer scope, or set customer_compliance_allow_empty: true (allow_empty=true "
        "for the compliance filters) if an empty scope is expected" % where
    )
