"""The facts the lookup and the inventory add on request: the data they read, cache identities, one bulk read each."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.plugin_utils._added_facts import (
    ADDED_FACTS, LAST_SUCCESS, SUBSCRIPTIONS, add_facts, asked, cache_identity, lacking, reads)

from fakes import API_URL, response, scripted_client

A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
PRODUCT = {"service": "Cloud Backup for Microsoft 365", "purchasedUserSeats": "100", "microsoftLicenseAssigned": "124",
           "expirationDate": "2026-12-14"}


def test_each_option_reads_its_data_and_keys_the_cache_of_its_own():
    assert asked({"last_success": False, "subscriptions": True}.get) == (SUBSCRIPTIONS,)
    assert asked({"last_success": True, "subscriptions": True}.get) == ADDED_FACTS
    assert reads(()) == ("customers",)
    assert reads(ADDED_FACTS) == ("customers", "jobs", "subscriptions")
    # the mark of last_success alone is what it always was: existing inventory cache entries stay valid
    assert cache_identity("who", (LAST_SUCCESS,)) == "who+last_success"
    assert len({cache_identity("who", added) for added in ((), (LAST_SUCCESS,), (SUBSCRIPTIONS,), ADDED_FACTS)}) == 4


def test_subscriptions_are_added_in_one_bulk_read_only_where_they_lack_and_unknown_customers_get_none():
    def answer(_method, url, _params, _body):
        if url.endswith(A):
            return response(200, {"customerId": A, "organization": "Contoso", "products": [PRODUCT]})
        return response(404, {"message": "not found"})

    client = scripted_client(answer)
    cached = {"id": "5d0c8e1a-0000-4000-8000-000000000000", "subscriptions": []}
    customers = [{"id": A}, {"id": B}, cached]
    assert lacking(customers, (SUBSCRIPTIONS,)) == [{"id": A}, {"id": B}]
    add_facts(client, lacking(customers, (SUBSCRIPTIONS,)), (SUBSCRIPTIONS,))
    # the facts given are completed in place (so is a cached entry); an unknown customer has none
    assert customers[0]["subscriptions"][0]["seats_purchased"] == 100 and customers[1]["subscriptions"] == []
    assert sorted(url for _m, url, _p, _b in client.transport.requests) == [API_URL + "/partner/services/" + A,
                                                                            API_URL + "/partner/services/" + B]
    assert lacking(customers, ADDED_FACTS) == customers  # none has last_success yet
