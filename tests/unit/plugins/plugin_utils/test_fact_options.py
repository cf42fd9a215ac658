"""The plugins' fact options (last_success, protection): what each turns on, reads and keys the caches on."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FACT_OPTIONS, FactOption, add_facts, cache_identity, enabled, lacking, reads


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


def test_facts_are_added_only_to_the_customers_lacking_them_one_call_per_kind_of_data():
    calls = []

    def reader(name):
        return lambda client, customers, facts: calls.append((name, [c["id"] for c in customers], facts))
    first = FactOption("first", ("a",), "jobs", reader("first"))
    second = FactOption("second", ("b", "c"), "protection", reader("second"))
    customers = [{"id": 1, "a": 0, "b": 0, "c": 0}, {"id": 2, "a": 0, "b": 0}, {"id": 3}]
    assert [c["id"] for c in lacking(customers, (first, second))] == [2, 3]
    assert [c["id"] for c in lacking(customers, (first,))] == [3]
    add_facts(None, customers, (first, second))
    assert calls == [("first", [3], ("a",)), ("second", [2, 3], ("b", "c"))]
    # two options reading the same data (last_success, last_success_by_workload): one call for both facts
    calls.clear()
    also = FactOption("also", ("d",), "jobs", reader("also"))
    add_facts(None, customers, (first, second, also))
    assert calls == [("first", [1, 2, 3], ("a", "d")), ("second", [2, 3], ("b", "c"))]
    assert reads((first, also)) == ("customers", "jobs")
