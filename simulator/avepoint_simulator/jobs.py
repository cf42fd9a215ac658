"""Deterministic backup job history per customer, and its two API views.

A customer's history depends only on (seed, customer index, now, days), so tests can ask
the simulator for the raw jobs and compute what a client must answer. Each customer has a
profile (cycling with its index) that shapes its recent history:

healthy      daily successes, now and then a failure or "Finished with exception"
running      healthy, and the newest job of one module is still running (no end time)
partial      one workload failing while another succeeds: SharePoint Online backs up daily, Exchange
             Online has only failures for the last 3-6 days (the last success of any workload is recent)
stale        only failures for the last 3-6 days; the last success is older
placeholder  healthy, plus the all-"N/A" rows with status Finished the real service lists
never        placeholder rows, failures and jobs that never started: no real success
late         failures and exceptions today; the last success 26-40 hours ago
empty        no jobs at all

Jobs are stored in the Elements v3 shape (integer codes, ISO 8601 times, strings for the
rest) and listed newest first; the partner view turns codes into names. A dataset file may
give a customer a "jobs" list (v3 shape) to serve exactly that.
"""
from __future__ import annotations

import random
import time
from typing import Any

PROFILES = ("healthy", "running", "partial", "stale", "placeholder", "never", "late", "empty")

STATUS_NAMES: dict[int, str] = {
    0: "None", 1: "Running", 2: "Finished", 3: "Failed", 4: "Finished with exception", 5: "Skipped",
    6: "Pending", 7: "Failed to start", 8: "Canceled", 9: "Rejected", 10: "Stopped", 11: "Not scanned",
    12: "Disabled", 13: "Not started", 14: "Waiting for configuration",
}
TYPE_NAMES: dict[int, str] = {0: "Microsoft 365 Scan", 7: "Microsoft 365", 11: "Google Workspace"}
MODULE_NAMES: dict[int, str] = {
    0: "None", 302: "SharePoint Online", 303: "Exchange Online", 305: "OneDrive", 308: "Microsoft Teams",
    501: "Gmail", 504: "Drive",
}
M365_MODULES = (302, 303, 305, 308)
# The "partial" profile: the first succeeds daily, the second fails for days.
PARTIAL_HEALTHY, PARTIAL_FAILING = 302, 303
GOOGLE_MODULES = (501, 504)
NA = "N/A"
# The partner API's status for the placeholder rows (as in AvePoint's partner jobs sample).
PARTNER_PLACEHOLDER_STATUS = "Not Finished"

HOUR = 3600
DAY = 24 * HOUR


def profile_of(index: int) -> str:
    return PROFILES[index % len(PROFILES)]


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def duration_text(seconds: int) -> str:
    """The service's own style: "17m39s", "38s", "1h2m5s", and "0 S" for nothing."""
    if seconds <= 0:
        return "0 S"
    hours, rest = divmod(seconds, HOUR)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if hours or minutes else "")
    return text + f"{secs}s"


def size_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return "0 GB"
    if roll < 0.35:
        return f"{rng.uniform(1, 999):.1f} MB"
    return f"{rng.uniform(0.01, 80):.2f} GB"


def placeholder_job() -> dict[str, Any]:
    """A row the real service lists: type/module 0, status Finished, every other value N/A."""
    job = {"jobType": 0, "jobModule": 0, "status": 2, "jobId": NA, "name": NA}
    for key in ("totalCount", "failedCount", "successfulCount", "skippedCount", "warningCount", "backupSize",
                "startTime", "endTime", "jobDuration", "lastModifyTime"):
        job[key] = NA
    job["_placeholder"] = True
    return job


class _Builder:
    def __init__(self, rng: random.Random, now: float) -> None:
        self.rng = rng
        self.now = now

    def job(self, job_type: int, module: int, status: int, hours_ago: float) -> dict[str, Any]:
        rng = self.rng
        start = int(self.now - hours_ago * HOUR)
        total = rng.randint(0, 5000)
        failed = rng.randint(1, max(1, total // 10)) if status in (3, 4) and total else 0
        skipped = rng.randint(0, total // 50) if total else 0
        job = {
            "jobType": job_type,
            "jobModule": module,
            "status": status,
            "jobId": "IB%s%06d" % (time.strftime("%Y%m%d%H%M%S", time.gmtime(start)), rng.randint(0, 999999)),
            "name": NA if rng.random() < 0.8 else "Scheduled backup",
            "totalCount": str(total),
            "failedCount": str(failed),
            "successfulCount": str(total - failed - skipped),
            "skippedCount": str(skipped),
            "warningCount": str(rng.randint(0, 3) if status == 4 else 0),
            "backupSize": size_text(rng),
            "startTime": iso(start),
        }
        if status in (1, 6):  # running or pending: not ended yet
            job.update(endTime=NA, jobDuration=NA, lastModifyTime=iso(min(self.now - 60, start + rng.randint(60, 1800))))
        elif status in (7, 13):  # never ran
            job.update(endTime=NA, jobDuration=NA, lastModifyTime=iso(start), totalCount="0", failedCount="0",
                       successfulCount="0", skippedCount="0", warningCount="0", backupSize="0 GB")
        else:
            # Ends before "now" whatever the start: the newest jobs are short.
            roll = rng.random()
            seconds = 0 if roll < 0.05 else rng.randint(20, 120) if roll < 0.4 else rng.randint(120, 7200)
            seconds = max(min(seconds, int(hours_ago * HOUR) - 120), 0)
            job.update(endTime=iso(start + seconds), jobDuration=duration_text(seconds),
                       lastModifyTime=iso(start + seconds + 1))
        return job


def generate_jobs(index: int, seed: int, now: float, days: int = 14) -> list[dict[str, Any]]:
    """The job history of the customer at ``index`` (v3 shape, newest first)."""
    profile = profile_of(index)
    if profile == "empty" or days <= 0:
        return []
    rng = random.Random(f"avepoint-sim-jobs/{seed}/{index}")
    build = _Builder(rng, now)
    modules = [(7, module) for module in rng.sample(M365_MODULES, rng.randint(2, 4))]
    if profile == "partial":
        modules = [(7, PARTIAL_HEALTHY), (7, PARTIAL_FAILING)] + [
            pair for pair in modules if pair[1] not in (PARTIAL_HEALTHY, PARTIAL_FAILING)]
    if rng.random() < 0.25:
        modules += [(11, module) for module in rng.sample(GOOGLE_MODULES, rng.randint(1, 2))]
    runs = 2 if index % 3 == 0 else 1
    stale_days = rng.randint(3, 6)
    jobs: list[dict[str, Any]] = []
    for position, (job_type, module) in enumerate(modules):
        offset = rng.uniform(0.5, 11.5)  # hours between "now" and this module's newest run
        for day in range(days):
            for run in range(runs):
                hours_ago = day * 24 + run * 12 + offset
                status = _status(profile, rng, day, hours_ago, position, stale_days, module)
                jobs.append(build.job(job_type, module, status, hours_ago))
    if profile == "running":
        newest = max((job for job in jobs if job["jobModule"] == modules[0][1]), key=lambda job: job["startTime"])
        jobs[jobs.index(newest)] = build.job(newest["jobType"], newest["jobModule"], 1, 0.4)
    if profile == "never":
        jobs += [build.job(7, modules[0][1], 13, 1.5), build.job(7, modules[-1][1], 7, 30)]
    jobs.sort(key=lambda job: job["startTime"], reverse=True)
    if profile in ("placeholder", "never"):
        jobs = [placeholder_job()] + jobs + [placeholder_job()]
    return jobs


def _status(profile: str, rng: random.Random, day: int, hours_ago: float, position: int, stale_days: int,
            module: int) -> int:
    if profile == "never":
        return rng.choice([3, 3, 7, 8, 4, 10])
    if profile == "stale" and day < stale_days:
        return rng.choice([3, 3, 7, 8])
    if profile == "partial" and module == PARTIAL_FAILING and day < stale_days:
        return rng.choice([3, 3, 7, 8])
    if profile == "late" and hours_ago < 26:
        return rng.choice([3, 4, 4, 7])
    if day == 0 and position == 0 and profile in ("healthy", "running", "placeholder", "partial"):
        return 2  # these profiles always have a recent success
    roll = rng.random()
    if roll < 0.06:
        return 3
    if roll < 0.14:
        return 4
    return 2


def partner_job_view(job: dict[str, Any]) -> dict[str, Any]:
    """The partner API's shape: every field a string, names instead of codes."""
    view = {key: value for key, value in job.items() if not key.startswith("_")}
    view["jobType"] = _name(TYPE_NAMES, job["jobType"])
    view["jobModule"] = _name(MODULE_NAMES, job["jobModule"])
    view["status"] = PARTNER_PLACEHOLDER_STATUS if job.get("_placeholder") else _name(STATUS_NAMES, job["status"])
    return {key: value if isinstance(value, str) else str(value) for key, value in view.items()}


def v3_job_view(job: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in job.items() if not key.startswith("_")}


def _name(names: dict[int, str], value: Any) -> Any:
    return names.get(value, str(value)) if isinstance(value, int) else value
