# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend of the partner API: OData answers, one GET per customer ID.

* By ID: ``GET`` of the declared ``one`` endpoint per customer (the client runs them
  concurrently); a 404 means the API does not know the customer. When every ID asked answers
  404, one request of the ``every`` list tells a host without the endpoint from unknown IDs.
* Every item: the ``every`` endpoint, following next page links (_paging.ODATA).
* A customer's list (its jobs...): the ``of_customer`` endpoint, paged the same way; a 404 for
  its first page means the API does not know the customer.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

from ._backend import FirstPageMissing, Reader, Request, Send, missing_endpoint
from ._errors import ContractError, NotFoundError
from ._resources import Endpoint, Facts, Resource


class CustomerId(str):
    """A customer ID as a unit of a bulk read: it names itself in messages."""

    @property
    def ids(self) -> List[str]:
        return [str(self)]


class PartnerBackend:
    api = "partner"

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._api_url = reader.settings.api_url

    def units(self, resource: Resource, ids: List[str]) -> List[CustomerId]:
        return [CustomerId(customer_id) for customer_id in ids]

    def read_unit(self, resource: Resource, unit: CustomerId, send: Send) -> List[Facts]:
        endpoint = _endpoint(resource, "one")
        what = "%s %s" % (resource.one_label, unit)
        try:
            document = send(Request(endpoint.method, endpoint.path_for(unit), what, resource.permission(self.api)))
        except NotFoundError:
            return []
        facts = self._reader.entity(resource, self.api, endpoint, document, what, unit)
        if facts[resource.key] != unit:
            raise ContractError("the API answered the request for %s with %s %s: a contract error; refusing to report "
                                "another %s's facts" % (what, resource.noun, facts[resource.key], resource.noun))
        return [facts]

    def none_found(self, resource: Resource, asked: int, send: Send) -> None:
        """Every ID answered 404: one list request tells a host without the endpoint from unknown IDs."""
        endpoint = _endpoint(resource, "every")
        what = "%s (asked because every requested %s ID answered HTTP 404)" % (resource.list_label, resource.noun)
        try:
            document = send(Request(endpoint.method, endpoint.path, what, resource.permission(self.api)))
        except NotFoundError as error:
            evidence = "every one of the %d %s ID(s) asked and %s" % (asked, resource.noun, resource.list_label)
            raise missing_endpoint(error, self.api, endpoint.path, self._api_url, evidence) from None
        self._reader.check_page(endpoint, document, what)  # a 200 that is no list is no proof either

    def every(self, resource: Resource, send: Send) -> List[Facts]:
        endpoint = _endpoint(resource, "every")
        first = Request(endpoint.method, endpoint.path, resource.list_label, resource.permission(self.api))
        try:
            return self._reader.pages(resource, self.api, endpoint, first, send)
        except FirstPageMissing as missing:
            raise missing_endpoint(missing.error, self.api, endpoint.path, self._api_url, resource.list_label) from None

    def of_customer(self, resource: Resource, customer_id: str, send: Send, path: Optional[str] = None,
                    body: Optional[Mapping[str, Any]] = None) -> Optional[List[Facts]]:
        endpoint = _endpoint(resource, "of_customer")
        what = "the %ss of customer %s" % (resource.noun, customer_id)
        first = Request(endpoint.method, endpoint.path_for(customer_id, path), what, resource.permission(self.api))
        return self._reader.customer_pages(resource, self.api, endpoint, first, send, customer_id)


def _endpoint(resource: Resource, role: str) -> Endpoint:
    endpoint = getattr(resource.served("partner"), role)
    if endpoint is None:
        raise NotImplementedError("the partner API serves no %s endpoint for %s" % (role, resource.kind))
    return endpoint
