# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts the lookup and the inventory add to the customer facts when an option of theirs asks for them.

``last_success`` (the last successful backup, from the jobs API) and ``subscriptions`` (from the
services API). Each is off by default, so a plugin that does not ask reads nothing more and its
token asks for the customer permission only. On, the token asks for the permission of that data too
(one token serves every read), the data of the customers in question are read in one bulk call with
the same client, and the caches key on the facts asked for, so facts with and without them never mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.plugin_utils import _last_success

Customers = List[Dict[str, Any]]


@dataclass(frozen=True)
class AddedFact:
    """A fact added on request: the plugins' option (and the fact) of that name, the kind of data it reads
    (which picks the permission), and ``add``, which sets it on customer facts with an ``id`` in one bulk call."""

    name: str
    reads: str
    add: Callable[[AvePointClient, Customers], None]


def add_subscriptions(client: AvePointClient, customers: Customers) -> None:
    """Set ``subscriptions`` on each of ``customers``, as avepoint_subscription_info returns them, read in one bulk
    call. A customer the services API does not know gets an empty list, like one without any (as ``last_success``
    is None for a customer the jobs API does not know), so templates can loop over it."""
    if not customers:
        return
    found = {entry["customer_id"]: entry["subscriptions"] for entry in client.get_subscriptions([facts["id"] for facts in customers]).customers}
    for facts in customers:
        facts["subscriptions"] = found.get(facts["id"], [])


LAST_SUCCESS = AddedFact(_last_success.FACT, "jobs", _last_success.add_last_success)
SUBSCRIPTIONS = AddedFact("subscriptions", "subscriptions", add_subscriptions)
ADDED_FACTS = (LAST_SUCCESS, SUBSCRIPTIONS)  # in the order they are read and named in cache identities


def asked(get_option: Callable[[str], Any]) -> tuple[AddedFact, ...]:
    """The added facts whose option is on (options already checked as booleans)."""
    return tuple(added for added in ADDED_FACTS if get_option(added.name))


def reads(added: Iterable[AddedFact]) -> tuple[str, ...]:
    """The kinds of data a plugin reads, which pick its token's default scope."""
    return READS_CUSTOMERS + tuple(fact.reads for fact in added)


def cache_identity(identity: str, added: Iterable[AddedFact]) -> str:
    """A cache identity that differs with the facts asked for, whatever the scope setting."""
    return identity + "".join("+" + fact.name for fact in added)


def lacking(customers: Iterable[dict[str, Any]], added: Sequence[AddedFact]) -> Customers:
    """The customer facts that lack one of the facts asked for (a cache entry may have them for some only)."""
    return [facts for facts in customers if any(fact.name not in facts for fact in added)]


def add_facts(client: AvePointClient, customers: Customers, added: Sequence[AddedFact]) -> None:
    """Add each fact asked for to the customers that lack it, one bulk read per fact, with the same client."""
    for fact in added:
        fact.add(client, [facts for facts in customers if fact.name not in facts])
