# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderings of a customer compliance result: plan lines, failure message, JUnit XML (the HTML page: html.py).

Every function takes the plain-data result of ``check.check_compliance`` (marked by
``changes.mark_changes`` when a previous report was given). Text from the API (organization
names, fact values) is escaped for the target format, control characters included (see
module_utils/_shown.py): the plan lines and the failure message are one line each, the HTML
and JUnit reports keep tabs and line breaks. Nothing here ever sees a credential. How a checked
fact reads (``expected X, got Y``) comes from its rule.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._shown import printable
from ansible_collections.avepoint.graph.plugins.module_utils._times import parse_time

from .changes import CHANGE_NEW
from .check import STATUS_DRIFTED, STATUS_MISSING
from .recency import show_time
from .rules import RULES_BY_KEY, Shown, finding_label

Result = Mapping[str, Any]


def show_value(value: Any) -> str:
    """A fact value for people: quoted only when white space or emptiness would hide it."""
    if value is None:
        return "(none)"
    text = str(value)
    if not text or text != text.strip() or "  " in text:
        return json.dumps(text)
    return text


def show_expected(allowed: Any) -> str:
    values = allowed if isinstance(allowed, list) else [allowed]
    if len(values) == 1:
        return show_value(values[0])
    return "one of " + ", ".join(show_value(v) for v in values)


def customer_label(customer: Mapping[str, Any]) -> str:
    """'Contoso (id)' or '(id)' when the customer has no name."""
    name = customer.get("name") or customer.get("organization")
    return "%s (%s)" % (name, customer["id"]) if name else "(%s)" % customer["id"]


def reference_time(result: Result) -> Optional[datetime]:
    """The time the result was checked at (None for a result without one)."""
    try:
        return parse_time(result["checked_at"])
    except (KeyError, ValueError):
        return None


def shown(item: Mapping[str, Any], now: Optional[datetime] = None) -> Shown:
    """A checked fact (an item of a customer's ``fields``) as its rule writes it."""
    rule = RULES_BY_KEY.get(item["field"])
    if rule is not None and rule.show is not None:
        return rule.show(item, now)
    actual = show_value(item["actual"])
    return Shown(item["field"], show_expected(item["expected"]), actual, "got " + actual)


def field_label(name: str) -> str:
    """What the reports call a checked fact (a rule may name it differently from its declaration key)."""
    rule = RULES_BY_KEY.get(name)
    return (rule.label if rule is not None else None) or name


def drift_text(item: Mapping[str, Any], now: Optional[datetime] = None) -> str:
    text = shown(item, now)
    if not text.expected:  # what was found says what was expected (seats: "100 purchased, 124 licenses assigned")
        return "%s: %s" % (text.label, text.found)
    return "%s: expected %s, %s" % (text.label, text.expected, text.found)


def change_text(marked: Mapping[str, Any]) -> str:
    """`` [new]``, `` [persisting since 2026-11-28T08:00Z]``, or '' for an unmarked finding."""
    change = marked.get("change")
    if not change:
        return ""
    if change != CHANGE_NEW and marked.get("first_seen"):
        return " [%s since %s]" % (change, show_time(marked["first_seen"]))
    return " [%s]" % change


def resolved_text(finding: Mapping[str, Any]) -> str:
    """A resolved finding: ``Contoso (id) job_status: resolved (first seen 2026-11-27T08:00Z)``."""
    what = finding_label(finding) if finding.get("field") else "not found"
    since = " (first seen %s)" % show_time(finding["first_seen"]) if finding.get("first_seen") else ""
    return "%s %s: resolved%s" % (customer_label(finding), what, since)


def _compared(result: Result) -> bool:
    return "previous_report" in result


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def summary_lines(result: Result) -> list[str]:
    """Plan-style lines: a header, one ``~`` line per drifted field, one ``-`` line per missing customer.

    Each line is printable (no control character of API text, no line break in it).
    """
    return [printable(line) for line in _plan_lines(result)]


def _plan_lines(result: Result) -> list[str]:
    summary = result["summary"]
    total = summary["total"]
    failing = summary["drifted"] + summary["missing"]
    resolved = result.get("resolved") or []
    if not failing:
        head = ["all %d %s compliant" % (total, _plural(total, "customer", "customers"))]
        if not resolved:
            return head
        return head + ["+ " + resolved_text(finding) for finding in resolved] + [_summary_line(result)]
    now = reference_time(result)
    lines = ["%d of %d %s:" % (failing, total, _plural(total, "customer drifts", "customers drift"))]
    for customer in result["drifted"]:
        label = customer_label(customer)
        lines.extend("~ %s %s%s" % (label, drift_text(item, now), change_text(item)) for item in customer["fields"])
    lines.extend("- %s not found%s" % (customer_label(row), change_text(row)) for row in _missing_rows(result))
    lines.extend("+ " + resolved_text(finding) for finding in resolved)
    lines.append(_summary_line(result))
    return lines


def _summary_line(result: Result) -> str:
    summary = result["summary"]
    line = "Summary: %d compliant, %d drifted, %d missing" % (summary["compliant"], summary["drifted"], summary["missing"])
    if _compared(result):
        line += "; %d new, %d persisting, %d resolved" % (summary["new"], summary["persisting"], summary["resolved"])
    return line


def failure_message(result: Result) -> str:
    """One printable line naming every drifted and missing customer ('' when all are compliant)."""
    parts = []
    if result["drifted"]:
        parts.append("%d drifted: %s" % (len(result["drifted"]), ", ".join(
            "%s [%s]" % (customer_label(c), ", ".join(finding_label(item) for item in c["fields"])) for c in result["drifted"])))
    if result["missing"]:
        parts.append("%d not found: %s" % (len(result["missing"]), ", ".join(customer_label(row) for row in _missing_rows(result))))
    if not parts:
        return ""
    if _compared(result):
        summary = result["summary"]
        parts.append("since the previous report: %d new, %d persisting, %d resolved" % (summary["new"], summary["persisting"], summary["resolved"]))
    return printable("customer compliance failed for %d of %d customers; %s" % (
        len(result["drifted"]) + len(result["missing"]), result["summary"]["total"], "; ".join(parts)))


def _missing_rows(result: Result) -> list[Mapping[str, Any]]:
    """The missing customers in the order of ``missing``, with their declared names and change marks."""
    rows = {row["id"]: row for row in result.get("customers", []) if row.get("status") == STATUS_MISSING}
    return [rows.get(customer_id, {"id": customer_id}) for customer_id in result["missing"]]


def _xml_text(value: Any) -> str:
    # XML 1.0 cannot carry most control characters at all; tabs and line breaks it can.
    return printable(str(value), layout=True)


def junit_xml(result: Result, suite_name: str = "customer_compliance") -> str:
    """JUnit XML: one testcase per customer, a <failure> per drifted or missing customer."""
    summary = result["summary"]
    failures = summary["drifted"] + summary["missing"]
    counts = {"tests": str(summary["total"]), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": _xml_text(suite_name), **counts})
    suite = ET.SubElement(root, "testsuite", {"name": _xml_text(suite_name), **counts})
    if _compared(result):
        properties = ET.SubElement(suite, "properties")
        for key in ("new", "persisting", "resolved"):
            ET.SubElement(properties, "property", {"name": key, "value": str(summary[key])})
    now = reference_time(result)
    resolved: dict[str, list[str]] = {}
    for finding in result.get("resolved") or []:
        resolved.setdefault(finding["id"], []).append(resolved_text(finding))
    for row in result["customers"]:
        case = ET.SubElement(suite, "testcase", {"classname": _xml_text(suite_name), "name": _xml_text(customer_label(row))})
        if row["status"] == STATUS_DRIFTED:
            drifts = [drift_text(item, now) + change_text(item) for item in row["fields"] if not item["ok"]]
            failure = ET.SubElement(case, "failure", {"type": "drift", "message": _xml_text("; ".join(drifts))})
            failure.text = _xml_text("\n".join(drifts))
        elif row["status"] == STATUS_MISSING:
            message = _xml_text("customer %s not found%s" % (row["id"], change_text(row)))
            failure = ET.SubElement(case, "failure", {"type": "missing", "message": message})
            failure.text = message
        if row["id"] in resolved:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(resolved[row["id"]]))
    if hasattr(ET, "indent"):  # Python 3.9+: readable output; older ones still get valid XML
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
