# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two paging styles of the AvePoint Graph API, with the guards both need.

* OData (partner API): follow ``@odata.nextLink`` until there is none. A link must point at
  the configured API host (the bearer token goes with it) and must not repeat.
* Page index (Elements v3): ``pageIndex`` 1, 2, ... until ``metadata.totalCount`` items have
  arrived; an empty page before that is an error, never a silently short list.

Both stop after ``max_pages`` pages: a service that never ends its paging fails loudly.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

from ._errors import ContractError

MAX_PAGES = 10000

# fetch(url_or_path, page_number) -> the decoded (and checked) page document
LinkFetch = Callable[[str, int], dict[str, Any]]
# fetch(page_index) -> (the page's items, the totalCount it announced)
IndexFetch = Callable[[int], tuple[list[Any], int]]


def follow_next_links(fetch: LinkFetch, first: str, api_url: str, what: str, max_pages: int = MAX_PAGES) -> Iterator[dict[str, Any]]:
    """Yield the page documents of an OData collection, starting at ``first``."""
    location: Optional[str] = first
    visited: set[str] = set()
    for page in range(1, max_pages + 1):
        document = fetch(location, page)  # type: ignore[arg-type]
        yield document
        location = document.get("@odata.nextLink")
        if not location:
            return
        _check_next_link(location, api_url, what)
        if location in visited:
            raise ContractError("%s repeats the page %s (@odata.nextLink loop)" % (what, location[:200]))
        visited.add(location)
    raise ContractError("%s has more than %d pages; giving up" % (what, max_pages))


def _check_next_link(location: str, api_url: str, what: str) -> None:
    if location.startswith("/") and not location.startswith("//"):
        return  # a path on the API host itself
    link, api = urlsplit(location), urlsplit(api_url)
    if (link.scheme.lower(), link.netloc.lower()) != (api.scheme.lower(), api.netloc.lower()):
        # The bearer token must never be sent to a host the user did not configure.
        raise ContractError("refusing to follow the @odata.nextLink of %s to %s://%s: it is not the API host"
                            % (what, link.scheme, link.netloc))


def pages_by_index(fetch: IndexFetch, what: str, max_pages: int = MAX_PAGES) -> Iterator[list[Any]]:
    """Yield the items of pages 1, 2, ... until the announced total has arrived."""
    received = 0
    for page in range(1, max_pages + 1):
        items, total = fetch(page)
        yield items
        received += len(items)
        if received >= total:  # the latest total wins: items may come and go while paging
            return
        if not items:
            raise ContractError(
                "the API answered %s (page %d) with no items although metadata.totalCount is %d and only %d arrived; "
                "refusing to return an incomplete list" % (what, page, total, received)
            )
    raise ContractError("%s has more than %d pages; giving up" % (what, max_pages))
