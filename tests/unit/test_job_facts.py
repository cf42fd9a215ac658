"""Job facts: AvePoint's samples through the shipped schemas, one shape for both APIs, the last success."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError, ContractError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import RUN_STATUS, RUN_STATUSES, workload
from ansible_collections.avepoint.graph.plugins.module_utils._jobs import (
    JOB_FIELDS, customer_summary, in_window, job_facts, last_success, latest_credible, newest_first, succeeded_within)
from ansible_collections.avepoint.graph.plugins.module_utils._resources import ItemContext
from ansible_collections.avepoint.graph.plugins.module_utils._schemas import check
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues

SAMPLES = Path(__file__).resolve().parent / "api_samples"
CUSTOMER = "0f8fad5b-d9cb-469f-a165-70867728950e"


def sample(name):
    return json.loads((SAMPLES / name).read_text())


def facts_of(raw, unknown=None):
    return job_facts(raw, ItemContext("job 1 of the test", CUSTOMER, unknown or UnknownValues()))


def test_the_v3_sample_passes_the_schemas_and_gives_the_documented_facts():
    document = sample("v3_jobs.json")
    check("elements_job_batch", document, "page")
    for item in document["data"]:
        check("elements_job", item, "job")
    unknown = UnknownValues()
    assert facts_of(document["data"][0], unknown) == {
        "customer_id": CUSTOMER,
        "job_id": "FB20****1103****214502",
        "name": None,  # "N/A"
        "job_type": "Microsoft 365", "job_type_code": 7,  # "7 represents Microsoft 365"
        "job_module": "Microsoft 365 Groups", "job_module_code": 304,
        "status": "Failed", "status_code": 3,  # "3 represents failed"
        "start_time": "2025-09-11T03:21:16Z",
        "end_time": "2025-09-11T03:38:56Z",
        "last_modified_time": "2025-09-11T03:38:57Z",
        "duration_seconds": 1059,  # 17m39s
        "backup_size_bytes": 0,
        "total_count": 2323, "failed_count": 0, "successful_count": 2323, "skipped_count": 0, "warning_count": 0,
    }
    assert_nothing_unknown(unknown)


def test_the_partner_sample_passes_the_schemas_and_gives_the_documented_facts():
    document = sample("partner_jobs.json")
    check("partner_job_list", document, "page")
    unknown = UnknownValues()
    jobs = []
    for item in document["value"]:
        check("partner_job", item, "job")
        jobs.append(facts_of(item, unknown))
    assert [(job["job_type"], job["job_type_code"], job["job_module"], job["job_module_code"]) for job in jobs] == [
        ("Microsoft 365", 7, "SharePoint Online", 302), ("Microsoft 365", 7, "Exchange Online", 303)]
    for job in jobs:
        assert (job["status"], job["status_code"]) == ("Not Finished", None)
        assert job["job_id"] is None and job["name"] is None
        assert job["start_time"] is job["end_time"] is job["last_modified_time"] is job["duration_seconds"] is None
        assert job["backup_size_bytes"] == 0 and job["total_count"] == 0
        assert list(job) == list(JOB_FIELDS)
    assert last_success(jobs) is None
    assert_nothing_unknown(unknown)  # "Not Finished" is documented (in this sample), so no warning


def assert_nothing_unknown(unknown):
    warnings = []
    unknown.report(warnings.append)
    assert warnings == []


V3_JOB = sample("v3_jobs.json")["data"][0]


def partner_twin(raw):
    """The same job as the partner API would write it: names for codes, every field a string."""
    return dict(raw, jobType="Microsoft 365", jobModule="Microsoft 365 Groups", status="Failed")


def test_both_apis_give_the_same_facts_for_the_same_job():
    assert facts_of(partner_twin(V3_JOB)) == facts_of(V3_JOB)


def test_partner_names_are_matched_forgivingly_and_given_their_documented_spelling():
    job = facts_of(dict(V3_JOB, jobType="  microsoft   365 ", jobModule="SHAREPOINT ONLINE", status="finished WITH exception"))
    assert (job["job_type"], job["job_module"], job["status"], job["status_code"]) == (
        "Microsoft 365", "SharePoint Online", "Finished with exception", 4)


def test_a_code_sent_as_digits_is_a_code():
    job = facts_of(dict(V3_JOB, status="2", jobType="7", jobModule="302"))
    assert (job["status"], job["status_code"], job["job_type_code"], job["job_module"]) == ("Finished", 2, 7, "SharePoint Online")


@pytest.mark.parametrize("code, name", [(309, "Teams Chat"), (362, "Native Azure SQL Backup Monitoring"), (367, "Azure VMware Solution"),
                                        (368, "Microsoft SQL Server in Azure VM"), (369, "Google Cloud Storage"), (370, "Cosmos DB"),
                                        (371, "Azure PostgreSQL"), (550, "Dynamics CRM Backup"), (551, "Dynamics Unified Operations Backup"),
                                        (8, "Archiver")])
def test_the_module_codes_of_april_2026(code, name):
    assert (facts_of(dict(V3_JOB, jobModule=code))["job_module"], facts_of(dict(V3_JOB, jobModule=name))["job_module_code"]) == (name, code)


@pytest.mark.parametrize("spelling, name, code", [
    ("OneDrive for Business", "OneDrive", 305), ("Microsoft 365 Group", "Microsoft 365 Groups", 304),
    ("Microsoft Teams Chat", "Teams Chat", 309), ("Yammer", "Viva Engage", 402),
    ("Exchange Online Public Folders", "Exchange Online Public Folder", 307), ("exchange", "Exchange Online", 303),
    ("  TEAMS ", "Microsoft Teams", 308), ("Active Directory", "Microsoft Entra ID", 358),
    ("Dynamics Customer Engagement", "Dynamics CRM Backup", 550),
])
def test_every_spelling_of_a_workload_is_one_module(spelling, name, code):
    unknown = UnknownValues()
    job = facts_of(dict(V3_JOB, jobModule=spelling), unknown)
    assert (job["job_module"], job["job_module_code"]) == (name, code)
    assert_nothing_unknown(unknown)


@pytest.mark.parametrize("code", sorted(RUN_STATUSES))
def test_every_documented_status_code_has_its_name(code):
    job = facts_of(dict(V3_JOB, status=code))
    assert (job["status"], job["status_code"]) == (RUN_STATUSES[code], code)
    assert RUN_STATUS.decode(RUN_STATUSES[code]) == (RUN_STATUSES[code], code, True)


def test_unknown_values_are_kept_and_warned_once_per_value():
    unknown = UnknownValues()
    jobs = [facts_of(dict(V3_JOB, status=99, jobModule=777), unknown) for _repeat in range(3)]
    jobs.append(facts_of(dict(V3_JOB, status="Cancelled", jobType="Box"), unknown))
    jobs.append(facts_of(dict(V3_JOB, jobDuration="forever", backupSize="1,5 GB", failedCount="many"), unknown))
    assert (jobs[0]["status"], jobs[0]["status_code"], jobs[0]["job_module"], jobs[0]["job_module_code"]) == (
        "Unknown (99)", 99, "Unknown (777)", 777)
    assert (jobs[3]["status"], jobs[3]["status_code"], jobs[3]["job_type"], jobs[3]["job_type_code"]) == ("Cancelled", None, "Box", None)
    assert (jobs[4]["duration_seconds"], jobs[4]["backup_size_bytes"], jobs[4]["failed_count"]) == (None, None, None)
    warnings = []
    unknown.report(warnings.append)
    text = "\n".join(warnings)
    assert len(warnings) == 6, text  # status, job_module, job_type, jobDuration, backupSize, counts
    assert "status value(s) this collection does not know: 'Cancelled' (1 job(s)), 99 (3 job(s))" in text
    assert "777 (3 job(s))" in text and "'Box'" in text and "'forever'" in text and "'1,5 GB'" in text and "'many'" in text
    # The same values again: no second warning; a new one: one more.
    facts_of(dict(V3_JOB, status=99), unknown)
    facts_of(dict(V3_JOB, status=98), unknown)
    again = []
    unknown.report(again.append)
    assert len(again) == 1 and "98 (1 job(s))" in again[0] and "99" not in again[0]


def test_a_time_that_is_not_iso_8601_is_a_contract_error_naming_the_job_and_field():
    with pytest.raises(ContractError, match=r"job 1 of the test .* field 'endTime' is '11/09/2025 03:38', expected an ISO 8601"):
        facts_of(dict(V3_JOB, endTime="11/09/2025 03:38"))


@pytest.mark.parametrize("duration, seconds", [("0 S", 0), ("38s", 38), ("2m33s", 153), ("1h2m5s", 3725), ("00:17:39", 1059)])
def test_durations_the_service_writes(duration, seconds):
    assert facts_of(dict(V3_JOB, jobDuration=duration))["duration_seconds"] == seconds


def job(end=None, status=2, job_id="j", start=None, modified=None):
    return {"job_id": job_id, "status_code": status, "end_time": end, "start_time": start, "last_modified_time": modified}


def test_last_success_is_the_newest_finished_job_with_an_end_time():
    jobs = [
        job("2026-11-28T08:00:00Z", 2, "old"),
        job("2026-11-29T07:00:00Z", 3, "failed-later"),
        job("2026-11-29T06:00:00Z", 4, "exception-later"),
        job(None, 2, "placeholder"),  # status Finished, every time N/A: says nothing
        job("2026-11-29T05:00:00Z", 2, "newest"),
        job("2026-11-27T05:00:00Z", 2, "older"),
    ]
    assert last_success(jobs)["job_id"] == "newest"
    assert last_success(jobs, success_codes=(2, 4))["job_id"] == "exception-later"
    assert last_success([job(None, 2), job("2026-11-29T05:00:00Z", 3)]) is None
    assert last_success([]) is None


def test_a_success_after_the_check_time_does_not_count():
    now = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
    latest = latest_credible(now)
    assert latest == "2026-11-29T08:01:00Z"  # a minute allowed for clocks that differ
    real = job("2026-11-28T08:00:00Z", 2, "real")
    for future_end in ("2099-01-01T00:00:00Z", "2026-11-29T08:05:00Z", "2026-11-29T08:01:01Z"):
        assert last_success([job(future_end, 2, "future"), real, job("2026-11-29T07:00:00Z", 3, "failed")], latest)["job_id"] == "real"
    assert last_success([job("2026-11-29T08:00:59Z", 2, "skewed"), real], latest)["job_id"] == "skewed"
    assert last_success([job("2099-01-01T00:00:00Z", 2, "future")], latest) is None
    assert customer_summary(CUSTOMER, [job("2099-01-01T00:00:00Z", 2, "f"), real], [], latest)["last_success"] == real["end_time"]
    assert last_success([job("2099-01-01T00:00:00Z", 2, "f")]) is not None  # without a time of check, nothing is in the future


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999",
                                   "9999-12-31T23:59:59.9999999+01:00", "9999-12-31"])
def test_placeholder_times_are_no_time_with_one_warning(value):
    unknown = UnknownValues()
    facts = facts_of(dict(V3_JOB, endTime=value, startTime=value), unknown)
    assert facts["end_time"] is None and facts["start_time"] is None
    warnings = []
    unknown.report(warnings.append)
    assert len(warnings) == 1 and "placeholder times" in warnings[0] and "(2 job(s))" in warnings[0]


def test_an_ancient_time_keeps_four_digits_of_year_and_sorts_before_today():
    facts = facts_of(dict(V3_JOB, endTime="0999-06-01T00:00:00Z"))
    assert facts["end_time"] == "0999-06-01T00:00:00Z" < "2026-01-01T00:00:00Z"


@pytest.mark.parametrize("field, value", [("status", "\u00b2"), ("jobType", "\u00b3"), ("jobModule", "\u00b9")])
def test_superscript_digits_are_unknown_names_not_a_crash(field, value):
    unknown = UnknownValues()
    facts = facts_of(dict(V3_JOB, **{field: value}), unknown)
    assert facts[{"status": "status", "jobType": "job_type", "jobModule": "job_module"}[field] + "_code"] is None
    warnings = []
    unknown.report(warnings.append)
    assert len(warnings) == 1


def test_customer_summary():
    considered = [job("2026-11-29T05:00:00Z", 2, "a"), job("2026-11-29T06:00:00Z", 3, "b")]
    assert customer_summary(CUSTOMER, considered, considered[1:]) == {
        "customer_id": CUSTOMER, "last_success": "2026-11-29T05:00:00Z", "last_success_job_id": "a", "job_count": 1,
        "last_success_by_workload": {}}
    assert customer_summary(CUSTOMER, [], []) == {
        "customer_id": CUSTOMER, "last_success": None, "last_success_job_id": None, "job_count": 0, "last_success_by_workload": {}}


def test_the_last_success_of_each_workload():
    now = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
    exchange_failing = [dict(job("2026-11-29T07:00:00Z", 3, "e1"), job_module="Exchange Online"),
                        dict(job("2026-11-26T02:00:00Z", 2, "e2"), job_module="Exchange Online")]
    sharepoint = [dict(job("2026-11-29T05:00:00Z", 2, "s1"), job_module="SharePoint Online"),
                  dict(job("2099-01-01T00:00:00Z", 2, "s-future"), job_module="SharePoint Online")]
    onedrive_never = [dict(job("2026-11-29T06:00:00Z", 3, "o1"), job_module="OneDrive")]
    placeholder = [dict(job(None, 2, None), job_module="None", job_module_code=0)]  # no workload
    summary = customer_summary(CUSTOMER, exchange_failing + sharepoint + onedrive_never + placeholder, [], latest_credible(now))
    assert summary["last_success"] == "2026-11-29T05:00:00Z"  # some workload succeeded lately...
    assert summary["last_success_by_workload"] == {  # ...which hides a failing one
        "Exchange Online": "2026-11-26T02:00:00Z", "OneDrive": None, "SharePoint Online": "2026-11-29T05:00:00Z"}


def test_window_and_order_use_the_end_else_last_change_else_start():
    running = job(None, 1, "running", start="2026-11-27T00:00:00Z", modified="2026-11-29T07:59:00Z")
    ended = job("2026-11-28T09:00:00Z", 2, "ended", start="2026-11-28T08:00:00Z")
    queued = job(None, 6, "queued", start="2026-11-29T01:00:00Z")
    timeless = job(None, 2, "timeless")
    since = "2026-11-28T12:00:00Z"
    assert [j["job_id"] for j in (running, ended, queued, timeless) if in_window(j, since)] == ["running", "queued"]
    assert all(in_window(j, None) for j in (running, ended, queued, timeless))
    assert [j["job_id"] for j in newest_first([timeless, ended, queued, running])] == ["running", "queued", "ended", "timeless"]


def test_the_recency_rule():
    now = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
    assert succeeded_within("2026-11-28T08:00:00Z", 24 * 3600, now)
    assert not succeeded_within("2026-11-28T07:59:59Z", 24 * 3600, now)
    assert not succeeded_within(None, 10 ** 9, now)


def test_a_declared_workload_in_any_spelling_or_a_clear_error():
    assert workload("onedrive for business", "x") == workload("OneDrive", "x") == "OneDrive"
    assert workload(" teams ", "x") == "Microsoft Teams"
    for bad in ("OneDrvie", "None", 305, None):
        with pytest.raises(ConfigurationError) as caught:
            workload(bad, "last_successful_backup_within of customer X")
        message = str(caught.value)
        assert message.startswith("last_successful_backup_within of customer X names the workload")
        assert "Exchange Online, " in message and "Viva Engage" in message and "None," not in message
