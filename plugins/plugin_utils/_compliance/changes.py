# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift since the last run: the findings of a compliance result compared with an earlier JSON report.

A finding is one drifted fact of a customer (customer ID and field) or a customer that was
not found (field None). Against the previous report each current finding is ``new`` or
``persisting`` (with the time it was first seen, carried forward from report to report), and
a previous finding that is gone is ``resolved``, but only if this run checked that fact of that
customer again: a customer or fact no longer checked says nothing about its drift.

A previous report that is missing, unreadable or not a compliance report never fails the
check: ``read_previous_report`` returns a warning instead, and every finding counts as new.
It reads regular files only, and at most ``MAX_REPORT_BYTES``: a FIFO would block the gate
until something writes to it, a device or a huge file would exhaust the controller.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from dataclasses import dataclass, field
from typing import Any, Mapping, MutableMapping, Optional, Tuple

from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time, parse_time

from .check import REPORT_FORMAT, STATUS_COMPLIANT, STATUS_DRIFTED, STATUS_MISSING
from .rules import finding_item, finding_key

CHANGE_NEW = "new"
CHANGE_PERSISTING = "persisting"
CHANGE_RESOLVED = "resolved"

# The largest previous report read, as for API answers: a report of 10,000 customers is a few MiB.
MAX_REPORT_BYTES = 64 * 1024 * 1024

FindingKey = Tuple[str, Optional[str]]  # (customer ID, rules.finding_key); None: the customer was not found


@dataclass
class PreviousReport:
    """What this run needs from an earlier report: its time and its findings with their first-seen times."""

    checked_at: Optional[str] = None
    format_version: int = 1
    findings: dict[FindingKey, dict[str, Any]] = field(default_factory=dict)


def read_previous_report(path: str, limit: Optional[int] = None) -> tuple[Optional[PreviousReport], Optional[str]]:
    """The previous report at ``path``, or None and a warning that says why it cannot be used.

    ``limit``: the largest file read, in bytes (default ``MAX_REPORT_BYTES``).
    """
    shown = os.path.expanduser(path)
    consequence = "every finding is counted as new"
    try:
        text = _read_report_file(shown, MAX_REPORT_BYTES if limit is None else limit)
    except FileNotFoundError:
        return None, "there is no previous report at %s (the first run?): %s" % (shown, consequence)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        return None, "cannot read the previous report %s (%s): %s" % (shown, reason, consequence)
    try:
        return previous_report(json.loads(text)), None
    except ValueError as error:  # json.JSONDecodeError is a ValueError too
        return None, "the previous report %s is not a compliance JSON report (%s): %s" % (shown, error, consequence)


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def _read_report_file(path: str, limit: int) -> str:
    """The text of a regular file of at most ``limit`` bytes; OSError (with a strerror) otherwise."""
    # O_NONBLOCK: opening a FIFO to read would otherwise wait for a writer, for ever.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "another kind of file")
            raise OSError(errno.EINVAL, "not a regular file but %s" % kind)
        data = b"" if info.st_size > limit else handle.read(limit + 1)  # never more, even if the file grows meanwhile
    if info.st_size > limit or len(data) > limit:
        raise OSError(errno.EFBIG, "larger than %s, more than a compliance report ever is" % _size(limit))
    return data.decode("utf-8")


def _size(count: int) -> str:
    mib = 1024 * 1024
    return "%d MiB" % (count // mib) if count % mib == 0 else "%d bytes" % count


def previous_report(document: Any) -> PreviousReport:
    """The findings of a JSON report of any known format version; ValueError naming what is wrong."""
    if not isinstance(document, Mapping):
        raise ValueError("not a JSON object")
    version = document.get("format_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError("format_version %r is not a format version" % (version,))
    if version > REPORT_FORMAT:
        raise ValueError("format_version %d is newer than this collection reads (%d)" % (version, REPORT_FORMAT))
    checked_at = _time(document.get("checked_at"), "checked_at")
    rows = document.get("customers")
    if not isinstance(rows, list):
        raise ValueError("no customers list")
    report = PreviousReport(checked_at=checked_at, format_version=version)
    for index, row in enumerate(rows):
        where = "customers[%d]" % index
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str) or not isinstance(row.get("fields", []), list) \
                or row.get("status") not in (STATUS_COMPLIANT, STATUS_DRIFTED, STATUS_MISSING):
            raise ValueError("%s is not a checked customer with id, status and fields" % where)
        name = row.get("name") if isinstance(row.get("name"), str) else None
        customer_id = row["id"].lower()
        if row["status"] == STATUS_MISSING:
            report.findings[(customer_id, None)] = {"name": name, "first_seen": _time(row.get("first_seen"), where) or checked_at}
        for position, item in enumerate(row.get("fields", [])):
            if not isinstance(item, Mapping) or not isinstance(item.get("field"), str) or not isinstance(item.get("ok"), bool):
                raise ValueError("%s.fields[%d] is not a checked fact with field and ok" % (where, position))
            if not item["ok"]:
                first_seen = _time(item.get("first_seen"), "%s.fields[%d]" % (where, position))
                finding = {"name": name, "first_seen": first_seen or checked_at}
                if finding_item(item):  # a finding of one item (a service): the key alone does not say its field
                    finding.update(field=item["field"], item=finding_item(item))
                report.findings[(customer_id, finding_key(item))] = finding
    return report


def _time(value: Any, where: str) -> Optional[str]:
    if value is None:
        return None
    try:
        return format_time(parse_time(value))
    except ValueError:
        raise ValueError("%s has the time %r, which is not ISO 8601" % (where, str(value)[:40])) from None


def mark_changes(result: MutableMapping[str, Any], previous: Optional[PreviousReport], path: str,
                 warning: Optional[str] = None) -> MutableMapping[str, Any]:
    """Mark every finding of ``result`` new or persisting, list the resolved ones, count each in the summary.

    ``previous`` None (no usable report; ``warning`` says why) makes every finding new.
    """
    known = previous.findings if previous is not None else {}
    now = result["checked_at"]
    counts = {CHANGE_NEW: 0, CHANGE_PERSISTING: 0}
    current: set[FindingKey] = set()
    rows = {row["id"]: row for row in result["customers"]}
    for row in result["customers"]:
        if row["status"] == STATUS_MISSING:
            current.add((row["id"], None))
            _mark(row, known.get((row["id"], None)), now, counts)
        for item in row["fields"]:
            if not item["ok"]:
                current.add((row["id"], finding_key(item)))
                _mark(item, known.get((row["id"], finding_key(item))), now, counts)
    for drifted in result["drifted"]:  # the summary list repeats the failing items of each row
        marks = {finding_key(item): item for item in rows[drifted["id"]]["fields"] if not item["ok"]}
        for item in drifted["fields"]:
            mark = marks[finding_key(item)]
            item.update(change=mark["change"], first_seen=mark["first_seen"])
    resolved = [
        dict({"id": customer_id, "name": rows[customer_id].get("name") or seen.get("name"), "field": seen.get("field", fact)},
             **seen.get("item", {}), first_seen=seen.get("first_seen"))
        for (customer_id, fact), seen in known.items()
        if (customer_id, fact) not in current and _checked_again(rows.get(customer_id), fact)
    ]
    result["resolved"] = resolved
    result["summary"].update(new=counts[CHANGE_NEW], persisting=counts[CHANGE_PERSISTING], resolved=len(resolved))
    result["previous_report"] = {
        "path": path,
        "checked_at": previous.checked_at if previous else None,
        "format_version": previous.format_version if previous else None,
        "warning": warning,
    }
    return result


def _mark(target: MutableMapping[str, Any], seen: Optional[Mapping[str, Any]], now: str, counts: dict[str, int]) -> None:
    change = CHANGE_PERSISTING if seen is not None else CHANGE_NEW
    counts[change] += 1
    target["change"] = change
    target["first_seen"] = seen.get("first_seen") if seen is not None else now


def _checked_again(row: Optional[Mapping[str, Any]], fact: Optional[str]) -> bool:
    """Whether this run found the customer and, for a drifted fact, checked that fact again."""
    if row is None or row["status"] == STATUS_MISSING:
        return False
    return fact is None or any(finding_key(item) == fact for item in row["fields"])
