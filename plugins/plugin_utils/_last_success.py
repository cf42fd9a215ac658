# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``last_success`` option of the lookup and the inventory: the last successful backup as a customer fact.

Off by default, so a plugin that does not ask reads no job and its token asks for the customer
permission only. On, the token asks for the jobs permission too (one token serves both reads),
the jobs of the customers in question are read in one bulk call (``AvePointClient.get_jobs``),
and the caches key on the option, so facts with and without ``last_success`` never mix.
"""

from __future__ import annotations

from typing import Any, Iterable

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import job_query

OPTION = "last_success"  # the plugins' option that turns it on
FACT = "last_success"  # the fact added: the time (UTC) of the newest successful backup job, or None
READS_WITH_JOBS = READS_CUSTOMERS + ("jobs",)
CACHE_MARK = "+last_success"  # appended to a cache identity when the option is on


def reads(enabled: bool) -> tuple[str, ...]:
    """The kinds of data a plugin reads, which pick its token's default scope."""
    return READS_WITH_JOBS if enabled else READS_CUSTOMERS


def cache_identity(identity: str, enabled: bool) -> str:
    """A cache identity that differs with the option, whatever the scope setting."""
    return identity + CACHE_MARK if enabled else identity


def lacking(customers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The customer facts that do not carry the fact yet (a cache entry may have it for some only)."""
    return [facts for facts in customers if FACT not in facts]


def add_last_success(client: AvePointClient, customers: list[dict[str, Any]]) -> None:
    """Set ``last_success`` on each of ``customers`` (facts with an ``id``), reading their jobs in one bulk call.

    A customer the jobs API does not know (HTTP 404) gets None, like one without a success.
    """
    if not customers:
        return
    report = client.get_jobs(job_query([facts["id"] for facts in customers]))
    found = report.last_success_by_id()
    for facts in customers:
        facts[FACT] = found.get(facts["id"])
