"""The compliance rule last_successful_backup_within: declaration, the duration comparison, the jobs input, reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import (
    failure_message, html_report, junit_xml, summary_lines)
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError

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
    ({"hours": 24}, "must be a duration such as"),
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
    assert "<th>last_successful_backup</th>" in page
    assert '<td class="drift">74h ago (2026-11-29T08:00Z)<span class="expected">expected within 24h</span></td>' in page
    assert '<td class="drift">none<span class="expected">expected within 24h</span></td>' in page
    assert '<td class="ok">5h ago (2026-12-02T04:30Z)</td>' in page
