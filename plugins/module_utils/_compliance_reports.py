# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderings of a customer compliance result: plan lines, failure message, JUnit XML, HTML.

Every function takes the plain-data result of ``_compliance.check_compliance``. Text from the
API (organization names, fact values) is escaped for the target format; nothing here ever
sees a credential.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import escape
from typing import Any, Mapping, Optional

from ._compliance import STATUS_COMPLIANT, STATUS_DRIFTED, STATUS_MISSING

Result = Mapping[str, Any]

# Control characters (C0 but tab, line feed and carriage return; DEL; C1), lone surrogates and
# the non-characters U+FFFE/U+FFFF: invisible or invalid in HTML, and XML 1.0 cannot carry most
# of them at all. Shown as \uXXXX, so API text is neither dropped nor hidden in a report.
_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with every control or invalid character written as a \\uXXXX escape."""
    return _INVISIBLE.sub(lambda found: "\\u%04x" % ord(found.group()), text)


def _html(value: Any) -> str:
    return escape(visible(str(value)))


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


def drift_text(item: Mapping[str, Any]) -> str:
    return "%s: expected %s, got %s" % (item["field"], show_expected(item["expected"]), show_value(item["actual"]))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def summary_lines(result: Result) -> list[str]:
    """Plan-style lines: a header, one ``~`` line per drifted field, one ``-`` line per missing customer."""
    summary = result["summary"]
    total = summary["total"]
    failing = summary["drifted"] + summary["missing"]
    if not failing:
        return ["all %d %s compliant" % (total, _plural(total, "customer", "customers"))]
    lines = ["%d of %d %s:" % (failing, total, _plural(total, "customer drifts", "customers drift"))]
    for customer in result["drifted"]:
        label = customer_label(customer)
        lines.extend("~ %s %s" % (label, drift_text(item)) for item in customer["fields"])
    names = _missing_names(result)
    lines.extend("- %s not found" % customer_label({"id": cid, "name": names.get(cid)}) for cid in result["missing"])
    lines.append("Summary: %d compliant, %d drifted, %d missing" % (summary["compliant"], summary["drifted"], summary["missing"]))
    return lines


def failure_message(result: Result) -> str:
    """One message naming every drifted and missing customer ('' when all are compliant)."""
    parts = []
    if result["drifted"]:
        parts.append("%d drifted: %s" % (len(result["drifted"]), ", ".join(customer_label(c) for c in result["drifted"])))
    if result["missing"]:
        names = _missing_names(result)
        parts.append("%d not found: %s" % (len(result["missing"]), ", ".join(customer_label({"id": i, "name": names.get(i)}) for i in result["missing"])))
    if not parts:
        return ""
    return "customer compliance failed for %d of %d customers; %s" % (
        len(result["drifted"]) + len(result["missing"]), result["summary"]["total"], "; ".join(parts))


def _missing_names(result: Result) -> dict[str, Optional[str]]:
    return {row["id"]: row.get("name") for row in result.get("customers", []) if row.get("status") == STATUS_MISSING}


def _xml_text(value: Any) -> str:
    return visible(str(value))


def junit_xml(result: Result, suite_name: str = "customer_compliance") -> str:
    """JUnit XML: one testcase per customer, a <failure> per drifted or missing customer."""
    summary = result["summary"]
    failures = summary["drifted"] + summary["missing"]
    counts = {"tests": str(summary["total"]), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": _xml_text(suite_name), **counts})
    suite = ET.SubElement(root, "testsuite", {"name": _xml_text(suite_name), **counts})
    for row in result["customers"]:
        case = ET.SubElement(suite, "testcase", {"classname": _xml_text(suite_name), "name": _xml_text(customer_label(row))})
        if row["status"] == STATUS_DRIFTED:
            drifts = [drift_text(item) for item in row["fields"] if not item["ok"]]
            failure = ET.SubElement(case, "failure", {"type": "drift", "message": _xml_text("; ".join(drifts))})
            failure.text = _xml_text("\n".join(drifts))
        elif row["status"] == STATUS_MISSING:
            message = "customer %s not found" % row["id"]
            failure = ET.SubElement(case, "failure", {"type": "missing", "message": message})
            failure.text = message
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
"""


def html_report(result: Result, title: str = "Customer compliance") -> str:
    """A self-contained HTML page: summary counts and a table of customers, drifted fields highlighted."""
    summary = result["summary"]
    columns = _checked_columns(result)
    rows = sorted(result["customers"], key=lambda row: _STATUS_ORDER.get(row["status"], 3))
    cards = "".join(
        '<div class="card %s"><span class="count">%d</span>%s</div>' % (key, summary[key], label)
        for key, label in (("total", "customers"), ("compliant", "compliant"), ("drifted", "drifted"), ("missing", "not found"))
    )
    head = "".join("<th>%s</th>" % _html(name) for name in ["Status", "Customer", "ID"] + columns)
    body = "\n".join(_html_row(row, columns) for row in rows)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>%(title)s</title>\n<style>%(style)s</style>\n</head>\n<body>\n"
        "<h1>%(title)s</h1>\n<p class=\"meta\">%(headline)s &middot; scope: %(scope)s &middot; match: %(match)s</p>\n"
        "<div class=\"cards\">%(cards)s</div>\n"
        "<table>\n<thead><tr>%(head)s</tr></thead>\n<tbody>\n%(body)s\n</tbody>\n</table>\n</body>\n</html>\n"
    ) % {
        "title": _html(title), "style": _STYLE, "headline": _html(summary_lines(result)[0].rstrip(":")),
        "scope": _html(result.get("scope", "")), "match": _html(result.get("match", "")),
        "cards": cards, "head": head, "body": body,
    }


def _checked_columns(result: Result) -> list[str]:
    seen: dict[str, None] = {}
    for row in result["customers"]:
        for item in row["fields"]:
            seen.setdefault(item["field"], None)
    return list(seen)


def _html_row(row: Mapping[str, Any], columns: list[str]) -> str:
    status = row["status"]
    name = row.get("name") or row.get("organization") or ""
    cells = [
        '<td><span class="badge %s">%s</span></td>' % (status, "not found" if status == STATUS_MISSING else status),
        "<td>%s</td>" % _html(name),
        '<td class="id">%s</td>' % _html(row["id"]),
    ]
    checks = {item["field"]: item for item in row["fields"]}
    for column in columns:
        item = checks.get(column)
        if status == STATUS_MISSING:
            cells.append('<td class="unchecked">not found</td>')
        elif item is None:
            cells.append('<td class="unchecked">not checked</td>')
        elif item["ok"]:
            cells.append('<td class="ok">%s</td>' % _html(show_value(item["actual"])))
        else:
            cells.append('<td class="drift">%s<span class="expected">expected %s</span></td>' % (
                _html(show_value(item["actual"])), _html(show_expected(item["expected"]))))
    return '<tr class="status-%s" data-customer-id="%s">%s</tr>' % (status, _html(row["id"]), "".join(cells))
