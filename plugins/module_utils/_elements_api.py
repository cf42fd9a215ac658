# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend for the Elements v3 API (scope elements.customers.read.all).

``POST /partner/external/v3/general/customers/batch?pageIndex=N&pageSize=100`` with a
``{"customerIds": [...]}`` body (``batch_size`` IDs, 100 by default); ``{"customerIds": null}``
lists every customer. A body is sent on every call, as public clients do: an ASP.NET
``[FromBody]`` endpoint answers 400 to a request without one. Each request is paged until
``metadata.totalCount`` items have arrived (bounded by ``max_pages``, see _paging); batches
of IDs run concurrently through the client.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from ._backend import BackendClient
from ._endpoints import missing_endpoint
from ._errors import ApiError, ContractError, NotFoundError, PartialFailureError
from ._fact_reader import FactReader
from ._options import DEFAULT_BATCH_SIZE
from ._paging import Pages
from ._schemas import check

BATCH_PATH = "/partner/external/v3/general/customers/batch"
PAGE_SIZE = 100  # the documented maximum pageSize
JSON_HEADERS = {"Content-Type": "application/json"}
ALL_CUSTOMERS: dict[str, Any] = {"customerIds": None}  # what public clients send to list everyone

# How a 400 that refuses a batch as too large is recognised (the limit and its wording are not documented).
TOO_MANY_IDS = re.compile(r"too many|too large|too long|at most|maximum|exceed|limit|more than", re.IGNORECASE)


class Batch:
    """Customer IDs sent in one request; ``str`` names it in error messages."""

    def __init__(self, ids: list[str], number: int, count: int, part: str = "") -> None:
        self.ids = ids
        self.number = number
        self.count = count
        self.part = part  # "first half" / "second half" after the service refused the whole batch

    def __str__(self) -> str:
        if len(self.ids) == 1:
            return "customer %s" % self.ids[0]
        part = ", %s" % self.part if self.part else ""
        return "batch %d of %d%s (%d IDs, %s to %s)" % (self.number, self.count, part, len(self.ids), self.ids[0], self.ids[-1])

    def halves(self) -> list["Batch"]:
        middle = (len(self.ids) + 1) // 2
        return [Batch(self.ids[:middle], self.number, self.count, "first half"),
                Batch(self.ids[middle:], self.number, self.count, "second half")]


def batches_of(ids: list[str], size: int = DEFAULT_BATCH_SIZE) -> list[Batch]:
    """Split IDs into batches of at most ``size``, in order."""
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    return [Batch(chunk, number, len(chunks)) for number, chunk in enumerate(chunks, 1)]


def refused_as_too_many(error: ApiError) -> bool:
    """A 400 whose server message says the batch has too many IDs (see TOO_MANY_IDS)."""
    return error.status == 400 and bool(TOO_MANY_IDS.search(error.server_message or ""))


def elements_facts(item: dict[str, Any], reader: FactReader) -> dict[str, Any]:
    """Customer facts from a validated Elements v3 customer object (null stays null; null tenants are none)."""
    return reader.facts(
        item["id"],
        item["organization"],
        item["ownerEmail"],
        item["jobStatus"],
        item["countryOrRegion"],
        management_mode=item.get("managementMode"),
        tenants=[{"id": tenant["id"], "name": tenant.get("name")} for tenant in item["tenants"] or []],
    )


class ElementsBackend:
    """Batches of ``batch_size`` IDs (run concurrently by the client); one paged request for all."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client
        self._reader = FactReader(client.warn)  # names jobStatus, cleans text, warns once
        self._refused_size = 0  # the smallest batch the service refused as too many; larger ones go in halves
        self._lock = threading.Lock()

    def fetch_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Facts of the customers found, by lowercase ID; IDs absent from the answers are left out."""
        batches = batches_of(ids, self._client.settings.batch_size)
        try:
            pages = self._client.map_ids(self._fetch_batch, batches)
        except PartialFailureError as error:
            raise _batch_failure(error, batches) from None
        finally:
            self._reader.report()
        return {facts["id"]: facts for page in pages for facts in page}

    def fetch_all(self) -> list[dict[str, Any]]:
        """Every customer the app can see."""
        try:
            return self._paged(ALL_CUSTOMERS, "the customer list")
        finally:
            self._reader.report()

    def _fetch_batch(self, batch: Batch) -> list[dict[str, Any]]:
        """One batch; if the service refuses it as too large, its two halves, each once."""
        with self._lock:
            known_too_large = 0 < self._refused_size <= len(batch.ids)
        if not known_too_large:
            try:
                return self._fetch_exact(batch)
            except ApiError as error:
                if len(batch.ids) < 2 or not refused_as_too_many(error):
                    raise
                self._note_refusal(batch, error)
        customers: list[dict[str, Any]] = []
        for half in batch.halves():
            try:
                customers.extend(self._fetch_exact(half))
            except ApiError as error:
                if not refused_as_too_many(error):
                    raise
                raise ApiError(
                    "%s: the service refused %d customer IDs per request as too many, and %d after halving; set the "
                    "option batch_size (AVEPOINT_BATCH_SIZE, now %d) lower" % (
                        error, len(batch.ids), len(half.ids), self._client.settings.batch_size),
                    status=error.status, server_message=error.server_message, request_id=error.request_id,
                    trace_id=error.trace_id, fatal=True) from None
        return customers

    def _note_refusal(self, batch: Batch, refusal: ApiError) -> None:
        """Remember the refused size (later batches go in halves at once) and warn the first time."""
        with self._lock:
            first = not self._refused_size
            self._refused_size = min(self._refused_size or len(batch.ids), len(batch.ids))
        if first:
            half = (len(batch.ids) + 1) // 2
            self._client.warn(
                "the service refused %d customer IDs in one request as too many (%s); sending halves of up to %d IDs "
                "instead. Set the option batch_size (AVEPOINT_BATCH_SIZE) to %d or less to save the refused requests"
                % (len(batch.ids), refusal.server_message or "HTTP 400", half, half))

    def _fetch_exact(self, batch: Batch) -> list[dict[str, Any]]:
        what = str(batch)
        customers = self._paged({"customerIds": batch.ids}, what)
        asked = set(batch.ids)
        for facts in customers:
            if facts["id"] not in asked:
                raise ContractError("the API answered the request for %s with customer %s, which was not asked for" % (what, facts["id"]))
        return customers

    def _paged(self, body: dict[str, Any], what: str) -> list[dict[str, Any]]:
        """Request pages 1, 2, ... until metadata.totalCount items have arrived."""
        pages: Pages[dict[str, Any]] = Pages(what, self._client.settings.max_pages)
        for where, items in pages.indexed(lambda index, where: self._request(index, body, where), PAGE_SIZE):
            for index, item in enumerate(items):
                check("elements_customer", item, _item_name(item, index, where))
                facts = elements_facts(item, self._reader)
                pages.add(facts["id"], facts)
        return pages.items

    def _request(self, page: int, body: dict[str, Any], where: str) -> tuple[list[Any], int]:
        params = {"pageIndex": page, "pageSize": PAGE_SIZE}
        try:
            document = self._client.call("POST", BATCH_PATH, what=where, params=params, json_body=body, headers=JSON_HEADERS)
        except NotFoundError as error:
            # Unknown IDs are simply absent from the data; a 404 means the endpoint itself is missing.
            raise missing_endpoint(error, "elements", BATCH_PATH, self._client.settings.api_url, "the Elements v3 customer endpoint") from None
        check("elements_customer_batch", document, where)
        return document["data"], document["metadata"]["totalCount"]


def _batch_failure(error: PartialFailureError, batches: list[Batch]) -> PartialFailureError:
    """Name the failed batches in the message and every customer ID in them in failed_ids."""
    by_label = {str(batch): batch for batch in batches}
    failed_ids = [customer_id for label, _error in error.failures for customer_id in by_label[label].ids]
    return PartialFailureError(error.failures, noun="batch(es) of customers", failed_ids=failed_ids)


def _item_name(item: Any, index: int, where: str) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "customer %s in %s" % (item["id"][:40], where)
    return "item %d of %s" % (index, where)
