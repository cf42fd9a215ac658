"""The plugins' fact options (last_success, protection): what each turns on, reads and keys the caches on."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import (
    FACT_OPTIONS, FactOption, add_facts, cache_identity, enabled, lacking, reads)

LAST_SUCCESS, PROTECTION = (next(option for option in FACT_OPTIONS if option.name == name) for name in ("last_success", "protection"))


def test_options_turn_on_what_they_name_and_read_its_data():
    assert enabled({"last_success": False, "protection": True}.get) == (PROTECTION,)
    assert enabled({}.get) == ()
    assert reads(()) == ("customers",)
    assert reads((LAST_SUCCESS, PROTECTION)) == ("customers", "jobs", "protection")
    assert PROTECTION.facts == ("workloads", "protected_workloads")


def test_cache_identities_differ_with_every_combination_and_keep_the_last_success_one():
    identities = {cache_identity("who", options) for options in ((), (LAST_SUCCESS,), (PROTECTION,), (LAST_SUCCESS, PROTECTION))}
    assert len(identities) == 4
    assert cache_identity("who", (LAST_SUCCESS,)) == "who+last_success"  # as before protection existed: caches stay valid


def test_facts_are_added_only_to_the_customers_lacking_them_one_call_per_option():
    calls = []
    first = FactOption("first", ("a",), "jobs", lambda client, customers: calls.append(("first", [c["id"] for c in customers])))
    second = FactOption("second", ("b", "c"), "protection",
                        lambda client, customers: calls.append(("second", [c["id"] for c in customers])))
    customers = [{"id": 1, "a": 0, "b": 0, "c": 0}, {"id": 2, "a": 0, "b": 0}, {"id": 3}]
    assert [c["id"] for c in lacking(customers, (first, second))] == [2, 3]
    assert [c["id"] for c in lacking(customers, (first,))] == [3]
    add_facts(None, customers, (first, second))
    assert calls == [("first", [3]), ("second", [2, 3])]
