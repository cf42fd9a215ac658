# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderings of a customer compliance result: plan lines, failure message, JUnit XML, HTML.

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
from html import escape
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._shown import printable
from ansible_collections.avepoint.graph.plugins.module_utils._times import parse_time

from .changes import CHANGE_NEW
from .check import STATUS_COMPLIANT, STATUS_DRIFTED, STATUS_MISSING
from .recency import show_time
from .rules import RULES_BY_KEY, Shown, finding_item, finding_label

Result = Mapping[str, Any]


def _html(value: Any) -> str:
    # A page shows tabs and line breaks as spaces; every other control character as \uXXXX.
    return escape(printable(str(value), layout=True))


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


_STATUS_ORDER = {STATUS_DRIFTED: 0, STATUS_MISSING: 1, STATUS_COMPLIANT: 2}

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1f2933; background: #f7f9fb; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
p.meta { color: #52606d; margin-top: 0; }
.cards { display: flex; gap: 1rem; margin: 1.2rem 0; }
.card { background: #fff; border-radius: 8px; padding: 0.8rem 1.4rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); min-width: 7rem; }
.card .count { font-size: 2rem; font-weight: 700; display: block; }
.card.compliant .count { color: #1e8e3e; } .card.drifted .count { color: #c5221f; } .card.missing .count { color: #b06000; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
th, td { text-align: left; padding: 0.45rem 0.7rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #243b53; color: #fff; }
td.id { font-family: ui-monospace, monospace; font-size: 0.85rem; color: #52606d; }
td.drift { background: #fde2e1; color: #8a1c1c; font-weight: 600; }
td.drift .expected { display: block; font-weight: 400; font-size: 0.85rem; }
.badge { border-radius: 999px; padding: 0.1rem 0.6rem; font-size: 0.8rem; font-weight: 600; color: #fff; }
.badge.compliant { background: #1e8e3e; } .badge.drifted { background: #c5221f; } .badge.missing { background: #b06000; }
td.unchecked { color: #9aa5b1; }
.change { display: inline-block; margin-top: 0.2rem; border-radius: 4px; padding: 0 0.4rem; font-size: 0.75rem; font-weight: 600; }
.change.new { background: #c5221f; color: #fff; } .change.persisting { background: #fff4e5; color: #8a4b00; }
.card.new .count { color: #c5221f; } .card.persisting .count { color: #b06000; } .card.resolved .count { color: #1e8e3e; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
p.warning { background: #fff4e5; color: #8a4b00; padding: 0.5rem 0.8rem; border-radius: 6px; }
"""

_CARDS = (("total", "customers"), ("compliant", "compliant"), ("drifted", "drifted"), ("missing", "not found"))
_CHANGE_CARDS = (("new", "new findings"), ("persisting", "persisting"), ("resolved", "resolved"))


def html_report(result: Result, title: str = "Customer compliance") -> str:
    """A self-contained HTML page: summary counts and a table of customers, drifted fields highlighted."""
    summary = result["summary"]
    columns = _checked_columns(result)
    now = reference_time(result)
    rows = sorted(result["customers"], key=lambda row: _STATUS_ORDER.get(row["status"], 3))
    cards = "".join(
        '<div class="card %s"><span class="count">%d</span>%s</div>' % (key, summary[key], label)
        for key, label in _CARDS + (_CHANGE_CARDS if _compared(result) else ())
    )
    head = "".join("<th>%s</th>" % _html(name) for name in ["Status", "Customer", "ID"] + [field_label(c) for c in columns])
    body = "\n".join(_html_row(row, columns, now) for row in rows)
    meta = ["scope: %s" % result.get("scope", ""), "match: %s" % result.get("match", "")]
    if result.get("checked_at"):
        meta.append("checked at %s" % show_time(result["checked_at"]))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>%(title)s</title>\n<style>%(style)s</style>\n</head>\n<body>\n"
        "<h1>%(title)s</h1>\n<p class=\"meta\">%(headline)s &middot; %(meta)s</p>\n"
        "<div class=\"cards\">%(cards)s</div>\n"
        "<table>\n<thead><tr>%(head)s</tr></thead>\n<tbody>\n%(body)s\n</tbody>\n</table>\n%(changes)s</body>\n</html>\n"
    ) % {
        "title": _html(title), "style": _STYLE, "headline": _html(summary_lines(result)[0].rstrip(":")),
        "meta": " &middot; ".join(_html(part) for part in meta),
        "cards": cards, "head": head, "body": body, "changes": _html_changes(result),
    }


def _html_changes(result: Result) -> str:
    """The comparison with the previous report: why it could not be used, and the resolved findings."""
    previous = result.get("previous_report")
    if not previous:
        return ""
    parts = []
    if previous.get("warning"):
        parts.append('<p class="warning">%s</p>\n' % _html(previous["warning"]))
    resolved = result.get("resolved") or []
    since = " (checked at %s)" % show_time(previous["checked_at"]) if previous.get("checked_at") else ""
    parts.append("<h2>Resolved since the previous report%s: %d</h2>\n" % (_html(since), len(resolved)))
    if resolved:
        rows = "\n".join(
            '<tr class="resolved" data-customer-id="%s"><td>%s</td><td class="id">%s</td><td>%s</td><td>%s</td></tr>' % (
                _html(finding["id"]), _html(finding.get("name") or ""), _html(finding["id"]),
                _html(finding_label(finding) if finding.get("field") else "not found"),
                _html(show_time(finding["first_seen"]) if finding.get("first_seen") else "unknown"))
            for finding in resolved)
        parts.append("<table>\n<thead><tr><th>Customer</th><th>ID</th><th>Finding</th><th>First seen</th></tr></thead>\n"
                     "<tbody>\n%s\n</tbody>\n</table>\n" % rows)
    return "".join(parts)


def _html_change(marked: Mapping[str, Any]) -> str:
    change = marked.get("change")
    if not change:
        return ""
    return '<span class="change %s">%s</span>' % (_html(change), _html(change_text(marked).strip(" []")))


def _checked_columns(result: Result) -> list[str]:
    seen: dict[str, None] = {}
    for row in result["customers"]:
        for item in row["fields"]:
            seen.setdefault(item["field"], None)
    return list(seen)


def _html_row(row: Mapping[str, Any], columns: list[str], now: Optional[datetime]) -> str:
    status = row["status"]
    name = row.get("name") or row.get("organization") or ""
    cells = [
        '<td><span class="badge %s">%s</span>%s</td>' % (status, "not found" if status == STATUS_MISSING else status, _html_change(row)),
        "<td>%s</td>" % _html(name),
        '<td class="id">%s</td>' % _html(row["id"]),
    ]
    checks: dict[str, list[Mapping[str, Any]]] = {}
    for item in row["fields"]:
        checks.setdefault(item["field"], []).append(item)  # a rule of items checks several (one per service)
    for column in columns:
        items = checks.get(column)
        if status == STATUS_MISSING:
            cells.append('<td class="unchecked">not found</td>')
        elif not items:
            cells.append('<td class="unchecked">not checked</td>')
        elif all(item["ok"] for item in items):
            cells.append('<td class="ok">%s</td>' % "<br>".join(_html(_cell_text(item, now)) for item in items))
        else:
            cells.append('<td class="drift">%s</td>' % "<br>".join(_html_drift(item, now) for item in items if not item["ok"]))
    return '<tr class="status-%s" data-customer-id="%s">%s</tr>' % (status, _html(row["id"]), "".join(cells))


def _cell_text(item: Mapping[str, Any], now: Optional[datetime]) -> str:
    """A checked fact in a table cell; one of several (a rule of items) is named by its item (the service)."""
    actual = shown(item, now).actual
    named = next(iter(finding_item(item).values()), None)
    return actual if named is None else "%s: %s" % (named, actual)


def _html_drift(item: Mapping[str, Any], now: Optional[datetime]) -> str:
    expected = shown(item, now).expected
    text = _html(_cell_text(item, now))
    return text + ('<span class="expected">expected %s</span>' % _html(expected) if expected else "") + _html_change(item)
