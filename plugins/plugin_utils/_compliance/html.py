# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report of a compliance result: one self-contained page.

* The customers: a row per checked customer, drifted first, then those not found, then the
  compliant ones, with a column per checked fact. A rule checked per workload shows there which
  workloads drift.
* The workloads, when a rule checks workloads one by one (``last_successful_backup_within`` per
  workload, the protection rules): a row per customer and a column per workload, each cell the
  findings of that workload (the age of its last success, its protection coverage...).
* A "drifted only" switch and sortable columns, by a small inline script, keep it usable at
  thousands of customers. Nothing is loaded from anywhere: a Content-Security-Policy allows no
  source but the page's own style and script, named by their hashes, so even text that escaped
  escaping could run nothing.

Text from the API is escaped, control characters made visible (see module_utils/_shown.py).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from html import escape
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._shown import printable

from .check import STATUS_COMPLIANT, STATUS_DRIFTED, STATUS_MISSING
from .recency import ITEM as WORKLOAD, show_time
from .reports import Result, change_text, field_label, reference_time, shown, summary_lines
from .rules import Shown, finding_item, finding_label

_STATUS_ORDER = {STATUS_DRIFTED: 0, STATUS_MISSING: 1, STATUS_COMPLIANT: 2}
# Sort keys of a cell: drifting first, then fine, then not checked.
_DRIFT, _OK, _UNCHECKED = 0, 1, 2

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1f2933; background: #f7f9fb; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
p.meta { color: #52606d; margin-top: 0; }
.cards { display: flex; gap: 1rem; margin: 1.2rem 0; flex-wrap: wrap; }
.card { background: #fff; border-radius: 8px; padding: 0.8rem 1.4rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); min-width: 7rem; }
.card .count { font-size: 2rem; font-weight: 700; display: block; }
.card.compliant .count { color: #1e8e3e; } .card.drifted .count { color: #c5221f; } .card.missing .count { color: #b06000; }
.controls { margin: 1rem 0; }
.controls label { font-weight: 600; cursor: pointer; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
th, td { text-align: left; padding: 0.45rem 0.7rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #243b53; color: #fff; position: sticky; top: 0; z-index: 1; }
th button { all: unset; cursor: pointer; display: block; }
th button::after { content: " \\2195"; opacity: 0.5; }
th[aria-sort="ascending"] button::after { content: " \\2191"; opacity: 1; }
th[aria-sort="descending"] button::after { content: " \\2193"; opacity: 1; }
td.id { font-family: ui-monospace, monospace; font-size: 0.75rem; color: #52606d; }
td.drift, .finding.drift { background: #fde2e1; color: #8a1c1c; font-weight: 600; }
td.drift .expected, .finding .expected { display: block; font-weight: 400; font-size: 0.85rem; }
.finding { display: block; padding: 0.1rem 0.3rem; border-radius: 4px; }
.nowrap { white-space: nowrap; }
nav a { color: #243b53; margin-right: 1rem; }
.finding + .finding { margin-top: 0.3rem; }
.finding .rule { display: block; font-weight: 400; font-size: 0.75rem; color: #52606d; }
.badge { border-radius: 999px; padding: 0.1rem 0.6rem; font-size: 0.8rem; font-weight: 600; color: #fff; }
.badge.compliant { background: #1e8e3e; } .badge.drifted { background: #c5221f; } .badge.missing { background: #b06000; }
td.unchecked { color: #9aa5b1; }
.change { display: inline-block; margin-top: 0.2rem; border-radius: 4px; padding: 0 0.4rem; font-size: 0.75rem; font-weight: 600; }
.change.new { background: #c5221f; color: #fff; } .change.persisting { background: #fff4e5; color: #8a4b00; }
.card.new .count { color: #c5221f; } .card.persisting .count { color: #b06000; } .card.resolved .count { color: #1e8e3e; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
p.warning { background: #fff4e5; color: #8a4b00; padding: 0.5rem 0.8rem; border-radius: 6px; }
body.drifted-only tr.status-compliant { display: none; }
"""

# The switch and the sorting: rows are reordered by each cell's data-sort (numbers as numbers),
# ties keep their order, so the first sort of a column groups drifts first.
_SCRIPT = """
(function () {
  "use strict";
  var box = document.getElementById("drifted-only");
  function count() {
    var tables = document.querySelectorAll("table.sortable");
    for (var t = 0; t < tables.length; t++) {
      var rows = tables[t].tBodies[0].rows, shown = 0;
      for (var r = 0; r < rows.length; r++) {
        if (!box.checked || !rows[r].classList.contains("status-compliant")) { shown++; }
      }
      var label = document.getElementById(tables[t].id + "-count");
      if (label) { label.textContent = shown + " of " + rows.length + " shown"; }
    }
  }
  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function sortBy(th) {
    var table = th.closest("table"), column = th.cellIndex, body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var h = 0; h < headers.length; h++) { headers[h].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = [];
    for (var r = 0; r < body.rows.length; r++) {
      var cell = body.rows[r].cells[column];
      var key = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
      keyed.push([key, r, body.rows[r]]);
    }
    keyed.sort(function (a, b) { return (ascending ? compare(a[0], b[0]) : compare(b[0], a[0])) || a[1] - b[1]; });
    var rows = document.createDocumentFragment();
    for (var k = 0; k < keyed.length; k++) { rows.appendChild(keyed[k][2]); }
    body.appendChild(rows);
  }
  box.addEventListener("change", function () { document.body.classList.toggle("drifted-only", box.checked); count(); });
  var buttons = document.querySelectorAll("table.sortable th button");
  for (var b = 0; b < buttons.length; b++) {
    buttons[b].addEventListener("click", function (event) { sortBy(event.currentTarget.closest("th")); });
  }
  count();
}());
"""

_CARDS = (("total", "customers"), ("compliant", "compliant"), ("drifted", "drifted"), ("missing", "not found"))
_CHANGE_CARDS = (("new", "new findings"), ("persisting", "persisting"), ("resolved", "resolved"))


def _html(value: Any) -> str:
    # A page shows tabs and line breaks as spaces; every other control character as \uXXXX.
    return escape(printable(str(value), layout=True))


def _source_hash(text: str) -> str:
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _sort_key(rank: int, value: Any = None) -> str:
    """A cell's data-sort: its rank, then its raw value (a time sorts as text, a number by its digits)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = "%020.6f" % value
    return "%d|%s" % (rank, "" if value is None else value)


def html_report(result: Result, title: str = "Customer compliance") -> str:
    """A self-contained HTML page: the counts, the customers with their drifted facts highlighted, and the
    workloads of the rules checked per workload."""
    summary = result["summary"]
    now = reference_time(result)
    cards = "".join(
        '<div class="card %s"><span class="count">%d</span>%s</div>' % (key, summary[key], label)
        for key, label in _CARDS + (_CHANGE_CARDS if _compared(result) else ())
    )
    meta = ["scope: %s" % result.get("scope", ""), "match: %s" % result.get("match", "")]
    if result.get("checked_at"):
        meta.append("checked at %s" % show_time(result["checked_at"]))
    policy = "default-src 'none'; style-src %s; script-src %s" % (_source_hash(_STYLE), _source_hash(_SCRIPT))
    customers, workloads = _customer_table(result, now), _workload_table(result, now)
    # Links within the page (they load nothing): at a thousand customers the workloads are far below.
    nav = '<nav><a href="#customers">Customers</a><a href="#workloads">Workloads</a></nav>\n' if workloads else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"%(policy)s\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>%(title)s</title>\n<style>%(style)s</style>\n</head>\n<body>\n"
        "<h1>%(title)s</h1>\n<p class=\"meta\">%(headline)s &middot; %(meta)s</p>\n"
        "<div class=\"cards\">%(cards)s</div>\n%(nav)s"
        "<div class=\"controls\"><label><input type=\"checkbox\" id=\"drifted-only\"> Drifted only</label> "
        "(hide the compliant rows; click a column heading to sort)</div>\n"
        "%(customers)s%(workloads)s%(changes)s<script>%(script)s</script>\n</body>\n</html>\n"
    ) % {
        "policy": policy, "title": _html(title), "style": _STYLE, "headline": _html(summary_lines(result)[0].rstrip(":")),
        "meta": " &middot; ".join(_html(part) for part in meta), "cards": cards,
        "customers": customers, "workloads": workloads, "nav": nav,
        "changes": _html_changes(result), "script": _SCRIPT,
    }


def _compared(result: Result) -> bool:
    return "previous_report" in result


def _table(table_id: str, heading: str, columns: list[str], rows: list[str]) -> str:
    head = "".join('<th><button type="button">%s</button></th>' % _html(name) for name in columns)
    return ('<h2>%s <small class="meta" id="%s-count"></small></h2>\n<table class="sortable" id="%s">\n'
            "<thead><tr>%s</tr></thead>\n<tbody>\n%s\n</tbody>\n</table>\n") % (heading, table_id, table_id, head, "\n".join(rows))


def _customer_table(result: Result, now: Optional[datetime]) -> str:
    columns = _checked_columns(result)
    rows = sorted(result["customers"], key=lambda row: _STATUS_ORDER.get(row["status"], 3))
    return _table("customers", "Customers", ["Status", "Customer", "ID"] + [field_label(c) for c in columns],
                  [_customer_row(row, columns, now) for row in rows])


def _checked_columns(result: Result) -> list[str]:
    seen: dict[str, None] = {}
    for row in result["customers"]:
        for item in row["fields"]:
            seen.setdefault(item["field"], None)
    return list(seen)


def _leading_cells(row: Mapping[str, Any], status: str, badge: str, change: str = "") -> list[str]:
    name = row.get("name") or row.get("organization") or ""
    return [
        '<td data-sort="%d"><span class="badge %s">%s</span>%s</td>' % (_STATUS_ORDER.get(status, 3), status, badge, change),
        '<td data-sort="%s">%s</td>' % (_html(name.casefold()), _html(name)),
        '<td class="id">%s</td>' % _html(row["id"]),
    ]


def _customer_row(row: Mapping[str, Any], columns: list[str], now: Optional[datetime]) -> str:
    status = row["status"]
    cells = _leading_cells(row, status, "not found" if status == STATUS_MISSING else status, _html_change(row))
    for column in columns:
        items = [item for item in row["fields"] if item["field"] == column]
        if status == STATUS_MISSING:
            cells.append('<td class="unchecked" data-sort="%s">not found</td>' % _sort_key(_UNCHECKED))
        elif not items:
            cells.append('<td class="unchecked" data-sort="%s">not checked</td>' % _sort_key(_UNCHECKED))
        elif any(_workload(item) for item in items):
            cells.append(_workloads_cell(items))
        elif any(finding_item(item) for item in items):
            cells.append(_items_cell(items, now))
        else:
            cells.append(_fact_cell(items[0], now))
    return '<tr class="status-%s" data-customer-id="%s">%s</tr>' % (status, _html(row["id"]), "".join(cells))


def _workload(item: Mapping[str, Any]) -> Optional[str]:
    """The workload a finding names (a rule checked workload by workload), else None."""
    return finding_item(item).get(WORKLOAD)


def _expected(text: Shown) -> str:
    return '<span class="expected">expected %s</span>' % _html(text.expected) if text.expected else ""


def _fact_cell(item: Mapping[str, Any], now: Optional[datetime]) -> str:
    text = shown(item, now)
    if item["ok"]:
        return '<td class="ok" data-sort="%s">%s</td>' % (_html(_sort_key(_OK, item["actual"])), _html(text.actual))
    return '<td class="drift" data-sort="%s">%s%s%s</td>' % (
        _html(_sort_key(_DRIFT, item["actual"])), _html(text.actual), _expected(text), _html_change(item))


def _items_cell(items: list[Mapping[str, Any]], now: Optional[datetime]) -> str:
    """A rule of other items (one per service) in one cell: each item by its name, the drifting ones when some drift."""
    failing = [item for item in items if not item["ok"]]
    shown_items = failing or items
    cells = "<br>".join("%s%s%s" % (_html(_named(item, now)), _expected(shown(item, now)) if not item["ok"] else "",
                                    _html_change(item)) for item in shown_items)
    return '<td class="%s" data-sort="%s">%s</td>' % (
        "drift" if failing else "ok", _html(_sort_key(_DRIFT if failing else _OK, _named(shown_items[0], now))), cells)


def _named(item: Mapping[str, Any], now: Optional[datetime]) -> str:
    named = next(iter(finding_item(item).values()), None)
    actual = shown(item, now).actual
    return actual if named is None else "%s: %s" % (named, actual)


def _workloads_cell(items: list[Mapping[str, Any]]) -> str:
    """A rule checked per workload, in the customers table: which workloads drift (the workloads table has the rest)."""
    failing = [_workload(item) for item in items if not item["ok"]]
    if not failing:
        return '<td class="ok" data-sort="%s">%d %s ok</td>' % (_sort_key(_OK), len(items), "workload" if len(items) == 1 else "workloads")
    return '<td class="drift" data-sort="%s">%s<span class="expected">%d of %d workloads drift</span></td>' % (
        _html(_sort_key(_DRIFT, ", ".join(failing))), _html(", ".join(failing)), len(failing), len(items))


def _workload_table(result: Result, now: Optional[datetime]) -> str:
    """Customers by workload: every finding that names a workload; '' when no rule checks workloads one by one."""
    workloads: dict[str, None] = {}
    rules: dict[str, None] = {}
    rows = []
    for row in result["customers"]:
        items = [item for item in row["fields"] if _workload(item)]
        if items:
            rows.append((row, items))
            for item in items:
                workloads.setdefault(_workload(item), None)
                rules.setdefault(item["field"], None)
    if not rows:
        return ""
    rows.sort(key=lambda pair: all(item["ok"] for item in pair[1]))  # stable: drifting rows first, in their order
    labelled = len(rules) > 1
    return _table("workloads", "Workloads", ["Status", "Customer", "ID"] + list(workloads),
                  [_workload_row(row, items, list(workloads), labelled, now) for row, items in rows])


def _workload_row(row: Mapping[str, Any], items: list[Mapping[str, Any]], workloads: list[str], labelled: bool,
                  now: Optional[datetime]) -> str:
    status = STATUS_COMPLIANT if all(item["ok"] for item in items) else STATUS_DRIFTED
    cells = _leading_cells(row, status, status)
    for name in workloads:
        found = [item for item in items if _workload(item) == name]
        if not found:
            cells.append('<td class="unchecked" data-sort="%s">not checked</td>' % _sort_key(_UNCHECKED))
            continue
        rank = _OK if all(item["ok"] for item in found) else _DRIFT
        cells.append('<td class="%s" data-sort="%s">%s</td>' % (
            "ok" if rank == _OK else "has-drift", _html(_sort_key(rank, found[0]["actual"])),
            "".join(_finding(item, labelled, now) for item in found)))
    return '<tr class="status-%s" data-customer-id="%s">%s</tr>' % (status, _html(row["id"]), "".join(cells))


def _finding(item: Mapping[str, Any], labelled: bool, now: Optional[datetime]) -> str:
    text = shown(item, now)
    rule = '<span class="rule">%s</span>' % _html(field_label(item["field"])) if labelled else ""
    if item["ok"]:
        return '<span class="finding ok">%s%s</span>' % (rule, _unbroken(text.actual))
    return '<span class="finding drift">%s%s%s%s</span>' % (rule, _unbroken(text.actual), _expected(text), _html_change(item))


def _unbroken(text: str) -> str:
    """A value whose parts never break inside: ``74h ago`` and ``(2026-11-29T08:00Z)`` may go on two lines, a time never."""
    head, bracket, rest = text.partition(" (")
    parts = [head, bracket.strip() + rest] if bracket else [head]
    return " ".join('<span class="nowrap">%s</span>' % _html(part) for part in parts)


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
