# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the event source saw in one poll (a Snapshot), and the events between two snapshots.

Every event is a dict with one key, ``avepoint``, holding the same keys whatever its kind
(null where a key does not apply), so a rulebook condition never meets a missing attribute:

* ``kind``: ``customer_added``, ``customer_removed``, ``job_status_changed``,
  ``customer_changed`` (another fact, named by ``field``), ``backup_stale``, ``backup_recovered``;
* ``customer_id``, ``organization``, ``customer`` (the facts, the last known for a removed one);
* ``field``, ``previous``, ``current``: the fact that changed and its values as the facts spell
  them (``Working`` -> ``Failed``); for the recency kinds the last success at the poll before and
  now that the rule's entry reads (the customer's ``last_success``, or for a workload its entry of
  ``last_success_by_workload``), with ``within`` (the entry's duration) and ``workload`` (null for
  one duration);
* ``detected_at``: the time of the poll that saw it; ``initial``: true for the events that
  describe the state found by the first poll, when the source was asked for them.

``last_success`` and ``last_success_by_workload`` change with every backup: they are never a
``customer_changed`` of their own, only the recency events read them. ``job_status_code`` goes
with ``job_status``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import ELEMENTS_FACT_FIELDS
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.recency import BY_WORKLOAD, FACT as LAST_SUCCESS
from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time

from ._event_recency import RecencyRule, workload_name

JOB_STATUS = "job_status"
NOT_COMPARED = frozenset(("id", "job_status_code", LAST_SUCCESS, BY_WORKLOAD))  # see the module docstring
EVENT_KEY = "avepoint"

Event = dict[str, Any]


@dataclass
class Snapshot:
    """Customer facts by ID (in the order listed) and, with a recency rule, whether each is stale per workload."""

    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    stale: dict[str, dict[str, bool]] = field(default_factory=dict)
    missing_ids: list[str] = field(default_factory=list, compare=False)  # watched IDs the API does not know (not saved)

    def with_customer_of(self, other: "Snapshot", customer_id: str) -> "Snapshot":
        """This snapshot with one customer as ``other`` has it (or without it, when ``other`` has none)."""
        customers, stale = dict(self.customers), dict(self.stale)
        customers.pop(customer_id, None)
        stale.pop(customer_id, None)
        if customer_id in other.customers:
            customers[customer_id] = other.customers[customer_id]
            if customer_id in other.stale:
                stale[customer_id] = other.stale[customer_id]
        return Snapshot(customers, stale)


def event(kind: str, facts: dict[str, Any], at: datetime, initial: bool = False, **details: Any) -> Event:
    body = {
        "kind": kind,
        "customer_id": facts.get("id"),
        "organization": facts.get("organization"),
        "field": None,
        "previous": None,
        "current": None,
        "workload": None,
        "within": None,
        "customer": copy.deepcopy(facts),  # a source filter may change an event; never the snapshot
        "detected_at": format_time(at),
        "initial": initial,
    }
    body.update(details)
    return {EVENT_KEY: body}


def changes(before: Snapshot, after: Snapshot, rule: Optional[RecencyRule], at: datetime) -> list[Event]:
    """The events from ``before`` to ``after``: customers in the order listed, then the removed ones."""
    found: list[Event] = []
    for customer_id, facts in after.customers.items():
        old = before.customers.get(customer_id)
        if old is None:
            found.append(event("customer_added", facts, at))
            found.extend(_recency_events(None, after.stale.get(customer_id, {}), facts, None, rule, at))
            continue
        found.extend(_fact_events(old, facts, at))
        found.extend(_recency_events(before.stale.get(customer_id, {}), after.stale.get(customer_id, {}), facts,
                                     old, rule, at))
    for customer_id, facts in before.customers.items():
        if customer_id not in after.customers:
            found.append(event("customer_removed", facts, at))
    return found


def initial_events(state: Snapshot, rule: Optional[RecencyRule], at: datetime) -> list[Event]:
    """The state of a first poll as events: every customer added, and each stale backup."""
    found = []
    for customer_id, facts in state.customers.items():
        found.append(event("customer_added", facts, at, initial=True))
        for item in _recency_events(None, state.stale.get(customer_id, {}), facts, None, rule, at):
            item[EVENT_KEY]["initial"] = True
            found.append(item)
    return found


def _fact_events(old: dict[str, Any], new: dict[str, Any], at: datetime) -> Iterator[Event]:
    if old.get(JOB_STATUS) != new.get(JOB_STATUS):
        yield event("job_status_changed", new, at, field=JOB_STATUS, previous=old.get(JOB_STATUS), current=new.get(JOB_STATUS))
    known = [name for name in ELEMENTS_FACT_FIELDS if name in old or name in new]
    others = sorted((set(old) | set(new)) - set(known))
    for name in known + others:
        if name in NOT_COMPARED or name == JOB_STATUS:
            continue
        if old.get(name) != new.get(name):
            yield event("customer_changed", new, at, field=name, previous=old.get(name), current=new.get(name))


def _recency_events(was: Optional[dict[str, bool]], now: dict[str, bool], facts: dict[str, Any],
                    old: Optional[dict[str, Any]], rule: Optional[RecencyRule], at: datetime) -> Iterator[Event]:
    """``backup_stale`` / ``backup_recovered`` per workload whose state changed. A customer seen for the
    first time (``was`` None) is reported when stale; a workload without a state before (the rule changed
    across a restart) has no baseline yet and is not reported."""
    if rule is None:
        return
    for workload, within in rule.within.items():
        stale = now.get(workload)
        before = False if was is None else was.get(workload)
        if stale is None or before is None or stale == before:
            continue
        yield event("backup_stale" if stale else "backup_recovered", facts, at, field=LAST_SUCCESS,
                    previous=rule.last_success(old, workload), current=rule.last_success(facts, workload),
                    workload=workload_name(workload), within=within)
