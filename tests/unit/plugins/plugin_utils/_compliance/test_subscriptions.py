"""The compliance rules subscription_valid_for and seats_cover_licenses (with subscription_services): declaration,
the comparison subscription by subscription, the subscriptions input, findings named by service, changes, reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import mark_changes, previous_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import declaration_of, parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, summary_lines


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
NOW = "2026-12-04T00:00:00Z"
M365 = "Cloud Backup for Microsoft 365"
GOOGLE = "Cloud Backup for Google Workspace"
CUSTOMERS = [{"id": A, "organization": "Contoso", "job_status": "Working", "job_status_code": 1},
             {"id": B, "organization": "Fabrikam", "job_status": "Working", "job_status_code": 1},
             {"id": C, "organization": "Northwind", "job_status": "Working", "job_status_code": 1}]


def subscription(service=M365, expires="2027-06-30T00:00:00Z", seats=200, licenses=150):
    return {"service": service, "seats_purchased": seats, "licenses_assigned": licenses, "expiration_date": expires}


def registered(missing=(), **by_letter):
    """A registered avepoint_subscription_info result; keyword A, B, C: the subscriptions of that customer."""
    ids = {"A": A, "B": B, "C": C}
    return {"changed": False, "missing_ids": [ids[letter] for letter in missing],
            "customers": [{"customer_id": ids[letter], "organization": "x", "subscriptions": found} for letter, found in by_letter.items()]}


def check(expected, subscriptions=None, customers=None, **kwargs):
    kwargs.setdefault("now", NOW)
    return check_compliance(CUSTOMERS if customers is None else customers, parse_declaration(expected, **kwargs),
                            subscriptions=subscriptions)


def drift_lines(result):
    return [line for line in summary_lines(result) if line.startswith(("~", "-"))]


def test_the_findings_name_the_service_as_the_issue_shows_them():
    result = check([{"id": A, "name": "Contoso", "subscription_valid_for": "30d", "seats_cover_licenses": True}],
                   registered(A=[subscription(expires="2026-12-14T00:00:00Z", seats=100, licenses=124)]))
    assert drift_lines(result) == [
        "~ Contoso (%s) subscription[%s]: expected valid for 30d, expires in 10d (2026-12-14)" % (A, M365),
        "~ Contoso (%s) seats[%s]: 100 purchased, 124 licenses assigned" % (A, M365),
    ]
    assert result["drifted"][0]["fields"] == [
        {"field": "subscription_valid_for", "service": M365, "expected": ["30d"], "actual": "2026-12-14T00:00:00Z"},
        {"field": "seats_cover_licenses", "service": M365, "expected": [True],
         "actual": {"seats_purchased": 100, "licenses_assigned": 124}},
    ]
    assert failure_message(result).endswith("Contoso (%s) [subscription[%s], seats[%s]]" % (A, M365, M365))


@pytest.mark.parametrize("expires, ok, shown", [
    ("2027-01-04T00:00:01Z", True, None),  # more than 30 days after the check
    ("2027-01-03T00:00:00Z", False, "expires in 30d (2027-01-03)"),  # exactly 30 days: not more
    ("2026-12-05T12:30:00Z", False, "expires in 36h (2026-12-05T12:30Z)"),
    ("2026-11-29T00:00:00Z", False, "expired 5d ago (2026-11-29)"),  # already expired drifts too
    ("2026-12-04T00:00:00Z", False, "expired 0s ago (2026-12-04)"),
    (None, True, None),  # N/A: not checked, never drifts
])
def test_subscription_valid_for_compares_every_expiration_date_with_the_check_time(expires, ok, shown):
    result = check([{"id": A, "subscription_valid_for": "30d"}], registered(A=[subscription(expires=expires)]))
    assert result["summary"]["compliant"] == int(ok)
    if shown:
        assert drift_lines(result) == ["~ Contoso (%s) subscription[%s]: expected valid for 30d, %s" % (A, M365, shown)]
    checked = result["customers"][0]["fields"]
    assert checked == ([] if expires is None else [{"field": "subscription_valid_for", "service": M365, "expected": ["30d"],
                                                    "actual": expires, "ok": ok}])


@pytest.mark.parametrize("seats, licenses, ok", [(124, 124, True), (125, 124, True), (123, 124, False), (0, 1, False),
                                                 (None, 124, True), (100, None, True), (None, None, True)])
def test_seats_cover_licenses_only_where_both_are_numbers(seats, licenses, ok):
    result = check([{"id": A, "seats_cover_licenses": True}], registered(A=[subscription(seats=seats, licenses=licenses)]))
    assert result["summary"]["compliant"] == int(ok)
    assert len(result["customers"][0]["fields"]) == int(seats is not None and licenses is not None)


def test_every_subscription_is_checked_and_each_drift_is_its_own_finding():
    subscriptions = [subscription(expires="2026-12-10T00:00:00Z"), subscription(GOOGLE, expires="2026-12-20T00:00:00Z"),
                     subscription("Fly Migration to Google", expires=None), subscription("Opus", expires="2028-01-01T00:00:00Z")]
    result = check([{"id": A, "subscription_valid_for": "30d"}], registered(A=subscriptions))
    assert [(item["service"], item["ok"]) for item in result["customers"][0]["fields"]] == [(M365, False), (GOOGLE, False), ("Opus", True)]
    assert [item["service"] for item in result["drifted"][0]["fields"]] == [M365, GOOGLE]


def test_subscription_services_limits_both_rules_forgivingly_and_a_service_without_subscription_drifts():
    subscriptions = [subscription(expires="2026-12-10T00:00:00Z", seats=1, licenses=5), subscription(GOOGLE, expires="2027-12-01T00:00:00Z")]
    defaults = {"subscription_valid_for": "30d", "seats_cover_licenses": True,
                "subscription_services": ["cloud backup for  GOOGLE workspace", "Cloud Backup for Dynamics 365"]}
    result = check([], registered(A=subscriptions), customers=CUSTOMERS[:1], defaults=defaults, scope="all")
    fields = result["customers"][0]["fields"]
    assert [(item["field"], item["service"], item["ok"]) for item in fields] == [
        ("subscription_valid_for", GOOGLE, True), ("subscription_valid_for", "Cloud Backup for Dynamics 365", False),
        ("seats_cover_licenses", GOOGLE, True), ("seats_cover_licenses", "Cloud Backup for Dynamics 365", False)]
    assert drift_lines(result) == [
        "~ Contoso (%s) subscription[Cloud Backup for Dynamics 365]: expected valid for 30d, no subscription of this service" % A,
        "~ Contoso (%s) seats[Cloud Backup for Dynamics 365]: no subscription of this service" % A]
    exact = check([], registered(A=subscriptions), customers=CUSTOMERS[:1], defaults=defaults, scope="all", match="exact")
    named = ["cloud backup for  GOOGLE workspace", "Cloud Backup for Dynamics 365"]
    assert [item["service"] for item in exact["drifted"][0]["fields"]] == named * 2


def test_an_entry_overrides_the_defaults_and_seats_false_checks_nothing():
    short = registered(A=[subscription(seats=1, licenses=2)], B=[subscription(seats=1, licenses=2)])
    result = check([{"id": A, "seats_cover_licenses": False}], short, customers=CUSTOMERS[:2], scope="all",
                   defaults={"seats_cover_licenses": True})
    assert result["compliant"] == [A] and [row["id"] for row in result["drifted"]] == [B]
    assert result["customers"][0]["fields"] == []


def test_a_customer_the_services_api_does_not_know_drifts_and_one_without_subscriptions_passes():
    result = check([{"id": A, "subscription_valid_for": "30d"}, {"id": B, "subscription_valid_for": "30d"}],
                   registered(missing="A", B=[]))
    assert result["compliant"] == [B]
    assert drift_lines(result) == ["~ Contoso (%s) subscription: expected valid for 30d, no subscription data (the services API "
                                   "does not know the customer)" % A]


def test_the_subscriptions_are_needed_only_for_the_customers_a_rule_applies_to():
    declaration = parse_declaration([{"id": A, "subscription_valid_for": "30d"}, {"id": B, "job_status": "Working"},
                                     {"id": C, "subscription_services": [M365]}])
    assert declaration.subscriptions_for == [A] and declaration.as_dict()["subscriptions_for"] == [A]
    assert parse_declaration([{"id": A}], defaults={"seats_cover_licenses": True}).subscriptions_for == "all"
    # B is not checked against a subscription rule: it needs no subscriptions input
    assert check([{"id": B, "job_status": "Working"}])["compliant"] == [B]
    with pytest.raises(ConfigurationError, match="subscription_valid_for needs each customer's subscriptions: pass the registered "
                                                 "result of avepoint.graph.avepoint_subscription_info"):
        check([{"id": A, "subscription_valid_for": "30d"}])
    with pytest.raises(ConfigurationError, match="subscription_valid_for needs"):
        check([{"id": A, "subscription_valid_for": "30d"}], {"skipped": True, "changed": False})
    with pytest.raises(ConfigurationError, match="the subscriptions input has no entry for customer %s" % A):
        check([{"id": A, "subscription_valid_for": "30d"}], registered(B=[]))
    with pytest.raises(ConfigurationError, match="must be the registered result of avepoint.graph.avepoint_subscription_info"):
        check([{"id": A, "subscription_valid_for": "30d"}], {"customers": [{"customer_id": A, "subscriptions": None}]})


def test_facts_that_carry_their_subscriptions_need_no_input():
    customers = [dict(CUSTOMERS[0], subscriptions=[subscription(expires="2026-12-10T00:00:00Z")])]
    result = check([{"id": A, "subscription_valid_for": "30d"}], customers=customers)
    assert result["drifted"][0]["fields"][0]["service"] == M365


@pytest.mark.parametrize("entry, message", [
    ({"subscription_valid_for": "30"}, "subscription_valid_for has the value '30': a number without a unit"),
    ({"subscription_valid_for": ["30d"]}, "subscription_valid_for takes one value, not a list"),
    ({"seats_cover_licenses": "yes"}, "seats_cover_licenses must be true (check) or false (do not check), got 'yes'"),
    ({"subscription_services": [M365, 3]}, "subscription_services must contain only service names"),
    ({"subscription_services": [" "]}, "subscription_services must contain only service names"),
    ({"subscription_services": []}, "subscription_services is an empty list"),
])
def test_bad_declarations_name_the_entry_and_the_rule(entry, message):
    with pytest.raises(ConfigurationError) as error:
        parse_declaration([dict(entry, id=A)])
    assert "customer_compliance_expected[0]." in str(error.value) and message in str(error.value)


def test_a_declaration_round_trips_with_the_subscription_rules():
    declared = parse_declaration([{"id": A, "subscription_valid_for": "30d", "seats_cover_licenses": True,
                                   "subscription_services": [M365]}], now=NOW).as_dict()
    again = json.loads(json.dumps(declared))
    result = check_compliance(CUSTOMERS, declaration_of(again),
                              subscriptions=registered(A=[subscription(expires="2026-12-10T00:00:00Z")]))
    assert [item["field"] for item in result["drifted"][0]["fields"]] == ["subscription_valid_for"]


def test_changes_follow_each_service_on_its_own():
    expected = [{"id": A, "name": "Contoso", "subscription_valid_for": "30d"}]
    monday = check(expected, registered(A=[subscription(expires="2026-12-10T00:00:00Z"), subscription(GOOGLE, expires="2026-12-12T00:00:00Z")]),
                   now="2026-11-30T00:00:00Z")
    # Tuesday: Microsoft 365 was renewed, Google Workspace still ends soon, a third service now does too
    tuesday = check(expected, registered(A=[subscription(expires="2027-12-10T00:00:00Z"), subscription(GOOGLE, expires="2026-12-12T00:00:00Z"),
                                            subscription("Opus", expires="2026-12-20T00:00:00Z")]), now="2026-12-01T00:00:00Z")
    mark_changes(tuesday, previous_report(json.loads(json.dumps(monday))), "monday.json")
    assert [(item["service"], item["change"], item["first_seen"]) for item in tuesday["drifted"][0]["fields"]] == [
        (GOOGLE, "persisting", "2026-11-30T00:00:00Z"), ("Opus", "new", "2026-12-01T00:00:00Z")]
    assert tuesday["resolved"] == [{"id": A, "name": "Contoso", "field": "subscription_valid_for", "service": M365,
                                    "first_seen": "2026-11-30T00:00:00Z"}]
    lines = summary_lines(tuesday)
    assert "+ Contoso (%s) subscription[%s]: resolved (first seen 2026-11-30T00:00Z)" % (A, M365) in lines
    assert lines[-1] == "Summary: 0 compliant, 1 drifted, 0 missing; 1 new, 1 persisting, 1 resolved"


def test_the_reports_show_each_service():
    subscriptions = registered(A=[subscription(expires="2026-12-10T00:00:00Z", seats=100, licenses=124),
                                  subscription(GOOGLE, expires="2027-12-10T00:00:00Z")], B=[subscription()])
    result = check([{"id": A, "name": "Contoso", "subscription_valid_for": "30d", "seats_cover_licenses": True},
                    {"id": B, "subscription_valid_for": "30d"}], subscriptions)
    suite = ET.fromstring(junit_xml(result)).find("testsuite")
    failure = suite.find("testcase[@name='Contoso (%s)']/failure" % A)
    assert failure.text.splitlines() == ["subscription[%s]: expected valid for 30d, expires in 6d (2026-12-10)" % M365,
                                         "seats[%s]: 100 purchased, 124 licenses assigned" % M365]
    page = html_report(result)
    assert '<th><button type="button">subscription</button></th><th><button type="button">seats</button></th>' in page
    assert ('<td class="drift" data-sort="0|%s: expires in 6d (2026-12-10)">%s: expires in 6d (2026-12-10)'
            '<span class="expected">expected valid for 30d</span></td>' % (M365, M365)) in page
    assert '<td class="drift" data-sort="0|%s: 100 purchased, 124 licenses assigned">%s: 100 purchased, 124 licenses assigned</td>' % (
        M365, M365) in page
    assert '<td class="ok" data-sort="1|%s: expires in 208d (2027-06-30)">%s: expires in 208d (2027-06-30)</td>' % (
        M365, M365) in page  # Fabrikam, one service
