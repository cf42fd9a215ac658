# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paged answers (customers and jobs, both APIs): where the next page is, and when to stop.

AvePoint documents neither how the partner lists are paged nor a bound on the Elements v3
``totalCount`` (docs/api-migration.md, "What the AvePoint documentation leaves open"). The rules
here make every odd shape either the right answer or a loud error, never a shortened list:

* OData (partner API): the next page is named by ``@odata.nextLink`` or ``nextLink``; null, a
  missing key or an empty string ends the list (AvePoint's own samples send ``"nextLink": ""``
  on the last page). A link is an absolute URL, a reference relative to the current page (it
  contains ``?`` or starts with ``/``), or else an opaque token, sent back as ``$skiptoken`` (the
  OData name) on the list path. Only links to the API host are followed: the bearer token goes
  nowhere else.
* Page index (Elements v3): ``pageIndex`` 1, 2, ... until ``metadata.totalCount`` items have
  arrived; an empty page before that, or a total that ``max_pages`` pages cannot hold, is an error.
* Either way: a link seen before is a loop; a page that adds no new item while naming another
  page does not progress; more than ``max_pages`` pages is refused. Each is an error naming the
  page, never a quietly shortened list.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Generic, Iterator, List, Optional, Tuple, TypeVar
from urllib.parse import quote, urljoin, urlsplit

from ._errors import ContractError

NEXT_LINK_KEYS = ("@odata.nextLink", "nextLink")
TOKEN_PARAMETER = "$skiptoken"
_DEFAULT_PORTS = {"https": 443, "http": 80}

Item = TypeVar("Item")
# fetch(url, where) -> the decoded and checked page document of a linked list
LinkedFetch = Callable[[str, str], Dict[str, Any]]  # typing aliases: evaluated at run time (Python 3.8)
# fetch(page_index, where) -> (the items of the checked page, its metadata.totalCount)
IndexedFetch = Callable[[int, str], Tuple[List[Any], int]]


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
    if _origin(url) != _origin(api_url):
        # The bearer token must never be sent to a host the user did not configure.
        raise ContractError("refusing to follow the next page link %s: it does not point to the API host %s"
                            % (_shown(link), api_url))
    return url


class Pages(Generic[Item]):
    """The items of one paged answer: each key once, at most ``max_pages`` pages.

    ``repeats`` says what an item whose key came before means: ``error`` for customers (one
    answer naming a customer twice cannot be trusted) or ``skip`` for jobs (a live list shifts
    while it is paged, so a job may reappear on the next page; it counts once). Items without a
    key are always kept.
    """

    def __init__(self, what: str, max_pages: int, first_url: Optional[str] = None, noun: str = "customer",
                 repeats: str = "error") -> None:
        self.what = what
        self.max_pages = max_pages
        self.page = 0
        self.items: list[Item] = []
        self.added = 0  # new items on the current page
        self._noun = noun
        self._repeats = repeats
        self._received = 0  # items the pages carried, repeats included (for totalCount)
        self._page_of: dict[str, int] = {}  # lowercase key -> the page it came on
        self._links: set[str] = {first_url} if first_url else set()

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

    def add(self, key: Optional[str], item: Item) -> None:
        """Keep one item; a repeated key (compared in lowercase) is an error or skipped, as ``repeats`` says."""
        self._received += 1
        if key is not None:
            first = self._page_of.get(key.lower())
            if first is not None:
                if self._repeats == "skip":
                    return
                where = "twice on page %d" % first if first == self.page else "on pages %d and %d" % (first, self.page)
                raise ContractError(
                    "the API listed %s %s more than once in %s (%s): a contract error; refusing to choose "
                    "between the answers" % (self._noun, key, self.what, where))
            self._page_of[key.lower()] = self.page
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

    def linked(self, fetch: LinkedFetch, first_url: str, api_url: str, list_path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``(where, document)`` for each page of a linked (OData) list; the caller adds the items."""
        url = first_url
        while True:
            where = self.next_page()
            document = fetch(url, where)
            yield where, document
            link = next_link(document, where)
            if link is None:
                return
            next_url = resolve_link(link, url, api_url, list_path)
            self.follow(link, next_url)
            url = next_url

    def indexed(self, fetch: IndexedFetch, page_size: int) -> Iterator[tuple[str, list[Any]]]:
        """Yield ``(where, items)`` for pages 1, 2, ... until metadata.totalCount items have arrived."""
        while True:
            where = self.next_page()
            items, total = fetch(self.page, where)
            yield where, items
            if self.complete(total, page_size):
                return

    def complete(self, total: int, page_size: int) -> bool:
        """After a page-index page: True once ``total`` (metadata.totalCount) items have arrived.

        Raises when the list cannot complete: a page without new items before the total is reached,
        or a total that the remaining ``max_pages`` pages cannot hold (a totalCount of 10**9 would
        otherwise mean hours of requests before failing).
        """
        if self._received >= total:  # the latest total wins: items may come and go while paging
            return True
        if not self.added:
            raise ContractError(
                "the API answered %s with no new %ss although metadata.totalCount is %d and only %d arrived; "
                "refusing to return an incomplete list" % (self.where(), self._noun, total, self._received))
        if self.page + -(-(total - self._received) // page_size) > self.max_pages:
            raise ContractError(
                "the API answered %s with metadata.totalCount %d: at %d %ss a page that is more than the %d "
                "pages allowed by the option max_pages (AVEPOINT_MAX_PAGES); refusing to page on. If there really "
                "are that many, raise max_pages" % (self.where(), total, page_size, self._noun, self.max_pages))
        return False


def _origin(url: str) -> tuple[str, str, Optional[int], bool]:
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
