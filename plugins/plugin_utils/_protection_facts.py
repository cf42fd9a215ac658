# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``protection`` option of the lookup and the inventory: each customer's protected workloads as customer facts.

One of the fact options (_fact_options.py): off by default; on, the protection of the customers in question
is read in one bulk call (``AvePointClient.get_protection``) with the same client and token. ``workloads`` is
the list avepoint_protection_info returns per customer, ``protected_workloads`` the names of those with a
protected object: a list ``keyed_groups`` can group by, and the workloads absent from it are unprotected.
"""

from __future__ import annotations

from typing import Any, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient

OPTION = "protection"  # the plugins' option that turns it on
FACTS = ("workloads", "protected_workloads")  # the facts added, as avepoint_protection_info returns them per customer
KIND = "protection"  # the data it reads, whose permission the token asks for


def add_protection(client: AvePointClient, customers: list[dict[str, Any]], _facts: Sequence[str] = FACTS) -> None:
    """Set ``workloads`` and ``protected_workloads`` on each of ``customers`` (facts with an ``id``), in one bulk call.

    A customer the protection API does not know (HTTP 404) gets empty lists: nothing of it is protected.
    """
    if not customers:
        return
    found = client.get_protection([facts["id"] for facts in customers]).by_id()
    for facts in customers:
        entry = found.get(facts["id"], {})
        for name in FACTS:
            facts[name] = entry.get(name, [])
