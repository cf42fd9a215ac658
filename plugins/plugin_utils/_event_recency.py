# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recency rule of the event source: ``last_successful_backup_within``, as the compliance role spells it.

One duration (``24h``) applies to a customer's last successful backup of any workload; its
findings name no workload. The per-workload form (``{Exchange Online: 24h, OneDrive: 24h}``)
applies each duration to that workload's last success (``last_success_by_workload``), and its
findings name the workload. The declaration is read by the compliance rule's own parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.recency import KEY, last_success_of, parse_declared, recent_enough

EVERY_WORKLOAD = "*"  # the key of the one-duration form: its findings carry workload null


@dataclass(frozen=True)
class RecencyRule:
    """Durations per workload (``EVERY_WORKLOAD`` for the one-duration form), as written."""

    within: Mapping[str, str]

    def last_success(self, facts: Optional[Mapping[str, Any]], key: str) -> Optional[str]:
        """The last success that the entry ``key`` of the rule reads from customer facts (None: none)."""
        return last_success_of(facts, workload_name(key)) if facts is not None else None

    def stale(self, facts: Mapping[str, Any], now: datetime) -> dict[str, bool]:
        """Per entry of the rule: whether the customer's last success is too old (or missing) at ``now``."""
        return {key: not recent_enough(self.last_success(facts, key), within, now) for key, within in self.within.items()}

    def as_data(self) -> dict[str, str]:
        return dict(self.within)


def recency_rule(value: Any) -> Optional[RecencyRule]:
    """The rule from the source argument, or None when it is not given; ConfigurationError when it is wrong."""
    if value is None:
        return None
    declared = parse_declared(value, "option '%s'" % KEY)
    return RecencyRule({EVERY_WORKLOAD: declared} if isinstance(declared, str) else declared)


def workload_name(key: str) -> Optional[str]:
    """A rule key as events show it: null for the one-duration form."""
    return None if key == EVERY_WORKLOAD else key
