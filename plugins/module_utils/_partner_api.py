# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend for the partner API: GET /partner/customers[/{id}] (scope partner.customers.read.all)."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from ._backend import BackendClient
from ._endpoints import missing_endpoint
from ._errors import ContractError, NotFoundError
from ._fact_reader import FactReader
from ._paging import Pages
from ._schemas import check

CUSTOMERS_PATH = "/partner/customers"


def partner_facts(document: dict[str, Any], reader: FactReader) -> dict[str, Any]:
    """Customer facts from a validated partner API customer object (null values stay null)."""
    return reader.facts(
        document["id"],
        document["organization"],
        document["ownerEmail"],
        document["jobStatus"],
        document["countryOrRegion"],
    )


class PartnerBackend:
    """One GET per customer ID (run concurrently by the client); the list endpoint for all."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client
        self._reader = FactReader(client.warn)  # names jobStatus, cleans text, warns once

    def fetch_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Facts of the customers found, by lowercase ID; IDs that give 404 are left out."""
        try:
            found = self._client.map_ids(self._fetch_one, ids)
            if ids and all(facts is None for facts in found):
                self._probe_endpoint(len(ids))
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
            raise ContractError("the API answered the request for %s with customer %s: a contract error; "
                                "refusing to report another customer's facts" % (what, facts["id"]))
        return facts

    def _probe_endpoint(self, asked: int) -> None:
        """Every ID answered 404: one list request tells a host without the partner API from unknown IDs."""
        what = "the customer list (asked because every requested customer ID answered HTTP 404)"
        try:
            document = self._client.call("GET", CUSTOMERS_PATH, what=what)
        except NotFoundError as error:
            evidence = "every one of the %d customer ID(s) asked and the customer list" % asked
            raise missing_endpoint(error, "partner", CUSTOMERS_PATH, self._client.settings.api_url, evidence) from None
        check("partner_customer_list", document, what)  # a 200 that is no customer list is no proof either

    def fetch_all(self) -> list[dict[str, Any]]:
        """Every customer the app can see, following next page links (see _paging)."""
        try:
            return self._fetch_all()
        finally:
            self._reader.report()

    def _fetch_all(self) -> list[dict[str, Any]]:
        api_url = self._client.settings.api_url
        url = api_url + CUSTOMERS_PATH
        pages: Pages[dict[str, Any]] = Pages("the customer list", self._client.settings.max_pages, first_url=url)

        def fetch(page_url: str, where: str) -> dict[str, Any]:
            return self._list_page(page_url, where, first=pages.page == 1)

        for _where, document in pages.linked(fetch, url, api_url, CUSTOMERS_PATH):
            for index, item in enumerate(document["value"]):
                check("partner_customer", item, _item_name(item, index, pages.page))
                facts = partner_facts(item, self._reader)
                pages.add(facts["id"], facts)
        return pages.items

    def _list_page(self, url: str, where: str, first: bool) -> dict[str, Any]:
        try:
            document = self._client.call("GET", url, what=where)
        except NotFoundError as error:
            if not first:  # the list exists: a page that vanished is an error of its own
                raise
            raise missing_endpoint(error, "partner", CUSTOMERS_PATH, self._client.settings.api_url, "the customer list") from None
        check("partner_customer_list", document, where)
        return document


def _item_name(item: Any, index: int, page: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "customer %s in the customer list" % item["id"][:40]
    return "item %d of the customer list (page %d)" % (index, page)
