# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``last_success`` and ``last_success_by_workload`` options of the lookup and the inventory: the last
successful backup (of any workload, and of each workload) as customer facts.

Each option adds the fact of its name. Both are off by default, so a plugin that does not ask reads no
job and its token asks for the customer permission only. With either on, the token asks for the jobs
permission too (one token serves both reads), the jobs of the customers in question are read in one
bulk call (``AvePointClient.get_jobs``) that gives both facts, and the caches key on the facts asked
for, so facts with and without them never mix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable, Optional, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import job_query

OPTION = "last_success"  # the plugins' option that turns it on
FACT = "last_success"  # the fact added: the time (UTC) of the newest successful backup job, or None
BY_WORKLOAD = "last_success_by_workload"  # option and fact: workload name -> time of its newest success, or None
JOB_FACTS = (FACT, BY_WORKLOAD)  # every fact these options add, in the order the plugins document them
READS_WITH_JOBS = READS_CUSTOMERS + ("jobs",)


def asked(get_option: Callable[[str], Any]) -> tuple[str, ...]:
    """The job facts a plugin's options ask for (the options share the names of the facts)."""
    return tuple(name for name in JOB_FACTS if get_option(name))


def reads(facts: Sequence[str]) -> tuple[str, ...]:
    """The kinds of data a plugin reads, which pick its token's default scope."""
    return READS_WITH_JOBS if facts else READS_CUSTOMERS


def cache_identity(identity: str, facts: Sequence[str]) -> str:
    """A cache identity that differs with the facts asked for, whatever the scope setting
    (``+last_success`` for that fact alone, as before there were two)."""
    return identity + "".join("+" + name for name in JOB_FACTS if name in facts)


def lacking(customers: Iterable[dict[str, Any]], facts: Sequence[str]) -> list[dict[str, Any]]:
    """The customer facts that do not carry all of ``facts`` yet (a cache entry may have them for some only)."""
    return [customer for customer in customers if any(name not in customer for name in facts)]


def add_job_facts(client: AvePointClient, customers: list[dict[str, Any]], facts: Sequence[str],
                  now: Optional[datetime] = None) -> None:
    """Set ``facts`` (some of JOB_FACTS) on each of ``customers`` (facts with an ``id``), reading their jobs in
    one bulk call; ``now``: the time of the check (a success after it does not count), by default the current time.

    A customer the jobs API does not know (HTTP 404) gets what one without any job gets: None, and no workload.
    """
    if not customers or not facts:
        return
    report = client.get_jobs(job_query([customer["id"] for customer in customers], now=now))
    summaries = {summary["customer_id"]: summary for summary in report.customers}
    for customer in customers:
        summary = summaries.get(customer["id"], {})
        for name in facts:
            customer[name] = summary.get(name, {} if name == BY_WORKLOAD else None)
