# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the lookup and the inventory that add facts read from another endpoint to the customer facts.

Each is off by default, so a plugin that does not ask reads nothing more and its token asks for the
customer permission only. On, the token asks for the permission of that data too (one token serves
every read), the data of the customers in question is read in one bulk call with the same client, and
the caches key on the options on, so facts with and without them never mix. Options that read the
same data (``last_success`` and ``last_success_by_workload``, both from the jobs) share one read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.plugin_utils import _last_success, _protection_facts, _subscription_facts

Facts = dict[str, Any]


@dataclass(frozen=True)
class FactOption:
    """A boolean plugin option (``name``) that adds ``facts``, read from the data ``kind`` by ``add`` (client,
    customers, the facts of every option on that reads that data)."""

    name: str
    facts: tuple[str, ...]
    kind: str
    add: Callable[[AvePointClient, list[Facts], tuple[str, ...]], None]

    def present(self, facts: Facts) -> bool:
        """Whether customer facts carry this option's facts already (a cache entry may have them for some only)."""
        return all(name in facts for name in self.facts)


FACT_OPTIONS = (
    FactOption(_last_success.OPTION, (_last_success.FACT,), _last_success.KIND, _last_success.add_job_facts),
    FactOption(_last_success.BY_WORKLOAD, (_last_success.BY_WORKLOAD,), _last_success.KIND, _last_success.add_job_facts),
    FactOption(_subscription_facts.OPTION, _subscription_facts.FACTS, _subscription_facts.KIND, _subscription_facts.add_subscriptions),
    FactOption(_protection_facts.OPTION, _protection_facts.FACTS, _protection_facts.KIND, _protection_facts.add_protection),
)


def enabled(get_option: Callable[[str], Any]) -> tuple[FactOption, ...]:
    """The fact options a plugin's options turn on."""
    return tuple(option for option in FACT_OPTIONS if get_option(option.name))


def reads(options: Sequence[FactOption]) -> tuple[str, ...]:
    """The kinds of data a plugin reads, which pick its token's default scope."""
    return READS_CUSTOMERS + tuple(dict.fromkeys(option.kind for option in options))


def cache_identity(identity: str, options: Sequence[FactOption]) -> str:
    """A cache identity that differs with the options on, whatever the scope setting."""
    return identity + "".join("+" + option.name for option in options)


def lacking(customers: Iterable[Facts], options: Sequence[FactOption]) -> list[Facts]:
    """The customer facts that lack the facts of any of ``options``."""
    return [facts for facts in customers if not all(option.present(facts) for option in options)]


def add_facts(client: AvePointClient, customers: list[Facts], options: Sequence[FactOption]) -> None:
    """Add the facts of the options to those of ``customers`` that lack them, one bulk call per kind of data."""
    for kind in dict.fromkeys(option.kind for option in options):
        same = [option for option in options if option.kind == kind]
        same[0].add(client, lacking(customers, same), tuple(name for option in same for name in option.facts))
