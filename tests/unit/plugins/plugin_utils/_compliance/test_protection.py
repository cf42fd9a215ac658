"""The compliance rules protected_workloads and protection_coverage_at_least: declaration, the per-workload
comparison, the protection input, reports and the change marks of per-workload findings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import mark_changes, previous_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.protection import covers
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, summary_lines


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
NOW = "2026-12-02T10:00:00Z"
CUSTOMERS = [{"id": A, "organization": "Contoso"}, {"id": B, "organization": "Fabrikam"}, {"id": C, "organization": "Northwind"}]
M365 = ["Exchange Online", "SharePoint Online", "OneDrive", "Microsoft Teams"]


def workload(name, scanned=10, protected=10, service="Cloud Backup for Microsoft 365"):
    coverage = None if not scanned or protected is None or scanned is None else (protected * 10000 // scanned) / 100
    return {"workload": name, "service": service, "scanned_objects": scanned, "protected_objects": protected,
            "coverage_percent": coverage, "last_job_size_bytes": 0}


def full(*leave_out, **changed):
    workloads = {name: workload(name) for name in M365}
    workloads.update((name.replace("_", " "), item) for name, item in changed.items())
    return [item for name, item in workloads.items() if name not in leave_out]


def protection(missing=(), **workloads):
    """A registered avepoint_protection_info result: the workloads per customer, and missing_ids."""
    return {"changed": False, "missing_ids": list(missing),
            "customers": [{"customer_id": cid, "workloads": items, "protected_workloads": []} for cid, items in workloads.items()]}


def check(expected, protection_result=None, customers=None, **kwargs):
    kwargs.setdefault("now", NOW)
    return check_compliance(CUSTOMERS if customers is None else customers, parse_declaration(expected, **kwargs),
                            protection_result=protection_result)


def findings(result):
    return [(row["id"], item["field"], item.get("workload"), item["ok"]) for row in result["customers"] for item in row["fields"]]


def test_workloads_are_declared_in_any_spelling_and_kept_as_job_module_names():
    declaration = parse_declaration([{"id": A, "protected_workloads": ["exchange", "OneDrive for Business", "Teams"]},
                                     {"id": B, "protected_workloads": "Microsoft 365 Group"}])
    assert declaration.as_dict()["expected"][0]["protected_workloads"] == ["Exchange Online", "OneDrive", "Microsoft Teams"]
    assert declaration.as_dict()["expected"][1]["protected_workloads"] == ["Microsoft 365 Groups"]
    assert declaration.protection_for == [A, B] and declaration.jobs_for == []


def test_an_unknown_workload_fails_before_any_request_listing_the_known_ones():
    with pytest.raises(ConfigurationError) as caught:
        parse_declaration([{"id": A, "protected_workloads": ["Exchange Online", "OneDrve"]}])
    text = str(caught.value)
    assert text.startswith("customer_compliance_expected[0].protected_workloads names the workload 'OneDrve', which is not a "
                           "workload AvePoint backs up; known workloads")
    assert "OneDrive" in text and "Microsoft Teams" in text and "SharePoint Online" in text


@pytest.mark.parametrize("value, kept", [("95%", 95), (" 99.5 % ", 99.5), (95, 95), ("100", 100), (1, 1), (97.25, 97.25)])
def test_a_coverage_is_a_percentage(value, kept):
    declaration = parse_declaration([{"id": A}], defaults={"protection_coverage_at_least": value})
    assert declaration.defaults == {"protection_coverage_at_least": [kept]} and declaration.protection_for == "all"


@pytest.mark.parametrize("value, message", [
    (0.95, "write 95% for ninety-five percent"),
    ("101%", "must be a percentage from 1% to 100%, got '101%'"),
    ("0%", "must be a percentage from 1% to 100%"),
    ("most", "must be a percentage such as 95% or 99.5%, got 'most'"),
    (True, "must be a percentage such as 95%"),
    (["95%"], "takes one value, not a list"),
])
def test_a_bad_coverage_names_the_entry(value, message):
    with pytest.raises(ConfigurationError) as caught:
        parse_declaration([{"id": A, "protection_coverage_at_least": value}])
    assert "customer_compliance_expected[0].protection_coverage_at_least" in str(caught.value) and message in str(caught.value)


def test_each_declared_workload_is_a_finding_of_its_own():
    result = check([{"id": A}, {"id": B}, {"id": C}], protection(**{
        A: full(),
        B: full("OneDrive"),  # never added to the backup
        C: full(Microsoft_Teams=workload("Microsoft Teams", 30, 0), OneDrive=workload("OneDrive", 0, 0)),
    }), defaults={"protected_workloads": M365})
    assert result["compliant"] == [A]
    assert [(d["id"], [(f["workload"], f["actual"]) for f in d["fields"]]) for d in result["drifted"]] == [
        (B, [("OneDrive", None)]), (C, [("OneDrive", 0), ("Microsoft Teams", 0)])]
    assert [f for f in findings(result) if f[0] == A] == [(A, "protected_workloads", name, True) for name in M365]
    assert summary_lines(result)[1:4] == [
        "~ Fabrikam (%s) protected_workloads[OneDrive]: expected protected, got absent" % B,
        "~ Northwind (%s) protected_workloads[OneDrive]: expected protected, got 0 protected objects" % C,
        "~ Northwind (%s) protected_workloads[Microsoft Teams]: expected protected, got 0 protected objects" % C]


def test_coverage_is_checked_for_every_workload_present_and_nothing_scanned_is_not_a_drift():
    result = check([{"id": A}, {"id": B}, {"id": C}], protection(**{
        A: full(SharePoint_Online=workload("SharePoint Online", 200, 190), OneDrive=workload("OneDrive", 0, 0)),
        B: full(SharePoint_Online=workload("SharePoint Online", 200, 189)),  # 94.5%
        C: [workload("Exchange Online", 10000, 9499)],  # 94.99%: shown 94.99, short of 95 exactly
    }), defaults={"protection_coverage_at_least": "95%"})
    assert result["compliant"] == [A]
    assert summary_lines(result)[1:3] == [
        "~ Fabrikam (%s) protection_coverage_at_least[SharePoint Online]: expected at least 95%%, got 94.5%% (189 of 200 objects)" % B,
        "~ Northwind (%s) protection_coverage_at_least[Exchange Online]: expected at least 95%%, got 94.99%% (9499 of 10000 objects)" % C]
    onedrive = next(item for item in result["customers"][0]["fields"] if item["workload"] == "OneDrive")
    assert onedrive["ok"] and onedrive["actual"] == {"scanned_objects": 0, "protected_objects": 0, "coverage_percent": None}


def test_unknown_counts_drift_and_of_two_services_the_worse_is_shown():
    result = check([{"id": A}, {"id": B}], protection(**{
        A: [workload("OneDrive", None, None)],
        B: [workload("OneDrive", 100, 100), workload("OneDrive", 100, 50, service="Cloud Backup Express")],
    }), defaults={"protection_coverage_at_least": 95, "protected_workloads": ["OneDrive"]})
    lines = summary_lines(result)
    assert "~ Contoso (%s) protected_workloads[OneDrive]: expected protected, got absent" % A not in lines
    assert "~ Contoso (%s) protected_workloads[OneDrive]: expected protected, got 0 protected objects" % A in lines
    assert ("~ Contoso (%s) protection_coverage_at_least[OneDrive]: expected at least 95%%, got unknown (the API sent no object "
            "count)" % A) in lines
    assert ("~ Fabrikam (%s) protection_coverage_at_least[OneDrive]: expected at least 95%%, got 50.0%% (50 of 100 objects)" % B
            in lines)
    assert [f for f in findings(result) if f[0] == B] == [(B, "protected_workloads", "OneDrive", True),
                                                          (B, "protection_coverage_at_least", "OneDrive", False)]


def test_a_customer_the_protection_api_does_not_know_protects_nothing():
    result = check([{"id": A, "protected_workloads": "Exchange", "protection_coverage_at_least": "95%"}], protection(missing=[A]))
    assert [(item["workload"], item["ok"]) for item in result["customers"][0]["fields"]] == [("Exchange Online", False)]


def test_the_protection_input_is_needed_for_every_customer_a_rule_applies_to():
    with pytest.raises(ConfigurationError, match="protected_workloads needs each customer's protection coverage: pass the "
                                                 "registered result of avepoint.graph.avepoint_protection_info"):
        check([{"id": A, "protected_workloads": "OneDrive"}])
    with pytest.raises(ConfigurationError, match="the protection input has no entry for customer %s, which "
                                                 "protection_coverage_at_least checks" % B):
        check([{"id": A}, {"id": B}], protection(**{A: full()}), defaults={"protection_coverage_at_least": "95%"})
    with pytest.raises(ConfigurationError, match="must be the registered result of avepoint.graph.avepoint_protection_info"):
        check([{"id": A, "protected_workloads": "OneDrive"}], {"customers": [{"customer_id": A, "workloads": ["OneDrive"]}]})
    # without such a rule the input is not needed, and a skipped task counts as not given
    assert check([{"id": A}], {"skipped": True})["compliant"] == [A]


def test_facts_that_carry_the_workloads_need_no_protection_input():
    customers = [dict(CUSTOMERS[0], workloads=full("OneDrive"))]
    result = check([{"id": A, "protected_workloads": M365}], customers=customers)
    assert [(f["workload"], f["actual"]) for f in result["drifted"][0]["fields"]] == [("OneDrive", None)]


def drifting(monday_items, now=NOW):
    return check([{"id": A, "name": "Contoso"}], protection(**{A: monday_items}),
                 defaults={"protected_workloads": M365, "protection_coverage_at_least": "95%"}, now=now)


def test_the_reports_name_the_workload_of_each_finding():
    result = drifting(full("OneDrive", SharePoint_Online=workload("SharePoint Online", 200, 189)))
    assert failure_message(result) == ("customer compliance failed for 1 of 1 customers; 1 drifted: Contoso (%s) "
                                       "[protected_workloads[OneDrive], protection_coverage_at_least[SharePoint Online]]" % A)
    failure = ET.fromstring(junit_xml(result)).find("testsuite/testcase/failure")
    assert failure.get("message") == ("protected_workloads[OneDrive]: expected protected, got absent; protection_coverage_at_least"
                                      "[SharePoint Online]: expected at least 95%, got 94.5% (189 of 200 objects)")
    page = html_report(result)  # a column per rule naming the drifted workloads; the workload view has each finding
    customers, workloads = page.split('id="customers"')[1].split('id="workloads"')
    assert ">protected_workloads</button></th>" in customers and ">protection_coverage_at_least</button></th>" in customers
    assert '<td class="drift" data-sort="0|OneDrive">OneDrive<span class="expected">1 of 4 workloads drift</span></td>' in customers
    assert ('<td class="drift" data-sort="0|SharePoint Online">SharePoint Online<span class="expected">1 of 3 workloads drift'
            '</span></td>') in customers
    assert ('<span class="finding drift"><span class="rule">protected_workloads</span><span class="nowrap">absent</span>'
            '<span class="expected">expected protected</span></span>') in workloads
    assert ('<span class="finding drift"><span class="rule">protection_coverage_at_least</span><span class="nowrap">94.5%</span> '
            '<span class="nowrap">(189 of 200 objects)</span><span class="expected">expected at least 95%</span></span>') in workloads
    compliant = html_report(drifting(full()))
    assert '<td class="ok" data-sort="1|">4 workloads ok</td>' in compliant


def test_per_workload_findings_persist_and_resolve_one_by_one():
    monday = drifting(full("OneDrive", "Microsoft Teams"), now="2026-11-30T06:00:00Z")
    tuesday = mark_changes(drifting(full("OneDrive"), now="2026-12-01T06:00:00Z"), previous_report(monday), "monday.json")
    assert [(f["workload"], f["change"], f["first_seen"]) for f in tuesday["drifted"][0]["fields"]] == [
        ("OneDrive", "persisting", "2026-11-30T06:00:00Z")]
    assert tuesday["resolved"] == [{"id": A, "name": "Contoso", "field": "protected_workloads", "workload": "Microsoft Teams",
                                    "first_seen": "2026-11-30T06:00:00Z"}]
    assert summary_lines(tuesday)[-2:] == [
        "+ Contoso (%s) protected_workloads[Microsoft Teams]: resolved (first seen 2026-11-30T06:00Z)" % A,
        "Summary: 0 compliant, 1 drifted, 0 missing; 0 new, 1 persisting, 1 resolved"]
    # a finding whose workload this run no longer checks is not claimed resolved
    wednesday = mark_changes(check([{"id": A, "name": "Contoso"}], protection(**{A: full("OneDrive")}),
                                   defaults={"protected_workloads": ["Exchange Online"]}), previous_report(tuesday), "tuesday.json")
    assert wednesday["resolved"] == []


def test_findings_of_a_previous_report_are_told_apart_by_their_workload():
    monday = drifting(full("OneDrive", "Microsoft Teams"), now="2026-11-30T06:00:00Z")
    assert sorted(previous_report(monday).findings) == [
        (A, "protected_workloads[Microsoft Teams]"), (A, "protected_workloads[OneDrive]")]


@pytest.mark.parametrize("scanned, protected, percent, expected", [
    (20, 19, 95, True), (10000, 9499, 95, False), (10000, 9500, 95, True), (100000, 94999, 95, False),
    (3, 2, 66.67, False), (3, 2, 66.66, True), (None, 1, 50, False), (1, None, 50, False),
])
def test_covers_compares_exactly_not_the_rounded_figure(scanned, protected, percent, expected):
    assert covers(scanned, protected, percent) is expected
