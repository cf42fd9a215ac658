# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seam between the client and the backend of one API, and what both backends share.

A backend knows how its API serves a declared resource (_resources.py): which requests read it
and what a 404 means there. It never sees the client: it builds :class:`Request` objects and hands
them to the :data:`Send` function it is given, which authenticates them, sends them and returns the
decoded JSON of a 2xx answer (or raises an ApiError). The client decides what runs concurrently; a
backend splits bulk reads into :class:`Unit` objects the client maps over. The :class:`Reader`
turns answers into facts the same way for both: schema checks, the resource's normaliser, pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Mapping, Optional, Protocol, Sequence

from ._clouds import CLOUDS
from ._errors import ApiError, NotFoundError, Warn
from ._options import ConnectionSettings
from ._paging import IncompleteList, Pages
from ._resources import Endpoint, Facts, ItemContext, Resource
from ._schemas import check
from ._unknown_values import UnknownValues, bad_text_kind, cleaned_text


@dataclass(frozen=True)
class Request:
    """One API request: ``path`` is a path on the API host or the absolute URL of a next page."""

    method: str
    path: str
    what: str  # names the request in messages: "customer <id>", "the jobs of customer <id> (page 2)"
    permission: str  # what the app registration needs to be allowed this request (named by a 403)
    params: Optional[Mapping[str, Any]] = None
    body: Any = None


Send = Callable[[Request], Any]


class Unit(Protocol):
    """A piece of a bulk read the client runs concurrently with the others: ``str`` names it in
    messages, ``ids`` are the customer IDs it covers (a failed unit reports them in failed_ids)."""

    ids: List[str]


class Backend(Protocol):
    """Every resource of one API."""

    api: str

    def units(self, resource: Resource, ids: List[str]) -> Sequence[Unit]:
        """How a read of ``ids`` is split: one unit per ID, or batches of IDs."""

    def read_unit(self, resource: Resource, unit: Unit, send: Send) -> List[Facts]:
        """The facts of the customers of one unit that the API knows."""

    def none_found(self, resource: Resource, asked: int, send: Send) -> None:
        """Called when a read of ``asked`` IDs found none: raise if that means the endpoint is missing."""

    def every(self, resource: Resource, send: Send) -> List[Facts]:
        """Every item of ``resource`` the app registration may see."""

    def of_customer(self, resource: Resource, customer_id: str, send: Send, path: Optional[str] = None,
                    body: Optional[Mapping[str, Any]] = None) -> Optional[List[Facts]]:
        """The items of one customer (its jobs...), or None when the API does not know the customer
        (HTTP 404 for the first page). ``path`` overrides the declared path template."""


def cloud_of(api_url: str) -> str:
    """The name of the cloud whose API host ``api_url`` is, or '' for another host."""
    for name, endpoints in CLOUDS.items():
        if api_url.rstrip("/").lower() == endpoints.api_url.lower():
            return name
    return ""


def missing_endpoint(error: ApiError, api: str, path: str, api_url: str, evidence: str) -> ApiError:
    """A fatal error saying that ``api_url`` does not serve ``path``; ``evidence`` says what answered 404.

    A wrong ``api_url``, or a cloud whose host does not serve the chosen API, answers every
    request with 404; read as "not found", that would report every customer missing.
    """
    cloud = cloud_of(api_url)
    if api == "partner":
        advice = "check api_url and cloud, or use api: elements"
        if cloud and cloud != "commercial":
            # AvePoint documents the partner API on the commercial host only, whatever the data center.
            advice = ("AvePoint documents the partner API only on %s (cloud: commercial), not on the %s host; "
                      "set cloud: commercial or use api: elements" % (CLOUDS["commercial"].api_url, cloud))
    else:
        advice = "check api_url and cloud, or use api: partner"
    head = str(error)
    if head.endswith(": not found"):
        head = head[: -len(": not found")]  # said better below
    return ApiError(
        "%s: %s answers HTTP 404, so %s does not serve the %s API endpoint %s; %s"
        % (head, evidence, api_url, api, path, advice),
        status=error.status, server_message=error.server_message, request_id=error.request_id,
        trace_id=error.trace_id, fatal=True,
    )


READINGS = 3  # readings of a list, in all, before its shortfall is an error


class FirstPageMissing(Exception):
    """The first page of a list answered HTTP 404 (``error``): what that means depends on the backend."""

    def __init__(self, error: NotFoundError) -> None:
        super().__init__(str(error))
        self.error = error


class Reader:
    """Answers to facts, for both backends; thread-safe (the client's workers share it)."""

    def __init__(self, settings: ConnectionSettings, unknown: UnknownValues, warn: Warn) -> None:
        self.settings = settings
        self.unknown = unknown
        self.warn = warn  # for what a backend learns about the service on the way (a refused batch size)

    def entity(self, resource: Resource, api: str, endpoint: Endpoint, document: Any, what: str,
               customer_id: Optional[str] = None) -> Facts:
        """The facts of an answer that is one item."""
        check(endpoint.schema, document, what)
        return self._facts(resource, api, document, what, customer_id)

    def check_page(self, endpoint: Endpoint, document: Any, what: str) -> None:
        check(endpoint.schema, document, what)

    def pages(self, resource: Resource, api: str, endpoint: Endpoint, first: Request, send: Send,
              customer_id: Optional[str] = None) -> List[Facts]:
        """The facts of every item on every page of a list; FirstPageMissing when page 1 answers 404.

        A list that stops giving new items before its total is read again from page 1: a live list
        shifts while it is paged (a new job pushes the others down), which a second reading gets
        right; a service that ignores the page index gives the same shortfall every time.
        """
        for reading in range(1, READINGS + 1):
            try:
                return self._pages(resource, api, endpoint, first, send, customer_id)
            except IncompleteList as error:
                if reading == READINGS:
                    raise IncompleteList("%s; read %d times from page 1, short each time" % (error, READINGS)) from None
        raise AssertionError("unreachable")

    def _pages(self, resource: Resource, api: str, endpoint: Endpoint, first: Request, send: Send,
               customer_id: Optional[str]) -> List[Facts]:
        pages: Pages[Facts] = Pages(first.what, self.settings.max_pages, noun=resource.noun, repeats=resource.repeats,
                                    endpoint="%s %s" % (endpoint.method, first.path))
        if endpoint.paging is None or endpoint.item_schema is None:
            raise AssertionError("the list endpoint %s %s is declared without its paging style or item schema" % (endpoint.method, endpoint.path))
        try:
            for where, items in endpoint.paging.read(first, send, pages, self.settings.api_url, endpoint.schema):
                for index, item in enumerate(items):
                    name = item_name(resource, item, index, where)
                    check(endpoint.item_schema, item, name)
                    facts = self._facts(resource, api, item, name, customer_id)
                    pages.add(resource.identity(facts), facts)
        except NotFoundError as error:
            if pages.page == 1:
                raise FirstPageMissing(error) from None
            raise  # the list exists: a page that vanished is an error of its own
        return pages.items

    def customer_pages(self, resource: Resource, api: str, endpoint: Endpoint, first: Request, send: Send,
                       customer_id: str) -> Optional[List[Facts]]:
        """A customer's list, or None when the API does not know the customer (404 for page 1)."""
        try:
            return self.pages(resource, api, endpoint, first, send, customer_id)
        except FirstPageMissing:
            return None

    def _facts(self, resource: Resource, api: str, item: Any, what: str, customer_id: Optional[str]) -> Facts:
        facts = resource.served(api).facts(item, ItemContext(what, customer_id, self.unknown))
        owner = facts.get(resource.key) if resource.key else customer_id
        return cleaned_text(facts, self.unknown, bad_text_kind(resource.noun), owner)


def item_name(resource: Resource, item: Any, index: int, where: str) -> str:
    """An item of a page in messages: by its key when it has a readable one, else by its position."""
    name = item.get(resource.named_by) if resource.named_by and isinstance(item, dict) else None
    if isinstance(name, str):
        return "%s %s in %s" % (resource.noun, name[:40], where)
    return "%s %d of %s" % (resource.noun, index + 1, where)
