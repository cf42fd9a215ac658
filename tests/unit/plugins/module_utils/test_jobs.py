"""Job facts: AvePoint's samples through the shipped schemas, one shape for both APIs, the last success."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Optional

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError, NotFoundError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import job_query
from ansible_collections.avepoint.graph.plugins.module_utils._jobs import (
    JOB_FIELDS, customer_summary, in_window, job_facts, last_success, latest_credible, newest_first)
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._paging import PAGE_INDEX
from ansible_collections.avepoint.graph.plugins.module_utils._resources import ItemContext
from ansible_collections.avepoint.graph.plugins.module_utils._schemas import check
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues

from api_samples_io import SAMPLES
from fakes import API_URL, TOKEN_URL, FakeTransport, ScriptedClient, response


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


def test_a_code_sent_as_digits_is_a_code():
    job = facts_of(dict(V3_JOB, status="2", jobType="7", jobModule="302"))
    assert (job["status"], job["status_code"], job["job_type_code"], job["job_module"]) == ("Finished", 2, 7, "SharePoint Online")


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


NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 6)]
PAGE_SIZE = PAGE_INDEX.page_size


def fetch_jobs(scripted: ScriptedClient, query):
    return scripted.client.get_jobs(query)


def v3_job(n: int, status: int = 2, end: Optional[str] = "auto", job_type: int = 7, module: int = 302) -> dict:
    start = "2026-11-%02dT%02d:00:00Z" % (28 - n // 24, 23 - n % 24)
    return {"jobType": job_type, "jobModule": module, "status": status, "jobId": "IB%06d" % n, "name": "N/A",
            "startTime": start, "endTime": start.replace(":00:00Z", ":30:00Z") if end == "auto" else end,
            "jobDuration": "30m0s", "backupSize": "1 GB", "lastModifyTime": "N/A"}


def partner_job(n: int, status: str = "Finished", module: str = "SharePoint Online") -> dict:
    job = v3_job(n)
    return dict(job, jobType="Microsoft 365", jobModule=module, status=status)


def v3_service(histories: dict[str, list[dict]], page_cap: int = PAGE_SIZE, total_offset: int = 0):
    def handler(method, path, params, body, what):
        assert method == "POST" and params["pageSize"] == PAGE_SIZE
        customer = path.split("/")[6]
        if customer not in histories:
            raise NotFoundError("HTTP 404 Not Found for %s: not found" % what, status=404)
        jobs = [job for job in histories[customer]
                if all(body.get(key) is None or job[key] == body[key] for key in ("jobType", "jobModule"))]
        start = (params["pageIndex"] - 1) * page_cap
        return {"data": jobs[start:start + page_cap],
                "metadata": {"pageIndex": params["pageIndex"], "pageSize": page_cap, "totalCount": len(jobs) + total_offset}}
    return handler


def partner_service(histories: dict[str, list[dict]], page_size: int = 2, link_host: str = API_URL):
    def handler(method, url, params, body, what):
        assert method == "GET" and body is None
        path, _separator, token = url.partition("?page=")
        customer = path.split("/")[3]
        if customer not in histories:
            raise NotFoundError("HTTP 404 Not Found for %s: not found" % what, status=404)
        offset = int(token or 0)
        document = {"value": histories[customer][offset:offset + page_size]}
        if offset + page_size < len(histories[customer]):
            document["@odata.nextLink"] = "%s/partner/customers/%s/jobs?page=%d" % (link_host, customer, offset + page_size)
        return document
    return handler


def test_elements_pages_every_customer_concurrently_and_summarises():
    histories = {IDS[0]: [v3_job(n, status=3 if n < 2 else 2) for n in range(230)], IDS[1]: [], IDS[2]: [v3_job(1, status=3)]}
    client = ScriptedClient("elements", v3_service(histories))
    report = fetch_jobs(client, job_query(IDS[:3], now=NOW))
    assert len([job for job in report.jobs if job["customer_id"] == IDS[0]]) == 230
    pages = [request.params["pageIndex"] for request in client.requests if IDS[0] in request.path]
    assert sorted(pages) == [1, 2, 3]
    assert all(request.body == {} and request.headers == {"Content-Type": "application/json"} for request in client.requests)
    assert report.customers == [
        {"customer_id": IDS[0], "last_success": v3_job(2)["endTime"], "last_success_job_id": "IB000002", "job_count": 230,
         "last_success_by_workload": {"SharePoint Online": v3_job(2)["endTime"]}},
        {"customer_id": IDS[1], "last_success": None, "last_success_job_id": None, "job_count": 0, "last_success_by_workload": {}},
        {"customer_id": IDS[2], "last_success": None, "last_success_job_id": None, "job_count": 1,
         "last_success_by_workload": {"SharePoint Online": None}},
    ]
    assert report.missing_ids == [] and report.since is None and client.warnings == []
    assert report.last_success_by_id() == {IDS[0]: v3_job(2)["endTime"], IDS[1]: None, IDS[2]: None}


def test_the_customer_id_is_encoded_into_the_configured_path():
    client = ScriptedClient("elements", v3_service({IDS[0]: [v3_job(1)]}))
    fetch_jobs(client, job_query([IDS[0].upper()], elements_path="/v3/c/{customerId}/products/jobs/batch", now=NOW))
    assert client.requests[0].path == "/v3/c/%s/products/jobs/batch" % IDS[0]


def test_one_type_and_module_are_filtered_by_the_api_several_by_us_and_last_success_follows_them():
    history = [v3_job(1, module=303), v3_job(2, status=3), v3_job(3), v3_job(4, job_type=11, module=501)]
    client = ScriptedClient("elements", v3_service({IDS[0]: history}))
    report = fetch_jobs(client, job_query([IDS[0]], job_types=["Microsoft 365"], job_modules=["SharePoint Online"], now=NOW))
    assert client.requests[0].body == {"jobType": 7, "jobModule": 302}
    assert [job["job_id"] for job in report.jobs] == ["IB000002", "IB000003"]
    assert report.customers[0]["last_success_job_id"] == "IB000003"
    client = ScriptedClient("elements", v3_service({IDS[0]: history}))
    report = fetch_jobs(client, job_query([IDS[0]], job_modules=["302", "303"], now=NOW))
    assert client.requests[0].body == {}
    assert [job["job_id"] for job in report.jobs] == ["IB000001", "IB000002", "IB000003"]


def test_status_and_since_select_jobs_but_not_the_last_success():
    history = [v3_job(1, status=3), v3_job(30), v3_job(40, status=3)]  # the success is 30+ hours old
    client = ScriptedClient("partner", partner_service({IDS[0]: [
        partner_job(1, "Failed"), partner_job(30), partner_job(40, "Failed")]}))
    report = fetch_jobs(client, job_query([IDS[0]], since="24h", statuses=["Failed"], now=NOW))
    assert [job["job_id"] for job in report.jobs] == ["IB000001"]
    assert report.customers[0]["last_success"] == history[1]["endTime"]
    assert report.since == "2026-11-28T08:00:00Z"


def test_partner_follows_next_links_and_both_apis_agree():
    partner = {IDS[0]: [partner_job(n, "Failed" if n % 3 else "Finished") for n in range(7)]}
    v3 = {IDS[0]: [v3_job(n, 3 if n % 3 else 2) for n in range(7)]}
    partner_client = ScriptedClient("partner", partner_service(partner, page_size=2))
    from_partner = fetch_jobs(partner_client, job_query([IDS[0]], now=NOW))
    assert [request.path for request in partner_client.requests] == [
        "/partner/customers/%s/jobs" % IDS[0]] + ["/partner/customers/%s/jobs?page=%d" % (IDS[0], n) for n in (2, 4, 6)]
    from_elements = fetch_jobs(ScriptedClient("elements", v3_service(v3, page_cap=3)), job_query([IDS[0]], now=NOW))
    assert from_partner.jobs == from_elements.jobs and len(from_partner.jobs) == 7
    assert from_partner.customers == from_elements.customers


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_a_404_for_the_first_page_is_a_missing_customer(api):
    histories = {IDS[1]: []}
    service = partner_service(histories) if api == "partner" else v3_service(histories)
    client = ScriptedClient(api, service)
    report = fetch_jobs(client, job_query([IDS[0], IDS[1]], now=NOW))
    assert report.missing_ids == [IDS[0]] and [c["customer_id"] for c in report.customers] == [IDS[1]]
    assert client.warnings == []


@pytest.mark.parametrize("api, where", [("partner", "/partner/customers/{customer_id}/jobs"),
                                        ("elements", "avpt-products/jobs/batch (option elements_jobs_path)")])
def test_a_404_for_every_customer_warns_that_the_endpoint_may_be_elsewhere(api, where):
    client = ScriptedClient(api, partner_service({}) if api == "partner" else v3_service({}))
    report = fetch_jobs(client, job_query(IDS[:2], now=NOW))
    assert report.missing_ids == IDS[:2]
    assert len(client.warnings) == 1 and where in client.warnings[0] and "HTTP 404 for every customer asked (2)" in client.warnings[0]


def test_a_404_in_the_middle_of_paging_is_an_error_not_a_missing_customer():
    def handler(method, path, params, body, what):
        if params["pageIndex"] == 2:
            raise NotFoundError("HTTP 404 Not Found for %s: not found" % what, status=404)
        return {"data": [v3_job(1)], "metadata": {"totalCount": 2}}
    with pytest.raises(NotFoundError, match=r"page 2"):
        fetch_jobs(ScriptedClient("elements", handler), job_query([IDS[0]], now=NOW))


def test_a_short_elements_listing_is_refused():
    client = ScriptedClient("elements", v3_service({IDS[0]: [v3_job(1)]}, total_offset=5))
    with pytest.raises(ContractError, match=r"no new jobs although metadata.totalCount is 6 and only 1 arrived"):
        fetch_jobs(client, job_query([IDS[0]], now=NOW))


def test_a_list_that_shifts_while_it_is_paged_is_read_again_and_counts_each_job_once():
    # The first reading: a new job (0) arrived after page 1 was read and pushed job 2 to page 2.
    # The second reading sees the list as it is now.
    readings = [{1: [v3_job(1), v3_job(2)], 2: [v3_job(2), v3_job(3)], 3: []},
                {1: [v3_job(0), v3_job(1)], 2: [v3_job(2), v3_job(3)]}]

    def handler(method, path, params, body, what):
        reading = readings[0]
        page = reading[params["pageIndex"]]
        if params["pageIndex"] == len(reading):
            readings.pop(0)
        return {"data": page, "metadata": {"totalCount": 4}}
    report = fetch_jobs(ScriptedClient("elements", handler), job_query([IDS[0]], now=NOW))
    assert [job["job_id"] for job in report.jobs] == ["IB000000", "IB000001", "IB000002", "IB000003"]


def test_a_service_that_ignores_the_page_index_is_an_error_naming_the_endpoint():
    jobs = [v3_job(n) for n in range(100)]
    client = ScriptedClient("elements", lambda method, path, params, body, what: {"data": jobs, "metadata": {"totalCount": 150}})
    with pytest.raises(ContractError) as caught:
        fetch_jobs(client, job_query([IDS[0]], now=NOW))
    assert ("the jobs of customer %s (page 2) with no new jobs although metadata.totalCount is 150 and only 100 arrived" % IDS[0]
            in str(caught.value))
    assert "(POST /partner/external/v3/general/customers/%s/avpt-products/jobs/batch); read 3 times" % IDS[0] in str(caught.value)
    assert len(client.requests) == 6


def test_jobs_sharing_an_id_on_one_page_or_across_modules_are_all_kept():
    failed, finished = dict(v3_job(1), status=3, jobId="X"), dict(v3_job(2), jobId="X")  # one ID, twice on a page
    retried = dict(v3_job(2), jobId="X", status=3)  # the very same job listed again on the same page: kept too
    pages = {1: [failed, finished, retried, dict(v3_job(3), jobId="Y")], 2: [dict(v3_job(3, module=303), jobId="Y")]}

    def handler(method, path, params, body, what):
        return {"data": pages[params["pageIndex"]], "metadata": {"totalCount": 5}}
    report = fetch_jobs(ScriptedClient("elements", handler), job_query([IDS[0]], now=NOW))
    assert sorted((job["job_id"], job["job_module"], job["status"]) for job in report.jobs) == [
        ("X", "SharePoint Online", "Failed"), ("X", "SharePoint Online", "Failed"), ("X", "SharePoint Online", "Finished"),
        ("Y", "Exchange Online", "Finished"), ("Y", "SharePoint Online", "Finished")]
    assert report.customers[0]["last_success"] == finished["endTime"]


@pytest.mark.parametrize("link, message", [
    ("https://evil.example/partner/customers/x/jobs?page=2", "refusing to follow the next page link https://evil.example/"),
    ("http://graph.example.test/partner/x", "does not point to the API host"),
])
def test_next_links_to_other_hosts_are_refused(link, message):
    def handler(method, url, params, body, what):
        return {"value": [partner_job(1)], "@odata.nextLink": link}
    with pytest.raises(ContractError, match=message):
        fetch_jobs(ScriptedClient("partner", handler), job_query([IDS[0]], now=NOW))


def test_a_relative_next_link_is_followed_and_a_loop_is_refused():
    def handler(method, url, params, body, what):
        page = len(client.requests)
        return {"value": [partner_job(page)], "@odata.nextLink": "/partner/customers/%s/jobs?page=%d" % (IDS[0], min(page + 1, 2))}
    client = ScriptedClient("partner", handler)
    with pytest.raises(ContractError, match="links back to a page already read"):
        fetch_jobs(client, job_query([IDS[0]], now=NOW))
    assert len(client.requests) == 2  # the first page, then the relative link, which links to itself


def test_a_page_that_adds_no_new_job_is_refused():
    def handler(method, url, params, body, what):
        return {"value": [partner_job(1)], "@odata.nextLink": "?$skiptoken=%d" % len(client.requests)}
    client = ScriptedClient("partner", handler)
    with pytest.raises(ContractError, match=r"\(page 2\) has no new jobs but links to another page"):
        fetch_jobs(client, job_query([IDS[0]], now=NOW))


def test_an_invalid_item_is_rejected_naming_the_customer_page_and_job():
    client = ScriptedClient("elements", v3_service({IDS[0]: [v3_job(1), dict(v3_job(2), status="Finished")]}))
    with pytest.raises(ContractError, match=r"job 2 of the jobs of customer %s \(page 1\).*field 'status' is 'Finished', expected type integer"
                       % IDS[0]):
        fetch_jobs(client, job_query([IDS[0]], now=NOW))


def test_a_403_names_the_jobs_permission_and_the_scope_asked_for():
    def handler(method, path, params, body, what):
        raise ApiError("HTTP 403 Forbidden for %s: ... 'partner.customers.read.all' ..." % what, status=403,
                       server_message="token lacks scope", request_id="req-1")
    client = ScriptedClient("partner", handler, scope="partner.customers.read.all")
    with pytest.raises(ApiError) as caught:
        fetch_jobs(client, job_query(IDS, now=NOW))
    text = str(caught.value)
    assert text.startswith("HTTP 403 Forbidden for the jobs of customer")
    assert ": token lacks scope (requestId req-1): the app registration needs the permission 'partner.jobs.read.all' for the partner API" in text
    assert "requested with scope 'partner.customers.read.all'" in text
    assert len(client.requests) < len(IDS)  # fatal: the bulk read stops


def test_failures_of_some_customers_fail_the_whole_read_naming_them_with_secrets_masked():
    # Through the real client: AvePointClient.get_jobs is the one place that masks secrets.
    def handler(method, url, token, body):
        if IDS[1] in url or IDS[3] in url:
            return response(503, {"message": "echo the-secret %s" % token})
        return response(200, {"data": [], "metadata": {"totalCount": 0}})
    values = {"client_id": "app", "client_secret": "the-secret", "api_url": API_URL, "token_url": TOKEN_URL,
              "api": "elements", "concurrency": 3, "retries": 0}
    client = AvePointClient(settings_from_getter(values.get, ("jobs",)), transport=FakeTransport(handler))
    with pytest.raises(PartialFailureError) as caught:
        client.get_jobs(job_query(IDS, now=NOW))
    assert caught.value.failed_ids == [IDS[1], IDS[3]]
    text = str(caught.value)
    assert "the-secret" not in text and "tok-1" not in text and "********" in text


def test_unknown_values_warn_once_for_all_customers():
    histories = {customer: [dict(v3_job(1), status=42), dict(v3_job(2), status=42)] for customer in IDS}
    client = ScriptedClient("elements", v3_service(histories))
    report = fetch_jobs(client, job_query(IDS, now=NOW))
    assert {job["status"] for job in report.jobs} == {"Unknown (42)"}
    assert len(client.warnings) == 1 and "42 (10 job(s))" in client.warnings[0]
