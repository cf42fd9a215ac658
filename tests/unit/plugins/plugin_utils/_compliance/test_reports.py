"""Renderings of a compliance result, and the filter plugin around them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.avepoint.graph.plugins.filter.compliance import FilterModule
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import mark_changes
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, show_value, summary_lines


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
HOSTILE = "<script>alert(1)</script> & {{ lookup('pipe', 'id') }} \x07\"Evil\""
CUSTOMERS = [
    {"id": A, "organization": "Contoso", "job_status": "Working", "country_or_region": "Vietnam"},
    {"id": B, "organization": HOSTILE, "job_status": "Failed", "country_or_region": "France "},
    {"id": C, "organization": None, "job_status": "Working", "country_or_region": None},
]
EXPECTED = [
    {"id": A, "job_status": "Working"},
    {"id": B, "job_status": ["Working", "No backup updates"], "country_or_region": "Vietnam"},
    {"id": C, "country_or_region": "Japan"},
    {"id": UNKNOWN, "name": "Ghost"},
]


@pytest.fixture
def result():
    return check_compliance(CUSTOMERS, parse_declaration(EXPECTED, match="exact"))


SHOWN = HOSTILE.replace("\x07", "\\u0007")  # as a message shows it: never a raw control character


def test_plan_lines(result):
    assert summary_lines(result) == [
        "3 of 4 customers drift:",
        "~ %s (%s) job_status: expected one of Working, No backup updates, got Failed" % (SHOWN, B),
        '~ %s (%s) country_or_region: expected Vietnam, got "France "' % (SHOWN, B),
        "~ (%s) country_or_region: expected Japan, got (none)" % C,
        "- Ghost (%s) not found" % UNKNOWN,
        "Summary: 1 compliant, 2 drifted, 1 missing",
    ]


def test_clean_plan_line():
    clean = check_compliance(CUSTOMERS[:1], parse_declaration(EXPECTED[:1]))
    assert summary_lines(clean) == ["all 1 customer compliant"]
    assert failure_message(clean) == ""


def test_failure_message_names_every_customer(result):
    message = failure_message(result)
    assert message.startswith("customer compliance failed for 3 of 4 customers; 2 drifted: ")
    for customer_id in (B, C, UNKNOWN):
        assert customer_id in message
    assert A not in message
    assert "1 not found: Ghost (%s)" % UNKNOWN in message
    assert "2 drifted: %s (%s) [job_status, country_or_region]" % (SHOWN, B) in message


# What a terminal or CI log must never receive from API text: escape sequences, bells, NULs, C1
# controls, DEL, and line breaks or tabs that would forge or shift lines of the log.
CONTROL_NAME = "ctl:\u001b[31mRED\u0007\u0000end\t\n\r\u009b\u007f"
CONTROL_SHOWN = "ctl:\\u001b[31mRED\\u0007\\u0000end\\u0009\\u000a\\u000d\\u009b\\u007f"


def raw_controls(text):
    return [ch for ch in text if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0]


@pytest.fixture
def controlled():
    customers = [{"id": A, "organization": CONTROL_NAME, "job_status": "Failed", "country_or_region": "Fr\u001bance"}]
    checked = check_compliance(customers, parse_declaration([{"id": A, "job_status": "Working", "country_or_region": "France"},
                                                             {"id": B, "name": "Ghost\u0007"}]))
    mark_changes(checked, None, "compliance.json")
    checked["resolved"] = [{"id": C, "name": "Gone\u001b[2J", "field": "job_status\u0007", "first_seen": None}]
    return checked


def test_plan_lines_and_the_failure_message_show_control_characters_escaped(controlled):
    lines = summary_lines(controlled)
    message = failure_message(controlled)
    assert not raw_controls("".join(lines) + message)
    assert "~ %s (%s) job_status: expected Working, got Failed [new]" % (CONTROL_SHOWN, A) in lines
    assert "~ %s (%s) country_or_region: expected France, got Fr\\u001bance [new]" % (CONTROL_SHOWN, A) in lines
    assert "- Ghost\\u0007 (%s) not found [new]" % B in lines
    assert "+ Gone\\u001b[2J (%s) job_status\\u0007: resolved" % C in lines  # from a previous report file
    assert "1 drifted: %s (%s) [job_status, country_or_region]" % (CONTROL_SHOWN, A) in message


def test_reports_keep_tabs_and_line_breaks_but_no_other_control_character(controlled):
    testcase = ET.fromstring(junit_xml(controlled).encode("utf-8")).find("testsuite").find("testcase")
    assert testcase.get("name") == "ctl:\\u001b[31mRED\\u0007\\u0000end\t\n\r\\u009b\\u007f (%s)" % A
    page = html_report(controlled)
    assert "ctl:\\u001b[31mRED\\u0007\\u0000end\t\n\r\\u009b\\u007f" in page
    assert not [ch for ch in raw_controls(page) if ch not in "\t\n\r"]


@pytest.mark.parametrize("value, shown", [(None, "(none)"), ("", '""'), ("Viet Nam", "Viet Nam"), (" x", '" x"'), ("a  b", '"a  b"')])
def test_show_value(value, shown):
    assert show_value(value) == shown


def test_junit_counts_and_failures(result):
    root = ET.fromstring(junit_xml(result).encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suite = root.find("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "3" and suite.get("errors") == "0"
    cases = suite.findall("testcase")
    assert len(cases) == 4
    failures = {case.get("name"): case.find("failure") for case in cases}
    assert failures["Contoso (%s)" % A] is None
    assert failures["Ghost (%s)" % UNKNOWN].get("type") == "missing"
    drift = [f for name, f in failures.items() if B in name][0]
    assert drift.get("type") == "drift" and "got Failed" in drift.get("message")
    assert "\x07" not in drift.get("message")  # not representable in XML 1.0
    assert [c.get("name") for c in cases if B in c.get("name")][0].startswith(HOSTILE.replace("\x07", "\\u0007"))


class TableRows(HTMLParser):
    """Collects the text of each table row by its class, and counts the scripts."""

    def __init__(self):
        super().__init__()
        self.rows, self.current, self.drift_cells, self.in_drift, self.scripts = [], None, [], False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and attrs.get("class", "").startswith("status-"):
            self.current = {"class": attrs["class"], "id": attrs.get("data-customer-id"), "text": ""}
            self.rows.append(self.current)
        if tag == "td" and attrs.get("class") == "drift":
            self.in_drift = True
            self.drift_cells.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self.in_drift = False

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data
        if self.in_drift:
            self.drift_cells[-1] += data


def test_html_escapes_and_highlights(result):
    page = html_report(result, title="Nightly <check>")
    assert page.count("<script>") == 1 and "&lt;script&gt;alert(1)" in page  # its own script only; API text is text
    assert "<title>Nightly &lt;check&gt;</title>" in page
    assert "http" not in page.replace("http-equiv", "")  # self-contained: nothing to load
    parser = TableRows()
    parser.feed(page)
    assert parser.scripts == 1
    assert [(row["class"], row["id"]) for row in parser.rows] == [
        ("status-drifted", B), ("status-drifted", C), ("status-missing", UNKNOWN), ("status-compliant", A)]
    # shown as text, not markup; the control character visible as an escape, never raw
    assert HOSTILE.replace("\x07", "\\u0007") in parser.rows[0]["text"]
    assert "\x07" not in page
    assert parser.drift_cells == ["Failedexpected one of Working, No backup updates", '"France "expected Vietnam', "(none)expected Japan"]


def test_filters_wrap_errors():
    filters = FilterModule().filters()
    assert set(filters) == {"compliance_declaration", "compliance_check", "compliance_summary_lines",
                            "compliance_failure_message", "compliance_junit", "compliance_html"}
    with pytest.raises(AnsibleFilterError, match=r"avepoint.graph.compliance_declaration: invalid customer ID"):
        filters["compliance_declaration"]([{"id": "nope"}])
    with pytest.raises(AnsibleFilterError, match="pass the output of avepoint.graph.compliance_check"):
        filters["compliance_html"]({"summary": {}})
    checked = filters["compliance_check"]({"customers": CUSTOMERS}, EXPECTED, scope="listed", match="exact")
    assert json.loads(json.dumps(checked))["summary"] == {"total": 4, "compliant": 1, "drifted": 2, "missing": 1}
    assert filters["compliance_declaration"](EXPECTED)["ids"] == [A, B, C, UNKNOWN]
    assert filters["compliance_summary_lines"](checked) == summary_lines(checked)
    assert filters["compliance_failure_message"](checked) == failure_message(checked)
    assert filters["compliance_junit"](checked, suite_name="nightly").count('name="nightly"') == 2 + 4


def test_every_control_character_survives_into_valid_html_and_xml():
    nasty = "".join(chr(code) for code in range(0x00, 0xa0)) + "\ud800\ufffe\uffff"
    result = {"summary": {"total": 1, "compliant": 0, "drifted": 1, "missing": 0}, "compliant": [], "missing": [],
              "drifted": [{"id": A, "name": nasty, "organization": nasty,
                           "fields": [{"field": "country_or_region", "expected": [nasty], "actual": nasty}]}],
              "customers": [{"id": A, "name": nasty, "organization": nasty, "status": "drifted",
                             "fields": [{"field": "country_or_region", "expected": [nasty], "actual": nasty, "ok": False}]}]}
    page = html_report(result)
    assert not any(0 < ord(ch) < 0x20 and ch not in "\t\n\r" or 0x7f <= ord(ch) < 0xa0 for ch in page)
    page.encode("utf-8")  # no lone surrogate left
    root = ET.fromstring(junit_xml(result).encode("utf-8"))  # parses: nothing XML 1.0 forbids
    assert "\\u0007" in root.find("testsuite").find("testcase").get("name")
