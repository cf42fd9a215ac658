# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``last_success`` option of the lookup and the inventory: the last successful backup as a customer fact.

One of the fact options (_fact_options.py): off by default; on, the jobs of the customers in question
are read in one bulk call (``AvePointClient.get_jobs``) with the same client and token.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import job_query

OPTION = "last_success"  # the plugins' option that turns it on
FACT = "last_success"  # the fact added: the time (UTC) of the newest successful backup job, or None
KIND = "jobs"  # the data it reads, whose permission the token asks for


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
