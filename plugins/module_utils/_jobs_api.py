# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup jobs of many customers, read concurrently through the one client.

* partner: ``GET /partner/customers/{id}/jobs`` (permission ``partner.jobs.read.all``), OData
  ``value``, following ``@odata.nextLink``.
* elements: ``POST {elements_path}?pageIndex=N&pageSize=100`` (permission
  ``elements.jobs.read.all``), the ``data``/``metadata`` envelope, an optional
  ``{"jobType": n, "jobModule": n}`` body.

Each customer is one worker of ``client.map_ids``; its pages are read in order. A 404 for a
customer means the customer is missing. ``fetch_jobs`` returns the JobReport every consumer
(module, role, lookup, inventory) shares; they call it through ``AvePointClient.get_jobs``,
which masks the secrets in every error, as for the customer endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ._backend import BackendClient
from ._clouds import permission
from ._errors import ApiError, NotFoundError
from ._job_query import PARTNER_JOBS_PATH, JobQuery, jobs_path
from ._jobs import UnknownValues, customer_summary, in_window, job_facts, newest_first
from ._paging import Pages
from ._schemas import check

PAGE_SIZE = 100  # the documented maximum pageSize of the Elements v3 jobs endpoint
JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass
class JobReport:
    """Jobs of the customers found (newest first per customer, customers in the order asked),
    one summary per found customer, the IDs the API does not know, and the window used."""

    jobs: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    since: Optional[str] = None

    def last_success_by_id(self) -> dict[str, Optional[str]]:
        """``{customer_id: last_success}`` for every customer found."""
        return {summary["customer_id"]: summary["last_success"] for summary in self.customers}


class _JobsBackend:
    """What both APIs share: errors that name the jobs permission, item checks and facts."""

    kind = "jobs"
    item_schema = ""

    def __init__(self, client: BackendClient, query: JobQuery, unknown: UnknownValues) -> None:
        self.client = client
        self.query = query
        self.unknown = unknown

    def call(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        try:
            return self.client.call(method, path, what=what, **kwargs)
        except ApiError as error:
            if error.status == 403:
                raise self._forbidden(error, what) from None
            raise

    def _forbidden(self, error: ApiError, what: str) -> ApiError:
        settings = self.client.settings
        needed = permission(settings.api, self.kind)
        server = ": %s" % error.server_message if error.server_message else ""
        ids = ", ".join("%s %s" % (label, value) for label, value in (("requestId", error.request_id), ("traceId", error.trace_id)) if value)
        return ApiError(
            "HTTP 403 Forbidden for %s%s%s: the app registration needs the permission '%s' for the %s API, and the "
            "customer must be within its customer scope (the token was requested with scope '%s')"
            % (what, server, " (%s)" % ids if ids else "", needed, settings.api, settings.scope),
            status=403, server_message=error.server_message, request_id=error.request_id, trace_id=error.trace_id,
        )

    def facts(self, customer_id: str, items: list[Any], where: str) -> list[dict[str, Any]]:
        found = []
        for index, item in enumerate(items):
            what = "job %d of %s" % (index + 1, where)
            check(self.item_schema, item, what)
            found.append(job_facts(customer_id, item, self.unknown, what))
        return found

    def fetch(self, customer_id: str) -> Optional[list[dict[str, Any]]]:
        """Every job the API lists for a customer, or None when the API does not know the customer."""
        try:
            return self.pages(customer_id)
        except _Missing:
            return None

    def request(self, method: str, path: str, where: str, page: int, **kwargs: Any) -> Any:
        try:
            return self.call(method, path, where, **kwargs)
        except NotFoundError:
            if page == 1:
                raise _Missing() from None
            raise  # a 404 in the middle of paging is an error, not a missing customer

    def pages(self, customer_id: str) -> list[dict[str, Any]]:
        raise NotImplementedError


class _Missing(Exception):
    """The API does not know the customer (HTTP 404 for its first page)."""


class PartnerJobs(_JobsBackend):
    item_schema = "partner_job"

    def pages(self, customer_id: str) -> list[dict[str, Any]]:
        api_url = self.client.settings.api_url
        path = jobs_path(PARTNER_JOBS_PATH, customer_id)
        pages: Pages[dict[str, Any]] = Pages("the jobs of customer %s" % customer_id, self.client.settings.max_pages,
                                             first_url=api_url + path, noun="job", repeats="skip")
        for where, document in pages.linked(lambda url, where: self._page(url, where, pages.page), api_url + path, api_url, path):
            for facts in self.facts(customer_id, document["value"], where):
                pages.add(facts["job_id"], facts)
        return pages.items

    def _page(self, url: str, where: str, page: int) -> dict[str, Any]:
        document = self.request("GET", url, where, page)
        check("partner_job_list", document, where)
        return document


class ElementsJobs(_JobsBackend):
    item_schema = "elements_job"

    def pages(self, customer_id: str) -> list[dict[str, Any]]:
        path = jobs_path(self.query.elements_path, customer_id)
        body: dict[str, Any] = {}
        # The API filters by one type and one module; with several, all come and we filter here.
        for key, wanted in (("jobType", self.query.job_types), ("jobModule", self.query.job_modules)):
            code = wanted.single_code() if wanted is not None else None
            if code is not None:
                body[key] = code
        # A job that moved to the next page while we were paging (a live list) is counted once.
        pages: Pages[dict[str, Any]] = Pages("the jobs of customer %s" % customer_id, self.client.settings.max_pages,
                                             noun="job", repeats="skip")
        for where, items in pages.indexed(lambda index, where: self._page(path, index, body, where), PAGE_SIZE):
            for facts in self.facts(customer_id, items, where):
                pages.add(facts["job_id"], facts)
        return pages.items

    def _page(self, path: str, index: int, body: dict[str, Any], where: str) -> tuple[list[Any], int]:
        params = {"pageIndex": index, "pageSize": PAGE_SIZE}
        document = self.request("POST", path, where, index, params=params, json_body=body, headers=JSON_HEADERS)
        check("elements_job_batch", document, where)
        return document["data"], document["metadata"]["totalCount"]


BACKENDS = {"partner": PartnerJobs, "elements": ElementsJobs}


def fetch_jobs(client: BackendClient, query: JobQuery) -> JobReport:
    """Read the jobs of every customer of ``query`` concurrently and summarise them.

    Errors carry what the API sent; ``AvePointClient.get_jobs`` masks the secrets in them.

    ``customers[].last_success`` considers every job of the asked job types and modules,
    whatever ``since`` and ``status`` select: the newest success may be older than the window.
    """
    unknown = UnknownValues()
    backend = BACKENDS[client.settings.api](client, query, unknown)
    try:
        found = client.map_ids(backend.fetch, query.customer_ids)
    finally:
        unknown.report(client.warn)
    report = JobReport(since=query.since_text)
    for customer_id, jobs in zip(query.customer_ids, found):
        if jobs is None:
            report.missing_ids.append(customer_id)
            continue
        considered = [job for job in jobs if _kind_matches(job, query)]
        shown = newest_first(job for job in considered if _window_matches(job, query))
        report.jobs.extend(shown)
        report.customers.append(customer_summary(customer_id, considered, shown))
    if report.missing_ids and not report.customers:
        client.warn(_all_missing_hint(client, query))
    return report


def _kind_matches(job: dict[str, Any], query: JobQuery) -> bool:
    return all(
        wanted is None or wanted.matches(job[field_name + "_code"], job[field_name])
        for field_name, wanted in (("job_type", query.job_types), ("job_module", query.job_modules))
    )


def _window_matches(job: dict[str, Any], query: JobQuery) -> bool:
    if query.statuses is not None and not query.statuses.matches(job["status_code"], job["status"]):
        return False
    return in_window(job, query.since_text)


def _all_missing_hint(client: BackendClient, query: JobQuery) -> str:
    """A 404 for every customer may also mean that the endpoint is not where we ask."""
    if client.settings.api == "elements":
        where = "%s (option elements_jobs_path)" % query.elements_path
    else:
        where = PARTNER_JOBS_PATH
    return ("the jobs API answered HTTP 404 for every customer asked (%d): they are returned in missing_ids. If these "
            "customers exist, the jobs endpoint may not be at %s on %s" % (len(query.customer_ids), where, client.settings.api_url))
