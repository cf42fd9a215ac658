"""The plugins' subscriptions option: what it reads, how it keys the caches, one bulk read for the customers lacking it."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FACT_OPTIONS, add_facts, cache_identity, enabled, lacking, reads

from fakes import API_URL, response, scripted_client


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
SUBSCRIPTIONS = next(option for option in FACT_OPTIONS if option.name == "subscriptions")
PRODUCT = {"service": "Cloud Backup for Microsoft 365", "purchasedUserSeats": "100", "microsoftLicenseAssigned": "124",
           "expirationDate": "2026-12-14"}


def test_the_option_reads_subscriptions_and_keys_a_cache_of_its_own():
    assert enabled({"subscriptions": True}.get) == (SUBSCRIPTIONS,)
    assert SUBSCRIPTIONS.facts == ("subscriptions",)
    assert reads((SUBSCRIPTIONS,)) == ("customers", "subscriptions")
    assert cache_identity("who", (SUBSCRIPTIONS,)) not in (cache_identity("who", ()), cache_identity("who", FACT_OPTIONS))


def test_subscriptions_are_added_in_one_bulk_read_only_where_they_lack_and_unknown_customers_get_none():
    def answer(_method, url, _params, _body):
        if url.endswith(A):
            return response(200, {"customerId": A, "organization": "Contoso", "products": [PRODUCT]})
        return response(404, {"message": "not found"})

    client = scripted_client(answer)
    cached = {"id": "5d0c8e1a-0000-4000-8000-000000000000", "subscriptions": []}
    customers = [{"id": A}, {"id": B}, cached]
    assert lacking(customers, (SUBSCRIPTIONS,)) == [{"id": A}, {"id": B}]
    add_facts(client, customers, (SUBSCRIPTIONS,))
    # the facts given are completed in place (so is a cached entry); an unknown customer has none
    assert customers[0]["subscriptions"][0]["seats_purchased"] == 100 and customers[1]["subscriptions"] == []
    assert sorted(url for _m, url, _p, _b in client.transport.requests) == [API_URL + "/partner/services/" + A,
                                                                            API_URL + "/partner/services/" + B]
