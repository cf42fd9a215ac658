# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend of the Elements v3 API: JSON bodies, batches of IDs, ``data``/``metadata`` pages.

* By ID: ``POST`` of the declared ``batch`` endpoint with ``{"<ids_field>": [...]}`` (``batch_size``
  IDs, 100 by default; the client runs the batches concurrently); IDs the API does not know are
  absent from the answer. A batch the service refuses as too large goes in two halves.
* Every item: the same endpoint with ``{"<ids_field>": null}``, as public clients list everyone.
  A body is sent on every POST: an ASP.NET ``[FromBody]`` endpoint answers 400 to one without.
* A customer's list (its jobs...): the ``of_customer`` endpoint; a 404 for its first page means
  the API does not know the customer.

Every list is paged until ``metadata.totalCount`` items have arrived (_paging.PAGE_INDEX). A 404
from a batch endpoint means the endpoint itself is missing: unknown IDs are simply absent.
"""

from __future__ import annotations

import re
import threading
from typing import Any, List, Mapping, Optional

from ._backend import FirstPageMissing, Reader, Request, Send, missing_endpoint
from ._errors import ApiError, ContractError
from ._options import DEFAULT_BATCH_SIZE
from ._resources import Endpoint, Facts, Resource

# How a 400 that refuses a batch as too large is recognised (the limit and its wording are not documented).
TOO_MANY_IDS = re.compile(r"too many|too large|too long|at most|maximum|exceed|limit|more than", re.IGNORECASE)


class Batch:
    """Customer IDs sent in one request (a unit of a bulk read); ``str`` names it in error messages."""

    def __init__(self, ids: List[str], number: int, count: int, part: str = "", label: str = "customer") -> None:
        self.ids = ids
        self.number = number
        self.count = count
        self.part = part  # "first half" / "second half" after the service refused the whole batch
        self.label = label  # names a batch of one ID before the ID (Resource.one_label)

    def __str__(self) -> str:
        if len(self.ids) == 1:
            return "%s %s" % (self.label, self.ids[0])
        part = ", %s" % self.part if self.part else ""
        return "batch %d of %d%s (%d IDs, %s to %s)" % (self.number, self.count, part, len(self.ids), self.ids[0], self.ids[-1])

    def halves(self) -> List["Batch"]:
        middle = (len(self.ids) + 1) // 2
        return [Batch(self.ids[:middle], self.number, self.count, "first half", self.label),
                Batch(self.ids[middle:], self.number, self.count, "second half", self.label)]


def batches_of(ids: List[str], size: int = DEFAULT_BATCH_SIZE, label: str = "customer") -> List[Batch]:
    """Split IDs into batches of at most ``size``, in order."""
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    return [Batch(chunk, number, len(chunks), label=label) for number, chunk in enumerate(chunks, 1)]


def refused_as_too_many(error: ApiError) -> bool:
    """A 400 whose server message says the batch has too many IDs (see TOO_MANY_IDS)."""
    return error.status == 400 and bool(TOO_MANY_IDS.search(error.server_message or ""))


class ElementsBackend:
    api = "elements"

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._settings = reader.settings
        # Per resource: the smallest batch the service refused as too many; larger ones go in halves at once.
        self._refused_size: dict[str, int] = {}
        self._lock = threading.Lock()

    def units(self, resource: Resource, ids: List[str]) -> List[Batch]:
        return batches_of(ids, self._settings.batch_size, resource.one_label)

    def read_unit(self, resource: Resource, unit: Batch, send: Send) -> List[Facts]:
        """One batch; if the service refuses it as too large, its two halves, each once."""
        with self._lock:
            known_too_large = 0 < self._refused_size.get(resource.kind, 0) <= len(unit.ids)
        if not known_too_large:
            try:
                return self._read_exact(resource, unit, send)
            except ApiError as error:
                if len(unit.ids) < 2 or not refused_as_too_many(error):
                    raise
                self._note_refusal(resource, unit, error)
        found: List[Facts] = []
        for half in unit.halves():
            try:
                found.extend(self._read_exact(resource, half, send))
            except ApiError as error:
                if not refused_as_too_many(error):
                    raise
                raise ApiError(
                    "%s: the service refused %d %s IDs per request as too many, and %d after halving; set the "
                    "option batch_size (AVEPOINT_BATCH_SIZE, now %d) lower" % (
                        error, len(unit.ids), resource.noun, len(half.ids), self._settings.batch_size),
                    status=error.status, server_message=error.server_message, request_id=error.request_id,
                    trace_id=error.trace_id, fatal=True) from None
        return found

    def none_found(self, resource: Resource, asked: int, send: Send) -> None:
        """Nothing to check: a missing batch endpoint answers 404, which fails the read itself."""

    def every(self, resource: Resource, send: Send) -> List[Facts]:
        endpoint = _endpoint(resource, "batch")
        return self._batch_pages(resource, endpoint, {endpoint.ids_field: None}, resource.list_label, send)

    def of_customer(self, resource: Resource, customer_id: str, send: Send, path: Optional[str] = None,
                    body: Optional[Mapping[str, Any]] = None) -> Optional[List[Facts]]:
        endpoint = _endpoint(resource, "of_customer")
        what = "the %ss of customer %s" % (resource.noun, customer_id)
        if endpoint.method == "POST" and body is None:
            body = {}
        first = Request(endpoint.method, endpoint.path_for(customer_id, path), what, resource.permission(self.api), body=body)
        return self._reader.customer_pages(resource, self.api, endpoint, first, send, customer_id)

    def _read_exact(self, resource: Resource, batch: Batch, send: Send) -> List[Facts]:
        endpoint = _endpoint(resource, "batch")
        what = str(batch)
        found = self._batch_pages(resource, endpoint, {endpoint.ids_field: batch.ids}, what, send)
        asked = set(batch.ids)
        for facts in found:
            if facts[resource.key] not in asked:
                raise ContractError("the API answered the request for %s with %s %s, which was not asked for"
                                    % (what, resource.noun, facts[resource.key]))
        return found

    def _batch_pages(self, resource: Resource, endpoint: Endpoint, body: Mapping[str, Any], what: str, send: Send) -> List[Facts]:
        first = Request(endpoint.method, endpoint.path, what, resource.permission(self.api), body=dict(body))
        try:
            return self._reader.pages(resource, self.api, endpoint, first, send)
        except FirstPageMissing as missing:
            raise missing_endpoint(missing.error, self.api, endpoint.path, self._settings.api_url,
                                   "the Elements v3 %s endpoint" % (resource.subject or resource.noun)) from None

    def _note_refusal(self, resource: Resource, batch: Batch, refusal: ApiError) -> None:
        """Remember the refused size (later batches go in halves at once) and warn the first time."""
        with self._lock:
            refused = self._refused_size.get(resource.kind, 0)
            self._refused_size[resource.kind] = min(refused or len(batch.ids), len(batch.ids))
        first = not refused
        if first:
            half = (len(batch.ids) + 1) // 2
            self._reader.warn(
                "the service refused %d %s IDs in one request as too many (%s); sending halves of up to %d IDs "
                "instead. Set the option batch_size (AVEPOINT_BATCH_SIZE) to %d or less to save the refused requests"
                % (len(batch.ids), resource.noun, refusal.server_message or "HTTP 400", half, half))


def _endpoint(resource: Resource, role: str) -> Endpoint:
    endpoint = getattr(resource.served("elements"), role)
    if endpoint is None:
        raise NotImplementedError("the elements API serves no %s endpoint for %s" % (role, resource.kind))
    return endpoint
