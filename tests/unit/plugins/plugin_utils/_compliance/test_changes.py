"""Drift since the last run: findings marked new, persisting (since when) or resolved against a previous JSON report."""

from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.avepoint.graph.plugins.filter import compliance as compliance_filters
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance import changes
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import MAX_REPORT_BYTES, mark_changes, previous_report, read_previous_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, summary_lines


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
MONDAY, TUESDAY, WEDNESDAY = "2026-11-30T06:00:00Z", "2026-12-01T06:00:00Z", "2026-12-02T06:00:00Z"


def customer(customer_id, organization, job_status="Working", code=1, country="Vietnam"):
    return {"id": customer_id, "organization": organization, "job_status": job_status, "job_status_code": code,
            "country_or_region": country}


def run(customers, expected, now, previous=None, **kwargs):
    """One run: the result, compared with ``previous`` (an earlier result, as its JSON report) when given."""
    result = check_compliance(customers, parse_declaration(expected, now=now, **kwargs))
    if previous is not None:
        mark_changes(result, previous_report(json.loads(json.dumps(previous))), "previous.json")
    return result


EXPECTED = [{"id": A, "name": "Contoso"}, {"id": B}, {"id": C}, {"id": UNKNOWN, "name": "Ghost"}]
DEFAULTS = {"job_status": "Working", "country_or_region": "Vietnam"}


@pytest.fixture
def three_runs():
    monday = run([customer(A, "Contoso", "Failed", 2), customer(B, "Fabrikam"), customer(C, "Northwind", country="France")],
                 EXPECTED, MONDAY, defaults=DEFAULTS)
    # Tuesday: A still failed; B now in France (new); C fixed (resolved); Ghost still missing
    tuesday = run([customer(A, "Contoso", "Failed", 2), customer(B, "Fabrikam", country="France"), customer(C, "Northwind")],
                  EXPECTED, TUESDAY, previous=monday, defaults=DEFAULTS)
    # Wednesday: A still failed, B still in France, C fine; Ghost found
    wednesday = run([customer(A, "Contoso", "Failed", 2), customer(B, "Fabrikam", country="France"), customer(C, "Northwind"),
                     customer(UNKNOWN, "Ghost Ltd")], EXPECTED, WEDNESDAY, previous=tuesday, defaults=DEFAULTS)
    return monday, tuesday, wednesday


def marks(result):
    """(customer ID, field or None for "not found") -> (change, first seen) of every current finding."""
    found = {(row["id"], None): (row["change"], row["first_seen"]) for row in result["customers"] if row["status"] == "missing"}
    for row in result["customers"]:
        found.update(((row["id"], item["field"]), (item["change"], item["first_seen"])) for item in row["fields"] if not item["ok"])
    return found


def test_new_persisting_and_resolved_with_the_first_seen_time_carried_forward(three_runs):
    monday, tuesday, wednesday = three_runs
    assert "previous_report" not in monday and "change" not in json.dumps(monday)  # no previous report: no marks
    assert marks(tuesday) == {
        (A, "job_status"): ("persisting", MONDAY), (B, "country_or_region"): ("new", TUESDAY), (UNKNOWN, None): ("persisting", MONDAY)}
    assert tuesday["resolved"] == [{"id": C, "name": "Northwind", "field": "country_or_region", "first_seen": MONDAY}]
    assert tuesday["summary"] == {"total": 4, "compliant": 1, "drifted": 2, "missing": 1, "new": 1, "persisting": 2, "resolved": 1}
    assert tuesday["previous_report"] == {"path": "previous.json", "checked_at": MONDAY, "format_version": 2, "warning": None}
    # the drifted list carries the same marks as the rows
    assert tuesday["drifted"][1]["fields"] == [{"field": "country_or_region", "expected": ["Vietnam"], "actual": "France",
                                                "change": "new", "first_seen": TUESDAY}]
    # Monday's time survives a second comparison; the found customer's "not found" is resolved
    assert marks(wednesday) == {(A, "job_status"): ("persisting", MONDAY), (B, "country_or_region"): ("persisting", TUESDAY)}
    assert wednesday["resolved"] == [{"id": UNKNOWN, "name": "Ghost", "field": None, "first_seen": MONDAY}]
    assert (wednesday["summary"]["new"], wednesday["summary"]["persisting"], wednesday["summary"]["resolved"]) == (0, 2, 1)


def test_the_plan_lines_failure_message_junit_and_html_mark_each_finding(three_runs):
    tuesday = three_runs[1]
    assert summary_lines(tuesday) == [
        "3 of 4 customers drift:",
        "~ Contoso (%s) job_status: expected Working, got Failed [persisting since 2026-11-30T06:00Z]" % A,
        "~ Fabrikam (%s) country_or_region: expected Vietnam, got France [new]" % B,
        "- Ghost (%s) not found [persisting since 2026-11-30T06:00Z]" % UNKNOWN,
        "+ Northwind (%s) country_or_region: resolved (first seen 2026-11-30T06:00Z)" % C,
        "Summary: 1 compliant, 2 drifted, 1 missing; 1 new, 2 persisting, 1 resolved",
    ]
    assert failure_message(tuesday).endswith("; since the previous report: 1 new, 2 persisting, 1 resolved")
    suite = ET.fromstring(junit_xml(tuesday).encode("utf-8")).find("testsuite")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")} == {"new": "1", "persisting": "2", "resolved": "1"}
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["Fabrikam (%s)" % B].find("failure").get("message").endswith(" [new]")
    assert cases["Ghost (%s)" % UNKNOWN].find("failure").text == "customer %s not found [persisting since 2026-11-30T06:00Z]" % UNKNOWN
    assert cases["Northwind (%s)" % C].find("failure") is None
    assert cases["Northwind (%s)" % C].find("system-out").text == (
        "Northwind (%s) country_or_region: resolved (first seen 2026-11-30T06:00Z)" % C)
    page = html_report(tuesday)
    assert '<div class="card new"><span class="count">1</span>new findings</div>' in page
    assert '<span class="change new">new</span>' in page
    assert '<span class="change persisting">persisting since 2026-11-30T06:00Z</span>' in page
    assert "<h2>Resolved since the previous report (checked at 2026-11-30T06:00Z): 1</h2>" in page
    assert ('<tr class="resolved" data-customer-id="%s"><td>Northwind</td><td class="id">%s</td><td>country_or_region</td>'
            "<td>2026-11-30T06:00Z</td></tr>" % (C, C)) in page


def test_all_compliant_with_resolved_findings(three_runs):
    monday = three_runs[0]
    fixed = run([customer(A, "Contoso"), customer(B, "Fabrikam"), customer(C, "Northwind"), customer(UNKNOWN, "Ghost Ltd")],
                EXPECTED, TUESDAY, previous=monday, defaults=DEFAULTS)
    lines = summary_lines(fixed)
    assert lines[0] == "all 4 customers compliant" and len(lines) == 5
    assert lines[-1] == "Summary: 4 compliant, 0 drifted, 0 missing; 0 new, 0 persisting, 3 resolved"
    assert failure_message(fixed) == ""
    unchanged = run([customer(A, "Contoso")], [{"id": A}], TUESDAY, previous=run([customer(A, "Contoso")], [{"id": A}], MONDAY))
    assert summary_lines(unchanged) == ["all 1 customer compliant"]


def test_findings_no_longer_checked_are_dropped_not_resolved(three_runs):
    monday = three_runs[0]
    # A no longer listed, C's country no longer checked, B now missing: none of these says a drift was fixed
    later = run([customer(C, "Northwind", country="France")], [{"id": B}, {"id": C, "job_status": "Working"}], TUESDAY, previous=monday)
    assert later["resolved"] == []
    assert marks(later) == {(B, None): ("new", TUESDAY)}


def test_a_drift_that_changes_value_persists():
    monday = run([customer(A, "Contoso", "Failed", 2)], [{"id": A, "job_status": "Working"}], MONDAY)
    tuesday = run([customer(A, "Contoso", "No backup updates", 6)], [{"id": A, "job_status": "Working"}], TUESDAY, previous=monday)
    assert marks(tuesday) == {(A, "job_status"): ("persisting", MONDAY)}


def test_a_report_without_marks_dates_its_findings_by_its_own_time_and_a_1_0_report_leaves_them_undated():
    monday = run([customer(A, "Contoso", "Failed", 2)], [{"id": A, "job_status": "Working"}], MONDAY)
    assert previous_report(monday).findings == {(A, "job_status"): {"name": "Contoso", "first_seen": MONDAY}}
    version_1 = {key: value for key, value in copy.deepcopy(monday).items() if key not in ("format_version", "checked_at")}
    report = previous_report(version_1)
    assert report.format_version == 1 and report.checked_at is None
    tuesday = run([customer(A, "Contoso", "Failed", 2)], [{"id": A, "job_status": "Working"}], TUESDAY)
    mark_changes(tuesday, report, "old.json")
    assert marks(tuesday) == {(A, "job_status"): ("persisting", None)}
    assert summary_lines(tuesday)[1].endswith("got Failed [persisting]")


@pytest.mark.parametrize("document, reason", [
    ([], "not a JSON object"),
    ({"format_version": 3, "customers": []}, "format_version 3 is newer than this collection reads (2)"),
    ({"format_version": "2", "customers": []}, "format_version '2' is not a format version"),
    ({"format_version": 2}, "no customers list"),
    ({"customers": [{"id": A, "status": "fine", "fields": []}]}, "customers[0] is not a checked customer"),
    ({"customers": [{"id": A, "status": "drifted", "fields": [{"field": "job_status"}]}]}, "customers[0].fields[0] is not a checked fact"),
    ({"checked_at": "Monday", "customers": []}, "checked_at has the time 'Monday', which is not ISO 8601"),
    ({"customers": [{"id": A, "status": "missing", "fields": [], "first_seen": 5}]}, "customers[0] has the time '5'"),
])
def test_malformed_previous_reports_say_what_is_wrong(document, reason):
    with pytest.raises(ValueError) as error:
        previous_report(document)
    assert reason in str(error.value)


def test_reading_a_previous_report(tmp_path):
    monday = run([customer(A, "Contoso", "Failed", 2)], [{"id": A, "job_status": "Working"}], MONDAY)
    good = tmp_path / "compliance.json"
    good.write_text(json.dumps(monday))
    report, warning = read_previous_report(str(good))
    assert warning is None and report.checked_at == MONDAY and list(report.findings) == [(A, "job_status")]
    (tmp_path / "latin1.json").write_bytes(b'{"customers": ["caf\xe9"]}')
    (tmp_path / "text.json").write_text("<html>login</html>")
    (tmp_path / "list.json").write_text("[]")
    cases = {
        "absent.json": "there is no previous report at %s/absent.json (the first run?): every finding is counted as new",
        "": "cannot read the previous report %s/ (Is a directory)",  # a directory
        "latin1.json": "cannot read the previous report %s/latin1.json (UnicodeDecodeError)",
        "text.json": "the previous report %s/text.json is not a compliance JSON report (Expecting value: line 1 column 1",
        "list.json": "is not a compliance JSON report (not a JSON object): every finding is counted as new",
    }
    for name, message in cases.items():
        report, warning = read_previous_report(str(tmp_path / name) + ("/" if not name else ""))
        assert report is None and (message % tmp_path if "%s" in message else message) in warning, warning


def test_only_a_regular_file_is_read_as_the_previous_report(tmp_path):
    fifo = tmp_path / "compliance.json"
    os.mkfifo(str(fifo))  # opening it to read would wait for a writer
    report, warning = read_previous_report(str(fifo))
    assert report is None and warning == ("cannot read the previous report %s (not a regular file but a FIFO): every finding "
                                          "is counted as new" % fifo)
    report, warning = read_previous_report("/dev/zero")  # endless
    assert report is None and "cannot read the previous report /dev/zero (not a regular file but a character device)" in warning


def test_the_previous_report_is_read_up_to_a_size_cap(tmp_path):
    assert MAX_REPORT_BYTES == 64 * 1024 * 1024
    document = json.dumps(run([customer(A, "Contoso", "Failed", 2)], [{"id": A, "job_status": "Working"}], MONDAY))
    path = tmp_path / "compliance.json"
    path.write_text(document)
    size = len(document.encode())
    report, warning = read_previous_report(str(path), limit=size)
    assert warning is None and list(report.findings) == [(A, "job_status")]
    report, warning = read_previous_report(str(path), limit=size - 1)
    assert report is None and warning == ("cannot read the previous report %s (larger than %d bytes, more than a compliance "
                                          "report ever is): every finding is counted as new" % (path, size - 1))
    path.write_bytes(b" " * (3 * 1024 * 1024 + 1))
    assert "(larger than 3 MiB, more than a compliance report ever is)" in read_previous_report(str(path), limit=3 * 1024 * 1024)[1]


def test_the_filter_warns_and_counts_everything_new_when_the_previous_report_is_unusable(tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(compliance_filters.display, "warning", warnings.append)
    check = compliance_filters.FilterModule().filters()["compliance_check"]
    customers = [customer(A, "Contoso", "Failed", 2)]
    bad = tmp_path / "compliance.json"
    bad.write_text("{")
    result = check(customers, [{"id": A, "job_status": "Working"}], now=TUESDAY, previous_report=str(bad))
    assert warnings == ["avepoint.graph.compliance_check: the previous report %s is not a compliance JSON report "
                        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1)): every finding is counted as new" % bad]
    assert result["summary"]["new"] == 1 and result["previous_report"]["warning"] in warnings[0]
    assert "%s is not a compliance JSON report" % bad in html_report(result)
    # a usable one: nothing to warn about; an empty path compares with nothing
    bad.write_text(json.dumps(run(customers, [{"id": A, "job_status": "Working"}], MONDAY)))
    result = check(customers, [{"id": A, "job_status": "Working"}], now=TUESDAY, previous_report=str(bad))
    assert len(warnings) == 1 and result["summary"]["persisting"] == 1
    assert "previous_report" not in check(customers, [{"id": A, "job_status": "Working"}], previous_report="")
    # too large for the cap (64 MiB, here 10 bytes), and a FIFO: a warning each, the check runs
    monkeypatch.setattr(changes, "MAX_REPORT_BYTES", 10)
    result = check(customers, [{"id": A, "job_status": "Working"}], now=TUESDAY, previous_report=str(bad))
    assert result["summary"]["new"] == 1 and "larger than 10 bytes" in warnings[-1] and len(warnings) == 2
    fifo = tmp_path / "fifo.json"
    os.mkfifo(str(fifo))
    result = check(customers, [{"id": A, "job_status": "Working"}], now=TUESDAY, previous_report=str(fifo))
    assert result["summary"]["new"] == 1 and result["previous_report"]["warning"] in warnings[-1] and len(warnings) == 3
    # a path is user text, shown printable like API text
    check(customers, [{"id": A, "job_status": "Working"}], now=TUESDAY, previous_report=str(tmp_path / "x\u001b[2J.json"))
    assert "x\\u001b[2J.json (the first run?)" in warnings[-1]
