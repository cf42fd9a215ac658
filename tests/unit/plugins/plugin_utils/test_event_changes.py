"""The events between two snapshots of the event source (plugin_utils/_event_changes.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.avepoint.graph.plugins.plugin_utils._event_changes import Snapshot, changes, initial_events
from ansible_collections.avepoint.graph.plugins.plugin_utils._event_recency import EVERY_WORKLOAD, recency_rule


AT = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
RULE = recency_rule("24h")
KEYS = {"kind", "customer_id", "organization", "field", "previous", "current", "workload", "within", "customer", "detected_at", "initial"}


def facts(customer_id, organization="Contoso", job_status="Working", code=1, **extra):
    found = {"id": customer_id, "organization": organization, "owner_email": "admin@contoso.example", "job_status": job_status,
             "job_status_code": code, "country_or_region": "Germany"}
    found.update(extra)
    return found


def snapshot(*customers, stale=None):
    return Snapshot({c["id"]: c for c in customers}, {key: {EVERY_WORKLOAD: value} for key, value in (stale or {}).items()})


def kinds(events):
    return [(e["avepoint"]["kind"], e["avepoint"]["customer_id"], e["avepoint"]["field"]) for e in events]


def test_nothing_changed_nothing_sent():
    same = snapshot(facts(A), facts(B))
    assert changes(same, snapshot(facts(A), facts(B)), None, AT) == []


def test_one_event_per_change_with_the_values_as_the_facts_spell_them():
    before = snapshot(facts(A), facts(B), facts(C))
    after = snapshot(facts(A, job_status="Failed", code=2), facts(B, organization="Contoso Ltd", country_or_region="Japan"),
                     facts("a0000000-0000-4000-8000-000000000001", organization="New"))
    events = changes(before, after, None, AT)
    assert kinds(events) == [
        ("job_status_changed", A, "job_status"),
        ("customer_changed", B, "organization"),
        ("customer_changed", B, "country_or_region"),
        ("customer_added", "a0000000-0000-4000-8000-000000000001", None),
        ("customer_removed", C, None),
    ]
    status = events[0]["avepoint"]
    assert status["previous"] == "Working" and status["current"] == "Failed" and status["organization"] == "Contoso"
    assert status["customer"]["job_status_code"] == 2 and status["detected_at"] == "2026-12-01T08:00:00Z"
    assert status["workload"] is None and status["initial"] is False
    assert events[1]["avepoint"]["previous"] == "Contoso" and events[1]["avepoint"]["current"] == "Contoso Ltd"
    assert events[4]["avepoint"]["customer"] == facts(C)  # the last facts known of a removed customer
    assert all(set(e) == {"avepoint"} and set(e["avepoint"]) == KEYS for e in events)


def test_elements_facts_and_new_facts_are_compared_too():
    tenants = [{"id": C, "name": "contoso.onmicrosoft.com"}]
    before = snapshot(facts(A, management_mode="Managed", tenants=tenants))
    after = snapshot(facts(A, management_mode="Managed", tenants=tenants + [{"id": B, "name": "x"}], extra_fact=1))
    events = changes(before, after, None, AT)
    assert kinds(events) == [("customer_changed", A, "tenants"), ("customer_changed", A, "extra_fact")]
    assert events[1]["avepoint"]["previous"] is None and events[1]["avepoint"]["current"] == 1


def test_last_success_and_the_status_code_alone_are_no_change():
    before = snapshot(facts(A, last_success="2026-12-01T01:00:00Z"), stale={A: False})
    after = snapshot(facts(A, code=99, last_success="2026-12-01T07:00:00Z"), stale={A: False})
    assert changes(before, after, RULE, AT) == []


def test_backup_stale_and_recovered_with_the_last_success_before_and_now():
    before = snapshot(facts(A, last_success="2026-11-30T07:00:00Z"), facts(B, last_success=None), stale={A: False, B: True})
    after = snapshot(facts(A, last_success="2026-11-30T07:00:00Z"), facts(B, last_success="2026-12-01T07:30:00Z"),
                     stale={A: True, B: False})
    events = changes(before, after, RULE, AT)
    assert kinds(events) == [("backup_stale", A, "last_success"), ("backup_recovered", B, "last_success")]
    stale, recovered = events[0]["avepoint"], events[1]["avepoint"]
    assert (stale["previous"], stale["current"], stale["within"], stale["workload"]) == ("2026-11-30T07:00:00Z", "2026-11-30T07:00:00Z", "24h", None)
    assert (recovered["previous"], recovered["current"]) == (None, "2026-12-01T07:30:00Z")


def test_a_new_customer_that_is_stale_is_reported_as_such():
    after = snapshot(facts(A, last_success=None), facts(B, last_success="2026-12-01T07:00:00Z"), stale={A: True, B: False})
    assert kinds(changes(snapshot(), after, RULE, AT)) == [
        ("customer_added", A, None), ("backup_stale", A, "last_success"), ("customer_added", B, None)]


def test_without_a_recency_baseline_nothing_is_reported():
    """A state saved under another rule has no stale states: the next poll is the recency baseline."""
    before = snapshot(facts(A, last_success=None))
    after = snapshot(facts(A, last_success=None), stale={A: True})
    assert changes(before, after, RULE, AT) == []


def test_initial_events_describe_the_first_poll():
    first = snapshot(facts(A, last_success=None), facts(B, last_success="2026-12-01T07:00:00Z"), stale={A: True, B: False})
    events = initial_events(first, RULE, AT)
    assert kinds(events) == [("customer_added", A, None), ("backup_stale", A, "last_success"), ("customer_added", B, None)]
    assert all(e["avepoint"]["initial"] is True for e in events)
    assert kinds(initial_events(first, None, AT)) == [("customer_added", A, None), ("customer_added", B, None)]


def test_with_customer_of_takes_one_customer_from_another_snapshot():
    before = snapshot(facts(A), facts(B), stale={A: False, B: False})
    after = snapshot(facts(A, organization="Changed"), facts(C), stale={A: True, C: True})
    merged = before.with_customer_of(after, A).with_customer_of(after, B)
    assert merged.customers == {A: facts(A, organization="Changed")} and merged.stale == {A: {EVERY_WORKLOAD: True}}
    assert before.customers == {A: facts(A), B: facts(B)}  # unchanged


WORKLOADS = recency_rule({"Exchange Online": "24h", "SharePoint Online": "48h"})


def test_the_per_workload_rule_reads_each_workload_and_a_workload_without_jobs_is_stale():
    healthy = facts(A, last_success="2026-12-01T07:00:00Z", last_success_by_workload={
        "Exchange Online": "2026-12-01T06:00:00Z", "SharePoint Online": "2026-12-01T07:00:00Z"})
    exchange_failing = facts(B, last_success="2026-12-01T07:00:00Z", last_success_by_workload={
        "Exchange Online": "2026-11-28T07:00:00Z", "SharePoint Online": "2026-12-01T07:00:00Z"})
    no_sharepoint = facts(C, last_success="2026-12-01T07:00:00Z", last_success_by_workload={"Exchange Online": "2026-12-01T07:00:00Z"})
    assert WORKLOADS.stale(healthy, AT) == {"Exchange Online": False, "SharePoint Online": False}
    assert WORKLOADS.stale(exchange_failing, AT) == {"Exchange Online": True, "SharePoint Online": False}
    assert WORKLOADS.stale(no_sharepoint, AT) == {"Exchange Online": False, "SharePoint Online": True}
    assert WORKLOADS.stale(facts(A), AT) == {"Exchange Online": True, "SharePoint Online": True}  # no job at all
    assert RULE.stale(exchange_failing, AT) == {EVERY_WORKLOAD: False}  # what one duration cannot see


def test_backup_stale_and_recovered_per_workload_name_it_with_its_own_last_success():
    def customer(exchange, sharepoint):
        return facts(A, last_success=max(exchange, sharepoint),
                     last_success_by_workload={"Exchange Online": exchange, "SharePoint Online": sharepoint})
    before = customer("2026-11-30T09:00:00Z", "2026-11-29T07:00:00Z")
    after = customer("2026-11-30T09:00:00Z", "2026-12-01T07:30:00Z")
    events = changes(Snapshot({A: before}, {A: WORKLOADS.stale(before, AT)}),
                     Snapshot({A: after}, {A: {"Exchange Online": True, "SharePoint Online": False}}), WORKLOADS, AT)
    assert kinds(events) == [("backup_stale", A, "last_success"), ("backup_recovered", A, "last_success")]
    stale, recovered = events[0]["avepoint"], events[1]["avepoint"]
    assert (stale["workload"], stale["within"], stale["previous"], stale["current"]) == (
        "Exchange Online", "24h", "2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z")
    assert (recovered["workload"], recovered["within"], recovered["previous"], recovered["current"]) == (
        "SharePoint Online", "48h", "2026-11-29T07:00:00Z", "2026-12-01T07:30:00Z")
    assert recovered["customer"]["last_success_by_workload"]["SharePoint Online"] == "2026-12-01T07:30:00Z"
    # a newer success per workload alone is no customer_changed
    newer = customer("2026-12-01T07:40:00Z", "2026-12-01T07:30:00Z")
    assert changes(Snapshot({A: after}, {A: WORKLOADS.stale(after, AT)}), Snapshot({A: newer}, {A: WORKLOADS.stale(after, AT)}),
                   WORKLOADS, AT) == []
