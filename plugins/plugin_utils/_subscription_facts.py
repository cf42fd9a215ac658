# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``subscriptions`` option of the lookup and the inventory: each customer's subscriptions as a customer fact.

One of the fact options (_fact_options.py): off by default; on, the subscriptions of the customers in
question are read in one bulk call (``AvePointClient.get_subscriptions``) with the same client and token,
as avepoint_subscription_info returns them per customer.
"""

from __future__ import annotations

from typing import Any, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient

OPTION = "subscriptions"  # the plugins' option that turns it on
FACTS = ("subscriptions",)  # the fact added: the list avepoint_subscription_info returns per customer
KIND = "subscriptions"  # the data it reads, whose permission the token asks for


def add_subscriptions(client: AvePointClient, customers: list[dict[str, Any]], _facts: Sequence[str] = FACTS) -> None:
    """Set ``subscriptions`` on each of ``customers`` (facts with an ``id``), in one bulk call.

    A customer the services API does not know gets an empty list, like one without any (as ``last_success``
    is None for a customer the jobs API does not know), so templates can loop over it.
    """
    if not customers:
        return
    found = client.get_subscriptions([facts["id"] for facts in customers])
    by_id = {entry["customer_id"]: entry["subscriptions"] for entry in found.customers}
    for facts in customers:
        facts["subscriptions"] = by_id.get(facts["id"], [])
