# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paged answers: the paging styles of the AvePoint Graph API, and when to stop.

A paging style reads every page of one list (:meth:`Paging.read`); an endpoint declares its style
(_resources.Endpoint.paging). Two styles are documented for the endpoints in use:

* :data:`ODATA` (partner API): ``value`` holds the items; the next page is named by
  ``@odata.nextLink`` or ``nextLink``; null, a missing key or an empty string ends the list
  (AvePoint's own samples send ``"nextLink": ""`` on the last page). A link is an absolute URL, a
  reference relative to the current page (it contains ``?`` or starts with ``/``), or else an
  opaque token, sent back as ``$skiptoken`` (the OData name) on the list path. Only links to the
  API host are followed: the bearer token goes nowhere else.
* :data:`PAGE_INDEX` (Elements v3): ``data`` holds the items; ``pageIndex`` 1, 2, ... until
  ``metadata.totalCount`` items have arrived; an empty page before that, or a total that
  ``max_pages`` pages cannot hold, is an error. :data:`PAGE_INDEX_WRAPPED` also reads a page sent
  as the one item of a list, as AvePoint publishes its v3 protection overview sample.

Other v3 endpoints page by a ``skipToken`` or a ``hasNextPage`` flag: such a style is one more
class with a ``read`` method. Whatever the style, :class:`Pages` keeps the rules that make every
odd shape either the right answer or a loud error, never a shortened list: a link seen before is a
loop; a page that adds no new item while naming another page does not progress; more than
``max_pages`` pages is refused. AvePoint documents neither how the partner lists are paged nor a
bound on ``totalCount`` (docs/api-migration.md, "What the AvePoint documentation leaves open").
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Iterator, List, Optional, Protocol, Tuple, TypeVar
from urllib.parse import quote, urljoin, urlsplit

from ._errors import ContractError
from ._schemas import check

if TYPE_CHECKING:  # the backend seam uses the paging styles
    from ._backend import Request, Send

NEXT_LINK_KEYS = ("@odata.nextLink", "nextLink")
TOKEN_PARAMETER = "$skiptoken"
_DEFAULT_PORTS = {"https": 443, "http": 80}

Item = TypeVar("Item")


def next_link(document: dict[str, Any], where: str) -> Optional[str]:
    """The next-page link of a list page, or None on the last page."""
    found: dict[str, str] = {}
    for key in NEXT_LINK_KEYS:
        value = document.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ContractError("the API response for %s has a %s that is not a string: %s" % (where, key, _shown(value)))
        if value.strip():
            found[key] = value.strip()
    if len(set(found.values())) > 1:
        raise ContractError("the API response for %s names two different next pages (%s); refusing to guess"
                            % (where, ", ".join("%s %s" % (key, _shown(value)) for key, value in found.items())))
    return next(iter(found.values()), None)


def resolve_link(link: str, current_url: str, api_url: str, list_path: str) -> str:
    """The absolute URL of a next link; a ContractError naming the link if it leaves the API host."""
    parts = urlsplit(link)
    if parts.scheme or link.startswith("//"):
        url = urljoin(current_url, link)
    elif "?" in link or link.startswith("/"):
        url = urljoin(current_url, link)  # a reference relative to the page that named it
    else:
        # An opaque token: sent back on the list path, the way OData services take $skiptoken.
        return "%s%s?%s=%s" % (api_url, list_path, TOKEN_PARAMETER, quote(link, safe=""))
    if _host_of(url) != _host_of(api_url):
        # The bearer token must never be sent to a host the user did not configure.
        raise ContractError("refusing to follow the next page link %s: it does not point to the API host %s"
                            % (_shown(link), api_url))
    return url


class Pages(Generic[Item]):
    """The items of one paged answer: each identity once, at most ``max_pages`` pages.

    ``repeats`` says what an item whose identity came on an earlier page means: ``error`` for
    customers (one answer naming a customer twice cannot be trusted) or ``skip`` for jobs (a live
    list shifts while it is paged, so a job may reappear on the next page; it counts once). On one
    page, a repeated identity is an error for customers and kept for jobs (two items of one page
    cannot be an overlap of pages). Items without an identity are always kept. ``endpoint`` (method
    and path) is named when a list cannot be completed.
    """

    def __init__(self, what: str, max_pages: int, noun: str = "customer", repeats: str = "error", endpoint: str = "") -> None:
        self.what = what
        self.max_pages = max_pages
        self.page = 0
        self.items: list[Item] = []
        self.added = 0  # new items on the current page
        self._noun = noun
        self._repeats = repeats
        self._endpoint = endpoint
        self._page_of: dict[Any, int] = {}  # identity -> the page it came on
        self._links: set[str] = set()

    def visited(self, url: str) -> None:
        """The URL of the first page: a link back to it is a loop too."""
        self._links.add(url)

    def where(self) -> str:
        return "%s (page %d)" % (self.what, self.page)

    def next_page(self) -> str:
        """Count one more page; refuse more than max_pages. Returns the page's name for messages."""
        if self.page >= self.max_pages:
            raise ContractError(
                "%s still has more pages after %d pages, the limit set by the option max_pages (AVEPOINT_MAX_PAGES); "
                "refusing to page on. If there really are that many, raise max_pages" % (self.what, self.page))
        self.page += 1
        self.added = 0
        return self.where()

    def add(self, identity: Any, item: Item, shown: str = "") -> None:
        """Keep one item; a repeated ``identity`` is an error, skipped or kept, as ``repeats`` and the pages say.
        ``shown`` names the item in the error."""
        if identity is not None:
            first = self._page_of.get(identity)
            if first is not None and self._repeats == "skip":
                if first != self.page:
                    return  # an overlap of pages
            elif first is not None:
                where = "twice on page %d" % first if first == self.page else "on pages %d and %d" % (first, self.page)
                raise ContractError(
                    "the API listed %s %s more than once in %s (%s): a contract error; refusing to choose "
                    "between the answers" % (self._noun, shown or identity, self.what, where))
            else:
                self._page_of[identity] = self.page
        self.added += 1
        self.items.append(item)

    def follow(self, link: str, url: str) -> None:
        """Check that the page just read progressed before following ``url`` (resolved from ``link``)."""
        if not self.added:
            raise ContractError(
                "%s has no new %ss but links to another page (%s); refusing to follow a list that does not progress"
                % (self.where(), self._noun, _shown(link)))
        if url in self._links:
            raise ContractError("%s links back to a page already read (%s): a next page loop" % (self.where(), _shown(link)))
        self._links.add(url)

    def complete(self, total: int, page_size: int) -> bool:
        """After a page-index page: True once ``total`` (metadata.totalCount) items have arrived.

        Raises when the list cannot complete: a page without new items before the total is reached,
        or a total that the remaining ``max_pages`` pages cannot hold (a totalCount of 10**9 would
        otherwise mean hours of requests before failing).
        """
        arrived = len(self.items)
        if arrived >= total:  # the latest total wins: items may come and go while paging
            return True
        if not self.added:
            raise IncompleteList(
                "the API answered %s with no new %ss although metadata.totalCount is %d and only %d arrived; "
                "refusing to return an incomplete list%s" % (
                    self.where(), self._noun, total, arrived, " (%s)" % self._endpoint if self._endpoint else ""))
        if self.page + -(-(total - arrived) // page_size) > self.max_pages:
            raise ContractError(
                "the API answered %s with metadata.totalCount %d: at %d %ss a page that is more than the %d "
                "pages allowed by the option max_pages (AVEPOINT_MAX_PAGES); refusing to page on. If there really "
                "are that many, raise max_pages" % (self.where(), total, page_size, self._noun, self.max_pages))
        return False


class IncompleteList(ContractError):
    """A page-index list stopped giving new items before its total: it shifted while it was read, or the
    service ignores the page index. Reading it again from page 1 tells the two apart."""


class Paging(Protocol):
    """A paging style: how the pages of one list follow each other."""

    def read(self, first: Request, send: Send, pages: "Pages[Any]", api_url: str, schema: str) -> Iterator[Tuple[str, List[Any]]]:
        """Yield ``(where, items)`` for each page, checked against the page ``schema``; the caller adds the
        items to ``pages``. ``first`` is the request of page 1 (its path on the API host)."""


class ODataPaging:
    """``value`` and a next page link (partner API)."""

    def read(self, first: Request, send: Send, pages: "Pages[Any]", api_url: str, schema: str) -> Iterator[Tuple[str, List[Any]]]:
        url = api_url + first.path
        pages.visited(url)
        while True:
            where = pages.next_page()
            document = send(replace(first, path=url, what=where))
            check(schema, document, where)
            yield where, document["value"]
            link = next_link(document, where)
            if link is None:
                return
            next_url = resolve_link(link, url, api_url, first.path.split("?", 1)[0])
            pages.follow(link, next_url)
            url = next_url


class PageIndexPaging:
    """``data`` and ``metadata.totalCount``, asked for by ``pageIndex`` and ``pageSize`` (Elements v3).

    ``wrapped``: a page may also come as the one item of a list, the way AvePoint publishes the sample of
    the v3 protection overview; that list is unwrapped, and a list of any other length refused.
    """

    def __init__(self, page_size: int, wrapped: bool = False) -> None:
        self.page_size = page_size
        self.wrapped = wrapped

    def read(self, first: Request, send: Send, pages: "Pages[Any]", api_url: str, schema: str) -> Iterator[Tuple[str, List[Any]]]:
        while True:
            where = pages.next_page()
            params = dict(first.params or {}, pageIndex=pages.page, pageSize=self.page_size)
            document = send(replace(first, params=params, what=where))
            if self.wrapped:
                document = unwrapped(document, where)
            check(schema, document, where)
            yield where, document["data"]
            if pages.complete(document["metadata"]["totalCount"], self.page_size):
                return


def unwrapped(document: Any, where: str) -> Any:
    """The page a one-item list holds; any other document as it is. A list of several pages (or none) is
    refused: which one would be the answer?"""
    if not isinstance(document, list):
        return document
    if len(document) != 1:
        raise ContractError("the API response for %s is a list of %d items where one page (an object with data and "
                            "metadata) was expected; refusing to choose" % (where, len(document)))
    return document[0]


ODATA = ODataPaging()
PAGE_INDEX = PageIndexPaging(100)  # the documented maximum pageSize of the v3 endpoints
PAGE_INDEX_WRAPPED = PageIndexPaging(100, wrapped=True)


def _host_of(url: str) -> tuple[str, str, Optional[int], bool]:
    """Scheme, host, port (default ports filled in) and whether the URL carries user credentials."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = -1  # a malformed port never matches the API host
    return scheme, (parts.hostname or "").lower(), port, bool(parts.username or parts.password)


def _shown(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
