# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup job facts: one shape whichever API answered, and the last success per customer.

A job from the partner API (every field a string, names, "N/A") and one from the Elements v3
API (integer codes, ISO times) become the same dict of facts (JOB_FIELDS). Values this
collection cannot interpret are kept (a name as sent, ``Unknown (<code>)``) or left null, and
reported by one warning per field and value (UnknownValues), never silently. A time that is
not ISO 8601 is a contract error: every decision (the time window, the last success) rests on
the times.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Callable, Iterable, Optional

from ._errors import ContractError
from ._job_codes import FINISHED, JOB_MODULE, JOB_TYPE, STATUS, CodeTable
from ._durations import parse_duration
from ._sizes import parse_size
from ._times import ABSENT, age_seconds, format_time, optional_time

JOB_FIELDS = (
    "customer_id", "job_id", "name",
    "job_type", "job_type_code", "job_module", "job_module_code", "status", "status_code",
    "start_time", "end_time", "last_modified_time", "duration_seconds", "backup_size_bytes",
    "total_count", "failed_count", "successful_count", "skipped_count", "warning_count",
)
# API field -> fact, for the time fields and the object counts.
TIME_FIELDS = (("startTime", "start_time"), ("endTime", "end_time"), ("lastModifyTime", "last_modified_time"))
COUNT_FIELDS = (
    ("totalCount", "total_count"), ("failedCount", "failed_count"), ("successfulCount", "successful_count"),
    ("skippedCount", "skipped_count"), ("warningCount", "warning_count"),
)

# How each field's unknown values are kept, for the warning.
_KEPT_AS = {
    "status": "kept as status with status_code null (a name) or as 'Unknown (<code>)' with status_code set (a code)",
    "job_type": "kept as job_type with job_type_code null (a name) or as 'Unknown (<code>)' (a code)",
    "job_module": "kept as job_module with job_module_code null (a name) or as 'Unknown (<code>)' (a code)",
    "jobDuration": "returned as duration_seconds null",
    "backupSize": "returned as backup_size_bytes null",
    "counts": "returned as null object counts",
}
MAX_SHOWN_VALUES = 5


class UnknownValues:
    """Values the jobs API sent that this collection cannot interpret, per field; thread-safe.

    ``report`` warns once per field for the values seen since the previous report and not
    reported before, so a value repeated by thousands of jobs makes one warning.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, int]] = {}
        self._reported: set[tuple[str, str]] = set()

    def note(self, field: str, value: Any) -> None:
        shown = repr(value) if not isinstance(value, str) else repr(value[:60])
        with self._lock:
            counts = self._pending.setdefault(field, {})
            counts[shown] = counts.get(shown, 0) + 1

    def report(self, warn: Callable[[str], None]) -> None:
        with self._lock:
            fresh = {
                field: {value: count for value, count in values.items() if (field, value) not in self._reported}
                for field, values in self._pending.items()
            }
            self._reported.update((field, value) for field, values in self._pending.items() for value in values)
            self._pending.clear()
        for field in sorted(fresh):
            values = fresh[field]
            if not values:
                continue
            listed = sorted(values.items())
            text = ", ".join("%s (%d job(s))" % (value, count) for value, count in listed[:MAX_SHOWN_VALUES])
            if len(listed) > MAX_SHOWN_VALUES:
                text += " and %d more" % (len(listed) - MAX_SHOWN_VALUES)
            warn("the jobs API returned %s value(s) this collection does not know: %s. They are %s; "
                 "a newer avepoint.graph may know them" % (field, text, _KEPT_AS.get(field, "kept as sent")))


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ABSENT)


def _text(value: Any) -> Optional[str]:
    return None if _absent(value) else str(value).strip()


def _coded(raw: dict[str, Any], key: str, table: CodeTable, unknown: UnknownValues) -> tuple[Optional[str], Optional[int]]:
    value = raw.get(key)
    if _absent(value):
        return None, None
    name, code, known = table.decode(value)
    if not known:
        unknown.note(table.field, value)
    return name, code


def _parsed(raw: dict[str, Any], key: str, parse: Callable[[str], Any], unknown: UnknownValues, field: str) -> Any:
    value = raw.get(key)
    if _absent(value):
        return None
    try:
        return parse(str(value))
    except ValueError:
        unknown.note(field, value)
        return None


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(text)
    return int(text)


def _duration_seconds(text: str) -> int:
    return int(round(parse_duration(text)))


def job_facts(customer_id: str, raw: dict[str, Any], unknown: UnknownValues, what: str) -> dict[str, Any]:
    """The facts of one job (a schema-checked API item) of ``customer_id``; ``what`` names it in errors."""
    job_type, job_type_code = _coded(raw, "jobType", JOB_TYPE, unknown)
    job_module, job_module_code = _coded(raw, "jobModule", JOB_MODULE, unknown)
    status, status_code = _coded(raw, "status", STATUS, unknown)
    facts: dict[str, Any] = {
        "customer_id": customer_id,
        "job_id": _text(raw.get("jobId")),
        "name": _text(raw.get("name")),
        "job_type": job_type,
        "job_type_code": job_type_code,
        "job_module": job_module,
        "job_module_code": job_module_code,
        "status": status,
        "status_code": status_code,
    }
    for key, fact in TIME_FIELDS:
        try:
            moment = optional_time(raw.get(key))
        except ValueError:
            raise ContractError(
                "the API response for %s does not match the documented contract: field '%s' is %r, expected an ISO 8601 "
                "time or N/A" % (what, key, str(raw.get(key))[:60])
            ) from None
        facts[fact] = format_time(moment) if moment is not None else None
    facts["duration_seconds"] = _parsed(raw, "jobDuration", _duration_seconds, unknown, "jobDuration")
    facts["backup_size_bytes"] = _parsed(raw, "backupSize", parse_size, unknown, "backupSize")
    for key, fact in COUNT_FIELDS:
        facts[fact] = _parsed(raw, key, _count, unknown, "counts")
    return facts


def job_time(job: dict[str, Any]) -> Optional[str]:
    """When a job last did something: its end, else its last change, else its start (None: never)."""
    return job.get("end_time") or job.get("last_modified_time") or job.get("start_time")


def newest_first(jobs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Jobs sorted by job_time, newest first; jobs without any time last, in their order."""
    timed = [job for job in jobs if job_time(job)]
    untimed = [job for job in jobs if not job_time(job)]
    return sorted(timed, key=job_time, reverse=True) + untimed  # type: ignore[arg-type]


def in_window(job: dict[str, Any], since: Optional[str]) -> bool:
    """Whether a job did something at or after ``since`` (a time text this collection returns)."""
    if since is None:
        return True
    moment = job_time(job)
    return moment is not None and moment >= since


def last_success(jobs: Iterable[dict[str, Any]], success_codes: Iterable[int] = (FINISHED,)) -> Optional[dict[str, Any]]:
    """The job that finished successfully most recently, or None.

    Only jobs with an end time count: the API also lists placeholder jobs with status Finished
    and every time "N/A", which say nothing about when data was last backed up.
    """
    codes = frozenset(success_codes)
    best: Optional[dict[str, Any]] = None
    for job in jobs:
        if job.get("status_code") in codes and job.get("end_time") and (best is None or job["end_time"] > best["end_time"]):
            best = job
    return best


def succeeded_within(last_success_time: Optional[str], within_seconds: float, now: datetime) -> bool:
    """Whether a last success (a time text from ``customers[].last_success``, or None) is at most
    ``within_seconds`` old at ``now``: the recency rule of a compliance check."""
    return last_success_time is not None and age_seconds(last_success_time, now) <= within_seconds


def customer_summary(customer_id: str, considered: list[dict[str, Any]], shown: list[dict[str, Any]]) -> dict[str, Any]:
    """One customer's entry of ``customers``: the last success among ``considered`` jobs, and how many are ``shown``."""
    success = last_success(considered)
    return {
        "customer_id": customer_id,
        "last_success": success["end_time"] if success else None,
        "last_success_job_id": success["job_id"] if success else None,
        "job_count": len(shown),
    }
