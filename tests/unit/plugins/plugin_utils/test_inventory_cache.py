"""What the avepoint_customers inventory stores in the inventory cache, and when it answers from it."""

from __future__ import annotations

import dataclasses
import json

from ansible_collections.avepoint.graph.plugins.module_utils._client import CustomerSet
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FACT_OPTIONS
from ansible_collections.avepoint.graph.plugins.plugin_utils._inventory_cache import FORMAT_VERSION, cache_entry, customer_cache_key, customers_from_entry


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
U = "00000000-0000-4000-8000-000000000000"
SETTINGS = ConnectionSettings(api="partner", api_url="https://graph.example", token_url="https://id.example/connect/token",
                              scope="partner.customers.read.all", client_id="app", client_secret="top-secret-value")
NAME = "avepoint.graph.avepoint_customers"


def test_key_has_no_secret_and_changes_with_what_selects_the_data():
    key = customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS)
    assert "secret" not in key and key.startswith("avepoint_graph_avepoint_customers_")
    variants = [
        # another credential never reads this entry
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", dataclasses.replace(SETTINGS, client_secret="another")),
        customer_cache_key(NAME, "/inv/b.avepoint_customers.yml", "hosts", SETTINGS),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "enrich", SETTINGS),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", dataclasses.replace(SETTINGS, client_id="app2")),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", dataclasses.replace(SETTINGS, api_url="https://x.example")),
        # facts with any of the fact options are kept apart, whatever the scope says
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS[:1]),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS[1:]),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS[2:]),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS),
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS[1:2]),  # last_success_by_workload
        customer_cache_key(NAME, "/inv/a.avepoint_customers.yml", "hosts", SETTINGS, FACT_OPTIONS[:2]),
    ]
    assert key not in variants and len(set(variants)) == len(variants)


def test_entry_holds_facts_only_and_round_trips_through_json():
    entry = cache_entry(CustomerSet([{"id": A, "organization": "Contoso"}], [U]))
    again = json.loads(json.dumps(entry))
    assert customers_from_entry(again) == CustomerSet([{"id": A, "organization": "Contoso"}], [])
    assert customers_from_entry(again, [U, A]) == CustomerSet([{"id": A, "organization": "Contoso"}], [U])


def test_enrich_uses_the_entry_only_when_it_knows_every_wanted_id():
    entry = cache_entry(CustomerSet([{"id": A}], [U]))
    assert customers_from_entry(entry, [A]) == CustomerSet([{"id": A}], [])
    assert customers_from_entry(entry, [A, B]) is None


def test_unusable_entries_are_misses():
    for entry in (None, [], {"customers": []}, {"version": 99, "customers": [], "missing_ids": []},
                  {"version": FORMAT_VERSION, "customers": [{"no": "id"}], "missing_ids": []},
                  {"version": FORMAT_VERSION, "customers": {}, "missing_ids": []}):
        assert customers_from_entry(entry) is None
