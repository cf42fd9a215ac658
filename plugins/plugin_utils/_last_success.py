# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``last_success`` and ``last_success_by_workload`` options of the lookup and the inventory: the last
successful backup (of any workload, and of each workload) as customer facts.

Two of the fact options (_fact_options.py): off by default; on, the jobs of the customers in question are
read in one bulk call (``AvePointClient.get_jobs``) with the same client and token, one call for both
facts when both are asked for. The event source reads both facts the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import job_query

OPTION = "last_success"  # the plugins' option that turns it on
FACT = "last_success"  # the fact added: the time (UTC) of the newest successful backup job, or None
BY_WORKLOAD = "last_success_by_workload"  # option and fact: workload name -> time of its newest success, or None
JOB_FACTS = (FACT, BY_WORKLOAD)  # every fact these options add
KIND = "jobs"  # the data it reads, whose permission the token asks for


def add_job_facts(client: AvePointClient, customers: list[dict[str, Any]], facts: Sequence[str] = (FACT,),
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
