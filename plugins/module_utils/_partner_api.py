# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend for the partner API: GET /partner/customers[/{id}] (scope partner.customers.read.all)."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote, urlsplit

from ._errors import ContractError, NotFoundError
from ._fact_reader import FactReader
from ._schemas import check

CUSTOMERS_PATH = "/partner/customers"
MAX_PAGES = 10000  # a guard against a nextLink that never ends


def partner_facts(document: dict[str, Any], reader: FactReader) -> dict[str, Any]:
    """Customer facts from a validated partner API customer object."""
    return reader.facts(
        document["id"],
        document["organization"],
        document["ownerEmail"],
        document["jobStatus"],
        document["countryOrRegion"],
    )


class PartnerBackend:
    """One GET per customer ID (run concurrently by the client); the list endpoint for all."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._reader = FactReader(client.warn)  # names jobStatus, cleans text, warns once

    def fetch_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Facts of the customers found, by lowercase ID; IDs that give 404 are left out."""
        try:
            found = self._client.map_ids(self._fetch_one, ids)
        finally:
            self._reader.report()
        return {customer_id: facts for customer_id, facts in zip(ids, found) if facts is not None}

    def _fetch_one(self, customer_id: str) -> Optional[dict[str, Any]]:
        what = "customer %s" % customer_id
        try:
            # quote() although IDs are validated GUIDs: nothing reaches a path unencoded.
            document = self._client.call("GET", "%s/%s" % (CUSTOMERS_PATH, quote(customer_id, safe="")), what=what)
        except NotFoundError:
            return None
        check("partner_customer", document, what)
        facts = partner_facts(document, self._reader)
        if facts["id"] != customer_id:
            raise ContractError("the API answered the request for %s with customer %s" % (what, facts["id"]))
        return facts

    def fetch_all(self) -> list[dict[str, Any]]:
        """Every customer the app can see, following @odata.nextLink pages."""
        try:
            return self._fetch_all()
        finally:
            self._reader.report()

    def _fetch_all(self) -> list[dict[str, Any]]:
        customers: list[dict[str, Any]] = []
        url: Optional[str] = CUSTOMERS_PATH
        seen: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            what = "the customer list (page %d)" % page
            document = self._client.call("GET", url, what=what)
            check("partner_customer_list", document, what)
            for index, item in enumerate(document["value"]):
                check("partner_customer", item, _item_name(item, index, page))
                customers.append(partner_facts(item, self._reader))
            url = document.get("@odata.nextLink")
            if not url:
                return customers
            self._check_next_link(url, seen)
        raise ContractError("the customer list has more than %d pages; giving up" % MAX_PAGES)

    def _check_next_link(self, url: str, seen: set[str]) -> None:
        api = urlsplit(self._client.settings.api_url)
        link = urlsplit(url)
        if (link.scheme, link.netloc) != (api.scheme, api.netloc):
            # The bearer token must never be sent to a host the user did not configure.
            raise ContractError("refusing to follow @odata.nextLink to %s://%s: it is not the API host" % (link.scheme, link.netloc))
        if url in seen:
            raise ContractError("the customer list repeats the page %s (@odata.nextLink loop)" % url)
        seen.add(url)


def _item_name(item: Any, index: int, page: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "customer %s in the customer list" % item["id"][:40]
    return "item %d of the customer list (page %d)" % (index, page)
