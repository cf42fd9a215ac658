"""The compliance rule last_successful_backup_within: declaration, the duration comparison, the jobs input, reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._jobs import customer_summary, latest_credible
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import mark_changes, read_previous_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.recency import succeeded_within
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, summary_lines


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
NOW = "2026-12-02T10:00:00Z"
CUSTOMERS = [
    {"id": A, "organization": "Contoso", "job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"},
    {"id": B, "organization": "Fabrikam", "job_status": "Working", "job_status_code": 1, "country_or_region": "France"},
    {"id": C, "organization": "Northwind", "job_status": "Failed", "job_status_code": 2, "country_or_region": "Japan"},
]


def jobs(**last_success):
    """A registered avepoint_job_info result: last_success per customer (None: no success), missing_ids."""
    missing = last_success.pop("missing", [])
    return {"changed": False, "jobs": [], "since": None, "missing_ids": missing,
            "customers": [{"customer_id": cid, "last_success": when, "last_success_job_id": None, "job_count": 3}
                          for cid, when in last_success.items()]}


def check(expected, job_result=None, customers=None, **kwargs):
    kwargs.setdefault("now", NOW)
    return check_compliance(CUSTOMERS if customers is None else customers, parse_declaration(expected, **kwargs), jobs=job_result)


@pytest.mark.parametrize("value, message", [
    (24, "must be a duration with a unit, such as 24h or 24d, got the number 24"),
    ("24", "a number without a unit (write for example 24h or 24d)"),
    ("soon", "not a duration such as 48h, 7d, 1d12h or PT48H"),
    ("0h", "must be longer than zero"),
    ("24q", "unknown unit 'q'"),
    (["24h", "48h"], "takes one value, not a list"),
    (True, "must be a duration such as"),
    ({"hours": 24}, "names the workload 'hours', which is not a workload AvePoint backs up; known workloads"),
])
def test_bad_durations_name_the_entry(value, message):
    with pytest.raises(ConfigurationError) as error:
        parse_declaration([{"id": A, "last_successful_backup_within": value}])
    assert "customer_compliance_expected[0].last_successful_backup_within" in str(error.value)
    assert message in str(error.value)


def test_bad_duration_in_the_defaults_and_a_bad_reference_time():
    with pytest.raises(ConfigurationError, match=r"customer_compliance_defaults.last_successful_backup_within has the value 'x'"):
        parse_declaration([{"id": A}], defaults={"last_successful_backup_within": "x"})
    with pytest.raises(ConfigurationError, match="customer_compliance_now must be an ISO 8601 time"):
        parse_declaration([{"id": A}], now="yesterday")


def test_the_declaration_keeps_the_duration_as_written_and_says_whose_jobs_are_needed():
    declaration = parse_declaration([{"id": A, "last_successful_backup_within": " 36h "}, {"id": B}, {"id": C, "job_status": "Working"}])
    assert declaration.as_dict()["expected"][0] == {"id": A, "name": None, "last_successful_backup_within": ["36h"]}
    assert declaration.as_dict()["jobs_for"] == [A]
    assert parse_declaration([{"id": A}], defaults={"last_successful_backup_within": "1d"}).jobs_for == "all"
    assert parse_declaration([{"id": A, "job_status": 1}]).jobs_for == []
    assert parse_declaration([], defaults={"last_successful_backup_within": "1d"}, scope="all").as_dict()["jobs_for"] == "all"


@pytest.mark.parametrize("last_success, within, ok", [
    ("2026-12-01T10:00:00Z", "24h", True),   # exactly 24 hours old: still within
    ("2026-12-01T09:59:59Z", "24h", False),  # one second more
    ("2026-12-01T09:59:59Z", "1d1s", True),
    ("2026-12-01T10:00:00Z", "1d", True),
    ("2026-11-30T10:00:00Z", "PT48H", True),
    ("2026-11-30T09:00:00Z", "2d", False),
    ("2026-12-02T10:30:00Z", "1h", True),    # newer than the reference time (clocks differ): recent
    (None, "52w", False),                    # no success at all never complies
])
def test_the_duration_comparison(last_success, within, ok):
    result = check([{"id": A, "last_successful_backup_within": within}], jobs(**{A: last_success}))
    assert (result["compliant"] == [A]) is ok
    assert result["customers"][0]["fields"] == [
        {"field": "last_successful_backup_within", "expected": [within], "actual": last_success, "ok": ok}]


def test_entries_override_the_default_and_only_the_needed_customers_need_jobs():
    result = check([{"id": A, "last_successful_backup_within": "72h"}, {"id": B}, {"id": C, "job_status": "Failed"}],
                   jobs(**{A: "2026-11-30T08:00:00Z", B: "2026-11-30T08:00:00Z", C: None}),
                   defaults={"last_successful_backup_within": "24h"})
    assert result["compliant"] == [A]
    assert [(d["id"], [f["field"] for f in d["fields"]]) for d in result["drifted"]] == [
        (B, ["last_successful_backup_within"]), (C, ["last_successful_backup_within"])]
    # without the rule no jobs input is needed at all
    assert check([{"id": C, "job_status": "Failed"}])["compliant"] == [C]


def test_a_customer_the_jobs_api_does_not_know_has_no_success():
    result = check([{"id": A, "last_successful_backup_within": "24h"}], jobs(missing=[A.upper()]))
    assert result["drifted"][0]["fields"][0]["actual"] is None


def test_facts_that_carry_the_last_success_need_no_jobs_input():
    with_facts = [dict(CUSTOMERS[0], last_success="2026-12-02T01:00:00Z")]
    assert check([{"id": A, "last_successful_backup_within": "12h"}], customers=with_facts)["compliant"] == [A]


@pytest.mark.parametrize("job_result, message", [
    (None, "last_successful_backup_within needs each customer's last successful backup: pass the registered result"),
    ({"skipped": True, "changed": False}, "pass the registered result of avepoint.graph.avepoint_job_info"),
    (jobs(**{B: None}), "the jobs input has no entry for customer %s" % A),
    ({"customers": "all"}, "the jobs input must be the registered result of avepoint.graph.avepoint_job_info"),
    ({"customers": [{"customer_id": A, "last_success": 5}]}, "the jobs input must be the registered result"),
    ({"customers": [], "missing_ids": "none"}, "the jobs input must be the registered result"),
    ([], "the jobs input must be the registered result"),
    (jobs(**{A: "1-01-01T00:00:00Z"}), "the jobs input gives customer %s the last success '1-01-01T00:00:00Z', which is not a time" % A),
])
def test_a_missing_or_wrong_jobs_input_is_an_error_not_a_quiet_answer(job_result, message):
    with pytest.raises(ConfigurationError) as error:
        check([{"id": A, "last_successful_backup_within": "24h"}], job_result)
    assert message in str(error.value)


def test_the_reference_time_defaults_to_now_and_is_reported():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = check([{"id": A}], now="")
    assert before <= datetime.strptime(result["checked_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert check([{"id": A}])["checked_at"] == NOW and check([{"id": A}])["format_version"] == 2


@pytest.fixture
def drifted():
    return check([{"id": A, "name": "Contoso", "last_successful_backup_within": "24h"},
                  {"id": B, "last_successful_backup_within": "24h"},
                  {"id": C, "last_successful_backup_within": "48h"}],
                 jobs(**{A: "2026-11-29T08:00:00Z", B: None, C: "2026-12-02T04:30:00Z"}))


def test_report_lines(drifted):
    assert summary_lines(drifted) == [
        "2 of 3 customers drift:",
        "~ Contoso (%s) last_successful_backup: expected within 24h, last 74h ago (2026-11-29T08:00Z)" % A,
        "~ Fabrikam (%s) last_successful_backup: expected within 24h, got none" % B,
        "Summary: 1 compliant, 2 drifted, 0 missing",
    ]
    message = failure_message(drifted)
    assert "2 drifted: Contoso (%s) [last_successful_backup], Fabrikam (%s) [last_successful_backup]" % (A, B) in message


def test_junit_and_html_show_the_recency(drifted):
    suite = ET.fromstring(junit_xml(drifted).encode("utf-8")).find("testsuite")
    failures = {case.get("name"): case.find("failure") for case in suite.findall("testcase")}
    assert failures["Contoso (%s)" % A].get("message") == "last_successful_backup: expected within 24h, last 74h ago (2026-11-29T08:00Z)"
    assert failures["Fabrikam (%s)" % B].get("message") == "last_successful_backup: expected within 24h, got none"
    assert failures["Northwind (%s)" % C] is None
    page = html_report(drifted)
    assert '<th><button type="button">last_successful_backup</button></th>' in page
    # sorted by the time of the last success (none first), drifts before the rest
    assert ('<td class="drift" data-sort="0|2026-11-29T08:00:00Z">74h ago (2026-11-29T08:00Z)'
            '<span class="expected">expected within 24h</span></td>') in page
    assert '<td class="drift" data-sort="0|">none<span class="expected">expected within 24h</span></td>' in page
    assert '<td class="ok" data-sort="1|2026-12-02T04:30:00Z">5h ago (2026-12-02T04:30Z)</td>' in page
    assert 'id="workloads"' not in page  # one duration: no workload view


EXCHANGE_FAILING = {"Exchange Online": "2026-11-28T20:00:00Z", "SharePoint Online": "2026-12-02T02:00:00Z", "OneDrive": None}


def workload_jobs(**by_customer):
    """A registered avepoint_job_info result with last_success_by_workload per customer."""
    result = jobs(**{cid: max(filter(None, workloads.values()), default=None) for cid, workloads in by_customer.items()})
    for entry in result["customers"]:
        entry["last_success_by_workload"] = by_customer[entry["customer_id"]]
    return result


def test_the_mapping_form_takes_workloads_in_any_spelling_and_keeps_them_as_avepoint_names_them():
    declaration = parse_declaration([{"id": A, "last_successful_backup_within": {"exchange": "24h", "OneDrive for Business": "2d"}}],
                                    defaults={"last_successful_backup_within": {"Teams": "48h"}})
    assert declaration.as_dict()["expected"][0]["last_successful_backup_within"] == [{"Exchange Online": "24h", "OneDrive": "2d"}]
    assert declaration.as_dict()["defaults"] == {"last_successful_backup_within": [{"Microsoft Teams": "48h"}]}
    assert declaration.jobs_for == "all"


@pytest.mark.parametrize("value, message", [
    ({"Exchnage Online": "24h"}, "customer_compliance_expected[0].last_successful_backup_within names the workload "
                                 "'Exchnage Online', which is not a workload AvePoint backs up; known workloads"),
    ({"None": "24h"}, "names the workload 'None'"),
    ({"Exchange Online": "24"}, "customer_compliance_expected[0].last_successful_backup_within[Exchange Online] has the value '24'"),
    ({"OneDrive": 24}, "last_successful_backup_within[OneDrive] must be a duration with a unit"),
    ({"Exchange": "24h", "exchange online": "48h"}, "names the workload Exchange Online twice ('Exchange' and 'exchange online')"),
    ({}, "is an empty mapping"),
])
def test_a_bad_mapping_names_the_entry_and_an_unknown_workload_lists_the_known_ones(value, message):
    with pytest.raises(ConfigurationError) as error:
        parse_declaration([{"id": A, "last_successful_backup_within": value}])
    assert message in str(error.value)
    if "known workloads" in message:
        assert "Exchange Online, " in str(error.value) and "SharePoint Online" in str(error.value)


def test_each_listed_workload_drifts_on_its_own_where_one_duration_sees_nothing():
    rule = {"Exchange Online": "24h", "SharePoint Online": "24h", "OneDrive": "24h", "Microsoft Teams": "48h"}
    result = check([{"id": A, "name": "Contoso", "last_successful_backup_within": rule}], workload_jobs(**{A: EXCHANGE_FAILING}))
    assert result["drifted"][0]["fields"] == [
        {"field": "last_successful_backup_within", "workload": "Exchange Online", "expected": ["24h"], "actual": "2026-11-28T20:00:00Z"},
        {"field": "last_successful_backup_within", "workload": "OneDrive", "expected": ["24h"], "actual": None},  # no success
        {"field": "last_successful_backup_within", "workload": "Microsoft Teams", "expected": ["48h"], "actual": None},  # no job
    ]
    assert [(f["workload"], f["ok"]) for f in result["customers"][0]["fields"]] == [
        ("Exchange Online", False), ("SharePoint Online", True), ("OneDrive", False), ("Microsoft Teams", False)]
    assert summary_lines(result)[1:4] == [
        "~ Contoso (%s) last_successful_backup[Exchange Online]: expected within 24h, last 86h ago (2026-11-28T20:00Z)" % A,
        "~ Contoso (%s) last_successful_backup[OneDrive]: expected within 24h, got none" % A,
        "~ Contoso (%s) last_successful_backup[Microsoft Teams]: expected within 48h, got none" % A,
    ]
    assert ("Contoso (%s) [last_successful_backup[Exchange Online], last_successful_backup[OneDrive], "
            "last_successful_backup[Microsoft Teams]]" % A) in failure_message(result)
    # the one-duration form reads the newest success of any workload: SharePoint Online's, 8 hours old
    assert check([{"id": A, "last_successful_backup_within": "24h"}], workload_jobs(**{A: EXCHANGE_FAILING}))["compliant"] == [A]


def test_a_customer_without_any_job_or_unknown_to_the_jobs_api_drifts_on_every_listed_workload():
    result = check([{"id": A, "last_successful_backup_within": {"Exchange": "24h"}},
                    {"id": B, "last_successful_backup_within": {"Exchange": "24h"}}], dict(workload_jobs(**{A: {}}), missing_ids=[B]))
    assert [(d["id"], d["fields"][0]["workload"], d["fields"][0]["actual"]) for d in result["drifted"]] == [
        (A, "Exchange Online", None), (B, "Exchange Online", None)]


def test_a_success_from_the_future_does_not_count_for_its_workload():
    now = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
    history = [
        {"job_id": "e1", "job_module": "Exchange Online", "status_code": 2, "end_time": "2026-12-03T09:00:00Z"},  # ahead of the check
        {"job_id": "e2", "job_module": "Exchange Online", "status_code": 2, "end_time": "2026-11-29T09:00:00Z"},
        {"job_id": "s1", "job_module": "SharePoint Online", "status_code": 2, "end_time": "2026-12-02T09:00:00Z"},
    ]
    summary = customer_summary(A, history, [], latest_credible(now))
    result = check([{"id": A, "last_successful_backup_within": {"Exchange Online": "24h", "SharePoint Online": "24h"}}],
                   {"customers": [summary], "missing_ids": []})
    assert [(f["workload"], f["actual"], f["ok"]) for f in result["customers"][0]["fields"]] == [
        ("Exchange Online", "2026-11-29T09:00:00Z", False), ("SharePoint Online", "2026-12-02T09:00:00Z", True)]


def test_facts_with_the_last_success_by_workload_need_no_jobs_input_and_facts_without_it_are_an_error():
    with_facts = [dict(CUSTOMERS[0], last_success_by_workload=EXCHANGE_FAILING)]
    result = check([{"id": A, "last_successful_backup_within": {"SharePoint": "12h"}}], customers=with_facts)
    assert result["compliant"] == [A]
    only_any = [dict(CUSTOMERS[0], last_success="2026-12-02T02:00:00Z")]  # the plugins' last_success option alone
    with pytest.raises(ConfigurationError, match="needs last_success_by_workload, which its facts do not carry"):
        check([{"id": A, "last_successful_backup_within": {"SharePoint": "12h"}}], customers=only_any)
    with pytest.raises(ConfigurationError, match="needs last_success, which its facts do not carry"):
        check([{"id": A, "last_successful_backup_within": "12h"}], customers=with_facts)
    bad = workload_jobs(**{A: {"Exchange Online": "yesterday"}})
    with pytest.raises(ConfigurationError, match="the jobs input gives customer %s the last success 'yesterday'" % A):
        check([{"id": A, "last_successful_backup_within": {"Exchange": "24h"}}], bad)


def test_findings_per_workload_are_new_persisting_and_resolved_one_by_one(tmp_path):
    rule = {"Exchange Online": "24h", "OneDrive": "24h"}
    first = check([{"id": A, "last_successful_backup_within": rule}], workload_jobs(**{A: EXCHANGE_FAILING}))
    path = tmp_path / "compliance.json"
    path.write_text(json.dumps(first))
    recovered = dict(EXCHANGE_FAILING, **{"Exchange Online": "2026-12-02T09:00:00Z"})
    second = check([{"id": A, "last_successful_backup_within": rule}], workload_jobs(**{A: recovered}), now="2026-12-02T10:00:00Z")
    previous, warning = read_previous_report(str(path))
    mark_changes(second, previous, str(path), warning)
    assert [(f["workload"], f["change"]) for f in second["drifted"][0]["fields"]] == [("OneDrive", "persisting")]
    assert [(r["field"], r["workload"]) for r in second["resolved"]] == [("last_successful_backup_within", "Exchange Online")]
    assert "+ Contoso (%s) last_successful_backup[Exchange Online]: resolved (first seen 2026-12-02T10:00Z)" % A in summary_lines(second)


def test_the_html_report_has_a_workload_view_with_drifted_rows_first():
    rule = {"Exchange Online": "24h", "SharePoint Online": "24h"}
    result = check([{"id": A, "last_successful_backup_within": rule}, {"id": B, "last_successful_backup_within": rule},
                    {"id": C, "job_status": "Working"}],
                   workload_jobs(**{A: {"Exchange Online": "2026-12-02T01:00:00Z", "SharePoint Online": "2026-12-02T02:00:00Z"},
                                    B: EXCHANGE_FAILING}))
    page = html_report(result)
    customers, workloads = page.split('id="customers"')[1].split('id="workloads"')
    assert '<td class="drift" data-sort="0|Exchange Online">Exchange Online<span class="expected">1 of 2 workloads drift</span></td>' in customers
    assert '<td class="ok" data-sort="1|">2 workloads ok</td>' in customers
    head = workloads.split("</thead>")[0]
    assert head.count("<th>") == 5 and ">Exchange Online</button>" in head and ">SharePoint Online</button>" in head
    rows = workloads.split("<tbody>")[1].split("</tr>")
    assert 'class="status-drifted" data-customer-id="%s"' % B in rows[0] and 'data-customer-id="%s"' % A in rows[1]
    assert ('<td class="has-drift" data-sort="0|2026-11-28T20:00:00Z"><span class="finding drift"><span class="nowrap">86h ago</span> '
            '<span class="nowrap">(2026-11-28T20:00Z)</span><span class="expected">expected within 24h</span></span></td>') in rows[0]
    assert C not in workloads  # no rule of C checks a workload


def test_the_recency_rule():
    now = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
    assert succeeded_within("2026-11-28T08:00:00Z", 24 * 3600, now)
    assert not succeeded_within("2026-11-28T07:59:59Z", 24 * 3600, now)
    assert not succeeded_within(None, 10 ** 9, now)
