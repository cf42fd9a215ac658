# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the avepoint_customer lookup does, apart from reading its options.

Terms are customer IDs (a list given as one term counts as its items). Every ID is
validated before anything else happens; fresh cached results are reused; the rest are
fetched in one bulk call (concurrent requests, one token); IDs the service does not know
are handled as ``on_missing`` says. Errors are AvePointError, safe to show as they are.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterable, Optional, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient, CustomerSet
from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import normalize_customer_id, normalize_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError, ConfigurationError, Warn
from ansible_collections.avepoint.graph.plugins.module_utils._identity import requester_identity
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FactOption, add_facts, cache_identity
from ansible_collections.avepoint.graph.plugins.plugin_utils._lookup_cache import RESULTS, LookupCache

DEFAULT_CACHE_TTL = 60.0
MAX_CACHE_TTL = 86400.0

ClientFactory = Callable[[ConnectionSettings, Warn], AvePointClient]


class MissingCustomersError(AvePointError):
    """Customers the service does not know, with ``on_missing=error``."""

    def __init__(self, ids: list[str]) -> None:
        subject = "customer %s was" % ids[0] if len(ids) == 1 else "%d customers were" % len(ids)
        listed = "" if len(ids) == 1 else " (%s)" % ", ".join(ids)
        super().__init__(
            "%s not found%s: the ID is unknown or outside the app registration's customer scope; "
            "set on_missing=warn or on_missing=skip to leave missing customers out" % (subject, listed)
        )
        self.ids = ids


def customer_ids_from_terms(terms: Iterable[Any]) -> list[str]:
    """One lowercase GUID per term, in order; a list term is flattened one level.

    Raises ConfigurationError naming the first bad term, so nothing is requested on bad input.
    """
    ids = []
    for term in terms:
        if isinstance(term, (list, tuple)):
            ids.extend(normalize_customer_id(item) for item in term)
        else:
            ids.append(normalize_customer_id(term))
    return ids


def cache_seconds(value: Any) -> float:
    """The cache lifetime in seconds (0 turns the cache off)."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        seconds = DEFAULT_CACHE_TTL if value is None else float(value)
    except (TypeError, ValueError):
        raise ConfigurationError("option 'cache_ttl' must be a number of seconds, got %r" % (value,)) from None
    if not 0 <= seconds <= MAX_CACHE_TTL:
        raise ConfigurationError("option 'cache_ttl' must be between 0 and %d seconds, got %g" % (MAX_CACHE_TTL, seconds))
    return seconds


def lookup_customers(
    ids: list[str],
    settings: ConnectionSettings,
    *,
    on_missing: str = "error",
    cache_ttl: float = DEFAULT_CACHE_TTL,
    warn: Warn = lambda message: None,
    client_factory: Optional[ClientFactory] = None,
    cache: LookupCache = RESULTS,
    fact_options: Sequence[FactOption] = (),
) -> list[dict[str, Any]]:
    """Facts for each ID in ``ids`` (validated lowercase GUIDs), in order, per ``on_missing`` (checked by the plugin's options).

    ``fact_options``: the facts to add to each found customer (the settings must read their data, _fact_options.reads).
    """
    unique_ids = normalize_customer_ids(ids)
    results = fetch_results(unique_ids, settings, cache_ttl, warn, client_factory or AvePointClient, cache, fact_options)
    missing = [customer_id for customer_id in unique_ids if results[customer_id] is None]
    if missing and on_missing == "error":
        raise MissingCustomersError(missing)
    if on_missing == "warn":
        for customer_id in missing:
            warn("customer %s was not found (unknown ID, or outside the app registration's customer scope); "
                 "it is left out of the lookup result (on_missing=warn)" % customer_id)
    # one dict per term: a repeated ID gives its own copy, never a shared object
    return [copy.deepcopy(results[customer_id]) for customer_id in ids if results[customer_id] is not None]


def fetch_results(
    unique_ids: list[str],
    settings: ConnectionSettings,
    cache_ttl: float,
    warn: Warn,
    client_factory: ClientFactory,
    cache: LookupCache,
    fact_options: Sequence[FactOption] = (),
) -> dict[str, Optional[dict[str, Any]]]:
    """ID -> facts, or None for IDs the service does not know; only uncached IDs are requested."""
    # who asks, and where: never another caller's answers, nor facts without the fact options asked for
    connection = cache_identity(requester_identity(settings), fact_options)
    results = cache.fresh(connection, unique_ids) if cache_ttl > 0 else {}
    wanted = [customer_id for customer_id in unique_ids if customer_id not in results]
    if wanted:
        with client_factory(settings, warn) as client:
            found = client.get_customers(wanted)
            add_facts(client, found.customers, fact_options)  # same client, same token
            fetched = _as_results(found)
        cache.store(connection, fetched, cache_ttl)
        results.update(fetched)
    return results


def _as_results(found: CustomerSet) -> dict[str, Optional[dict[str, Any]]]:
    results: dict[str, Optional[dict[str, Any]]] = {facts["id"]: facts for facts in found.customers}
    results.update((customer_id, None) for customer_id in found.missing_ids)
    return results
