# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend for the Elements v3 API (scope elements.customers.read.all).

``POST /partner/external/v3/general/customers/batch?pageIndex=N&pageSize=100`` with an
optional ``{"customerIds": [...]}`` body (at most 100 IDs). Without a body it lists every
customer. Each request is paged until ``metadata.totalCount`` items have arrived; batches
of IDs run concurrently through the client.
"""

from __future__ import annotations

from typing import Any, Optional

from ._errors import ApiError, ContractError, NotFoundError, PartialFailureError
from ._fact_reader import FactReader
from ._schemas import check

BATCH_PATH = "/partner/external/v3/general/customers/batch"
MAX_BATCH_IDS = 100  # the documented maximum of customerIds per request
PAGE_SIZE = 100  # the documented maximum pageSize
MAX_PAGES = 10000  # a guard against a server whose totalCount is never reached
JSON_HEADERS = {"Content-Type": "application/json"}


class Batch:
    """Up to 100 customer IDs sent in one request; ``str`` names it in error messages."""

    def __init__(self, ids: list[str], number: int, count: int) -> None:
        self.ids = ids
        self.number = number
        self.count = count

    def __str__(self) -> str:
        if len(self.ids) == 1:
            return "customer %s" % self.ids[0]
        return "batch %d of %d (%d IDs, %s to %s)" % (self.number, self.count, len(self.ids), self.ids[0], self.ids[-1])


def batches_of(ids: list[str], size: int = MAX_BATCH_IDS) -> list[Batch]:
    """Split IDs into batches of at most ``size``, in order."""
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    return [Batch(chunk, number, len(chunks)) for number, chunk in enumerate(chunks, 1)]


def elements_facts(item: dict[str, Any], reader: FactReader) -> dict[str, Any]:
    """Customer facts from a validated Elements v3 customer object."""
    return reader.facts(
        item["id"],
        item["organization"],
        item["ownerEmail"],
        item["jobStatus"],
        item["countryOrRegion"],
        management_mode=item["managementMode"],
        tenants=[{"id": tenant["id"], "name": tenant.get("name")} for tenant in item["tenants"]],
    )


class ElementsBackend:
    """Batches of at most 100 IDs (run concurrently by the client); one paged request for all."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._codes = FactReader(client.warn)  # names jobStatus, cleans text, warns once

    def fetch_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Facts of the customers found, by lowercase ID; IDs absent from the answers are left out."""
        batches = batches_of(ids)
        try:
            pages = self._client.map_ids(self._fetch_batch, batches)
        except PartialFailureError as error:
            raise _batch_failure(error, batches) from None
        finally:
            self._codes.report()
        return {facts["id"]: facts for page in pages for facts in page}

    def fetch_all(self) -> list[dict[str, Any]]:
        """Every customer the app can see."""
        try:
            return self._paged(None, "the customer list")
        finally:
            self._codes.report()

    def _fetch_batch(self, batch: Batch) -> list[dict[str, Any]]:
        what = str(batch)
        customers = self._paged({"customerIds": batch.ids}, what)
        asked = set(batch.ids)
        for facts in customers:
            if facts["id"] not in asked:
                raise ContractError("the API answered the request for %s with customer %s, which was not asked for" % (what, facts["id"]))
        return customers

    def _paged(self, body: Optional[dict[str, Any]], what: str) -> list[dict[str, Any]]:
        """Request pages 1, 2, ... until metadata.totalCount items have arrived."""
        customers: dict[str, dict[str, Any]] = {}  # by ID: a customer repeated on a later page counts once
        received = 0
        for page in range(1, MAX_PAGES + 1):
            where = "%s (page %d)" % (what, page)
            document = self._request(page, body, where)
            items = document["data"]
            for index, item in enumerate(items):
                check("elements_customer", item, _item_name(item, index, where))
                facts = elements_facts(item, self._codes)
                customers.setdefault(facts["id"], facts)
            received += len(items)
            total = document["metadata"]["totalCount"]  # the latest count wins: customers may come and go
            if received >= total:
                return list(customers.values())
            if not items:
                raise ContractError(
                    "the API answered %s with no customers although metadata.totalCount is %d and only %d arrived; "
                    "refusing to return an incomplete list" % (where, total, received)
                )
        raise ContractError("%s has more than %d pages; giving up" % (what, MAX_PAGES))

    def _request(self, page: int, body: Optional[dict[str, Any]], where: str) -> dict[str, Any]:
        params = {"pageIndex": page, "pageSize": PAGE_SIZE}
        try:
            document = self._client.call("POST", BATCH_PATH, what=where, params=params, json_body=body, headers=JSON_HEADERS)
        except NotFoundError as error:
            # Unknown IDs are simply absent from the data; a 404 means the endpoint itself is missing.
            raise ApiError(
                "%s: the Elements v3 customer endpoint %s was not found at %s; check api_url and cloud, or use api: partner"
                % (error, BATCH_PATH, self._client.settings.api_url),
                status=error.status, server_message=error.server_message, request_id=error.request_id,
                trace_id=error.trace_id, fatal=True,
            ) from None
        check("elements_customer_batch", document, where)
        return document


def _batch_failure(error: PartialFailureError, batches: list[Batch]) -> PartialFailureError:
    """Name the failed batches in the message and every customer ID in them in failed_ids."""
    by_label = {str(batch): batch for batch in batches}
    failed_ids = [customer_id for label, _error in error.failures for customer_id in by_label[label].ids]
    return PartialFailureError(error.failures, noun="batch(es) of customers", failed_ids=failed_ids)


def _item_name(item: Any, index: int, where: str) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "customer %s in %s" % (item["id"][:40], where)
    return "item %d of %s" % (index, where)
