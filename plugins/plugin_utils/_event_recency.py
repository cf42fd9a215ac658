# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recency rule of the event source: ``last_successful_backup_within``, as the compliance role spells it.

One duration (``24h``) applies to a customer's last successful backup of any workload; its
findings name no workload. The per-workload form (``{Exchange Online: 24h, OneDrive: 24h}``)
needs the last success per workload, which the jobs facts do not carry yet: it is refused
with a message that says so, and the rule keeps its durations per workload so that form slots
in without changing the state file or the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.recency import FACT, KEY, parse_within, recent_enough

EVERY_WORKLOAD = "*"  # the key of the one-duration form: its findings carry workload null


@dataclass(frozen=True)
class RecencyRule:
    """Durations per workload (``EVERY_WORKLOAD`` for the one-duration form), as written."""

    within: Mapping[str, str]

    def stale(self, facts: Mapping[str, Any], now: datetime) -> dict[str, bool]:
        """Per workload of the rule: whether the customer's last success is too old (or missing) at ``now``."""
        return {workload: not recent_enough(facts.get(FACT), within, now) for workload, within in self.within.items()}

    def as_data(self) -> dict[str, str]:
        return dict(self.within)


def recency_rule(value: Any) -> Optional[RecencyRule]:
    """The rule from the source argument, or None when it is not given; ConfigurationError when it is wrong."""
    if value is None:
        return None
    where = "option '%s'" % KEY
    if isinstance(value, Mapping):
        raise ConfigurationError(
            "%s is a mapping of workloads to durations: that form needs per-workload job facts (last_success_by_workload), "
            "which this version of the collection does not read yet; give one duration for every workload, such as 24h" % where)
    return RecencyRule({EVERY_WORKLOAD: parse_within(value, where)})


def workload_name(key: str) -> Optional[str]:
    """A rule key as events show it: null for the one-duration form."""
    return None if key == EVERY_WORKLOAD else key
