# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup jobs: one shape of facts whichever API answered, the declaration of the endpoints serving
them, and the last success per customer.

* partner: ``GET /partner/customers/{customer_id}/jobs`` (``partner.jobs.read.all``), every field a string.
* elements: ``POST /partner/external/v3/general/customers/{customer_id}/avpt-products/jobs/batch``
  (``elements.jobs.read.all``), integer codes, an optional ``{"jobType": n, "jobModule": n}`` body.

A job from the partner API (names, "N/A") and one from the Elements v3 API (codes, ISO times)
become the same dict of facts (JOB_FIELDS). Values this collection cannot interpret are kept (a
name as sent, ``Unknown (<code>)``) or left null, and reported by one warning per field
(_unknown_values), never silently. A time that is not ISO 8601 is a contract error: every decision
(the time window, the last success) rests on the times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Iterable, List, Optional

from ._durations import parse_duration
from ._errors import ContractError, Warn
from ._job_codes import FINISHED, JOB_MODULE, JOB_TYPE, NO_MODULE, RUN_STATUS, CodeTable, digits_only
from ._job_query import ELEMENTS_JOBS_PATH, JobQuery
from ._options import ConnectionSettings
from ._paging import ODATA, PAGE_INDEX
from ._resources import REPEAT_SKIP, Endpoint, ItemContext, Resource, Served
from ._sizes import parse_size
from ._times import ABSENT, format_time, is_placeholder, time_text
from ._unknown_values import Kind, UnknownValues

CLOCK_SKEW_SECONDS = 60  # how far after the check time a success may end and still count (clocks differ a little)
MAX_NAMED_JOBS = 10  # jobs named in one warning

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
UNKNOWN: Dict[str, Kind] = {
    name: Kind(name, "the jobs API returned %s value(s) this collection does not know: %%s. They are %s; a newer "
               "avepoint.graph may know them" % (name, kept), shown=lambda value, count, _details: "%s (%d job(s))" % (value, count),
               limit=5)
    for name, kept in _KEPT_AS.items()
}


PLACEHOLDER_TIME = Kind(
    "placeholder_time",
    "the jobs API returned placeholder times (the 'no date' values of .NET): %s. They are returned as null, as a "
    "time the job does not have",
    shown=lambda value, count, _details: "%s (%d job(s))" % (value, count),
    limit=5,
)


def _note(unknown: UnknownValues, field_name: str, value: Any) -> None:
    unknown.note(UNKNOWN[field_name], repr(value) if not isinstance(value, str) else repr(value[:60]))


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
        _note(unknown, table.field, value)
    return name, code


def _parsed(raw: dict[str, Any], key: str, parse: Callable[[str], Any], unknown: UnknownValues, field_name: str) -> Any:
    value = raw.get(key)
    if _absent(value):
        return None
    try:
        return parse(str(value))
    except ValueError:
        _note(unknown, field_name, value)
        return None


def _counted(raw: dict[str, Any], key: str, unknown: UnknownValues) -> Optional[int]:
    """An object count; the usual digits are read at once (a job has five counts, a task reads tens of thousands of jobs)."""
    value = raw.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return _parsed(raw, key, _count, unknown, "counts")


def _count(text: str) -> int:
    if not digits_only(text.strip()):
        raise ValueError(text)
    return int(text)


def _duration_seconds(text: str) -> int:
    return int(round(parse_duration(text)))


def job_facts(raw: dict[str, Any], context: ItemContext) -> dict[str, Any]:
    """The facts of one job (a schema-checked API item of either API) of ``context.customer_id``."""
    unknown = context.unknown
    job_type, job_type_code = _coded(raw, "jobType", JOB_TYPE, unknown)
    job_module, job_module_code = _coded(raw, "jobModule", JOB_MODULE, unknown)
    status, status_code = _coded(raw, "status", RUN_STATUS, unknown)
    facts: dict[str, Any] = {
        "customer_id": context.customer_id,
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
        if is_placeholder(raw.get(key)):
            unknown.note(PLACEHOLDER_TIME, repr(str(raw[key])[:40]))
            facts[fact] = None
            continue
        try:
            facts[fact] = time_text(raw.get(key))
        except ValueError:
            raise ContractError(
                "the API response for %s does not match the documented contract: field '%s' is %r, expected an ISO 8601 "
                "time or N/A" % (context.what, key, str(raw.get(key))[:60])
            ) from None
    facts["duration_seconds"] = _parsed(raw, "jobDuration", _duration_seconds, unknown, "jobDuration")
    facts["backup_size_bytes"] = _parsed(raw, "backupSize", parse_size, unknown, "backupSize")
    for key, fact in COUNT_FIELDS:
        facts[fact] = _counted(raw, key, unknown)
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


def successes(jobs: Iterable[dict[str, Any]], success_codes: Iterable[int] = (FINISHED,)) -> list[dict[str, Any]]:
    """The jobs that finished successfully and say when.

    Only jobs with an end time count: the API also lists placeholder jobs with status Finished
    and every time "N/A", which say nothing about when data was last backed up.
    """
    codes = frozenset(success_codes)
    return [job for job in jobs if job.get("status_code") in codes and job.get("end_time")]


def last_success(jobs: Iterable[dict[str, Any]], latest: Optional[str] = None,
                 success_codes: Iterable[int] = (FINISHED,)) -> Optional[dict[str, Any]]:
    """The job that finished successfully most recently, or None; a success that ends after ``latest``
    (a time text: the check time plus the clock skew allowed) has not happened and does not count."""
    best: Optional[dict[str, Any]] = None
    for job in successes(jobs, success_codes):
        if (latest is None or job["end_time"] <= latest) and (best is None or job["end_time"] > best["end_time"]):
            best = job
    return best


def latest_credible(now: datetime) -> str:
    """The latest end time a success may have at ``now``: clocks differ a little, a success from the future
    is a wrong clock, a time sent without its offset, or a placeholder."""
    return format_time(now + timedelta(seconds=CLOCK_SKEW_SECONDS))


def customer_summary(customer_id: str, considered: list[dict[str, Any]], shown: list[dict[str, Any]],
                     latest: Optional[str] = None) -> dict[str, Any]:
    """One customer's entry of ``customers``: the last success among ``considered`` jobs (none after
    ``latest``), and how many are ``shown``."""
    success = last_success(considered, latest)
    by_workload: dict[str, list[dict[str, Any]]] = {}
    for job in considered:
        # Module 0 ("None": the all-N/A rows the service lists) is no workload.
        if job.get("job_module") is not None and job.get("job_module_code") != NO_MODULE:
            by_workload.setdefault(job["job_module"], []).append(job)
    newest = {workload: last_success(jobs, latest) for workload, jobs in sorted(by_workload.items())}
    return {
        "customer_id": customer_id,
        "last_success": success["end_time"] if success else None,
        "last_success_job_id": success["job_id"] if success else None,
        "job_count": len(shown),
        "last_success_by_workload": {workload: job["end_time"] if job else None for workload, job in newest.items()},
    }


JOBS = Resource(
    kind="jobs",
    noun="job",
    key="job_id",
    repeats=REPEAT_SKIP,  # a job that moved to the next page while we were paging (a live list) counts once
    # Jobs of two modules may share an ID (and a job without one is never a repeat).
    same_item=lambda job: (job["job_id"], job["job_module"], job["start_time"]) if job["job_id"] else None,
    apis={
        "partner": Served(job_facts, of_customer=Endpoint(
            "GET", "/partner/customers/{customer_id}/jobs", "partner_job_list", "partner_job", ODATA)),
        "elements": Served(job_facts, of_customer=Endpoint(
            "POST", ELEMENTS_JOBS_PATH, "elements_job_batch", "elements_job", PAGE_INDEX)),
    },
)


@dataclass
class JobReport:
    """Jobs of the customers found (newest first per customer, customers in the order asked),
    one summary per found customer, the IDs the API does not know, and the window used."""

    jobs: List[Dict[str, Any]] = field(default_factory=list)
    customers: List[Dict[str, Any]] = field(default_factory=list)
    missing_ids: List[str] = field(default_factory=list)
    since: Optional[str] = None

    def last_success_by_id(self) -> Dict[str, Optional[str]]:
        """``{customer_id: last_success}`` for every customer found."""
        return {summary["customer_id"]: summary["last_success"] for summary in self.customers}


def api_filter(query: JobQuery) -> Dict[str, int]:
    """The body of an Elements v3 jobs request: the API filters by one type and one module; with
    several, every job comes and :func:`job_report` filters."""
    body: Dict[str, int] = {}
    for key, wanted in (("jobType", query.job_types), ("jobModule", query.job_modules)):
        code = wanted.single_code() if wanted is not None else None
        if code is not None:
            body[key] = code
    return body


def job_report(query: JobQuery, found: List[Optional[List[Dict[str, Any]]]], settings: ConnectionSettings,
               warn: Warn) -> JobReport:
    """The report of the jobs read for ``query.customer_ids`` (``found``: each one's jobs, None when unknown).

    ``customers[].last_success`` considers every job of the asked job types and modules,
    whatever ``since`` and ``status`` select: the newest success may be older than the window.
    """
    report = JobReport(since=query.since_text)
    latest = latest_credible(query.now)
    future: list[dict[str, Any]] = []
    for customer_id, jobs in zip(query.customer_ids, found):
        if jobs is None:
            report.missing_ids.append(customer_id)
            continue
        considered = [job for job in jobs if _kind_matches(job, query)]
        shown = newest_first(job for job in considered if _window_matches(job, query))
        report.jobs.extend(shown)
        report.customers.append(customer_summary(customer_id, considered, shown, latest))
        future.extend(job for job in successes(considered) if job["end_time"] > latest)
    if future:
        warn(_future_warning(future, query.now))
    if report.missing_ids and not report.customers:
        warn(_all_missing_hint(query, settings))
    return report


def _future_warning(jobs: list[dict[str, Any]], now: datetime) -> str:
    listed = ", ".join("job %s of customer %s (ends %s)" % (job["job_id"] or "without an ID", job["customer_id"], job["end_time"])
                       for job in jobs[:MAX_NAMED_JOBS])
    more = " and %d more" % (len(jobs) - MAX_NAMED_JOBS) if len(jobs) > MAX_NAMED_JOBS else ""
    return ("the jobs API returned successful job(s) that end after the time of this check (%s, with %d s allowed for "
            "clock differences): %s%s. They are not counted as a last success: check the clocks and time zones of the "
            "service" % (format_time(now), CLOCK_SKEW_SECONDS, listed, more))


def _kind_matches(job: Dict[str, Any], query: JobQuery) -> bool:
    return all(
        wanted is None or wanted.matches(job[field_name + "_code"], job[field_name])
        for field_name, wanted in (("job_type", query.job_types), ("job_module", query.job_modules))
    )


def _window_matches(job: Dict[str, Any], query: JobQuery) -> bool:
    if query.statuses is not None and not query.statuses.matches(job["status_code"], job["status"]):
        return False
    return in_window(job, query.since_text)


def _all_missing_hint(query: JobQuery, settings: ConnectionSettings) -> str:
    """A 404 for every customer may also mean that the endpoint is not where we ask."""
    if settings.api == "elements":
        where = "%s (option elements_jobs_path)" % query.elements_path
    else:
        where = JOBS.served("partner").of_customer.path  # type: ignore[union-attr]
    return ("the jobs API answered HTTP 404 for every customer asked (%d): they are returned in missing_ids. If these "
            "customers exist, the jobs endpoint may not be at %s on %s" % (len(query.customer_ids), where, settings.api_url))
