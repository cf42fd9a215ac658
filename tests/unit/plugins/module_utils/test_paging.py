"""Paging (module_utils/_paging.py) on its own: next links, the two paging styles, and the rules of Pages."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backend import Request
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ContractError
from ansible_collections.avepoint.graph.plugins.module_utils._paging import IncompleteList, ODATA, PAGE_INDEX, PageIndexPaging, Pages, next_link, resolve_link


API = "https://graph.example.test"
LIST = "/partner/customers"
FIRST = Request("GET", LIST, "the customer list", "partner.customers.read.all")


class Service:
    """A ``send`` that answers from ``pages`` (a dict keyed by URL or page index) and records each request."""

    def __init__(self, pages):
        self.pages = pages
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        key = request.params["pageIndex"] if request.params else request.path
        return self.pages[key]


def odata(items, link=None):
    document = {"value": items}
    if link is not None:
        document["@odata.nextLink"] = link
    return document


def read_all(paging, service, first=FIRST, max_pages=10, repeats="error", schema="partner_customer_list"):
    pages = Pages(first.what, max_pages, repeats=repeats, endpoint="%s %s" % (first.method, first.path))
    for _where, items in paging.read(first, service, pages, API, schema):
        for item in items:
            pages.add(item.get("id"), item)
    return pages.items


@pytest.mark.parametrize("document, link", [
    ({"value": []}, None),
    ({"value": [], "nextLink": ""}, None),  # AvePoint's samples end a list so
    ({"value": [], "@odata.nextLink": None}, None),
    ({"value": [], "@odata.nextLink": " /x?$skiptoken=2 "}, "/x?$skiptoken=2"),
    ({"value": [], "nextLink": "abc", "@odata.nextLink": "abc"}, "abc"),
])
def test_next_link_spellings(document, link):
    assert next_link(document, "page 1") == link


@pytest.mark.parametrize("document, message", [
    ({"value": [], "nextLink": "a", "@odata.nextLink": "b"}, "names two different next pages"),
    ({"value": [], "nextLink": 7}, "has a nextLink that is not a string"),
])
def test_next_links_that_cannot_be_followed(document, message):
    with pytest.raises(ContractError, match=message):
        next_link(document, "page 1")


@pytest.mark.parametrize("link, url", [
    (API + LIST + "?$skiptoken=2", API + LIST + "?$skiptoken=2"),
    ("?$skiptoken=2", API + LIST + "?$skiptoken=2"),
    ("/partner/customers?page=2", API + "/partner/customers?page=2"),
    ("opaque+token/=", API + LIST + "?$skiptoken=opaque%2Btoken%2F%3D"),
    ("https://GRAPH.example.test:443/partner/customers?p=2", "https://GRAPH.example.test:443/partner/customers?p=2"),
])
def test_links_resolve_on_the_api_host(link, url):
    assert resolve_link(link, API + LIST, API, LIST) == url


@pytest.mark.parametrize("link", [
    "https://evil.example/partner/customers", "//evil.example/x", "http://graph.example.test/x",
    "https://graph.example.test:8443/x", "https://user:pw@graph.example.test/x",
])
def test_links_to_another_origin_are_refused(link):
    with pytest.raises(ContractError, match="does not point to the API host"):
        resolve_link(link, API + LIST, API, LIST)


def test_odata_follows_links_until_the_last_page():
    service = Service({API + LIST: odata([{"id": "a"}], "?page=2"), API + LIST + "?page=2": odata([{"id": "b"}])})
    assert [item["id"] for item in read_all(ODATA, service)] == ["a", "b"]
    assert [request.what for request in service.requests] == ["the customer list (page 1)", "the customer list (page 2)"]


def test_odata_refuses_a_loop_and_a_page_without_progress():
    loop = Service({API + LIST: odata([{"id": "a"}], "?page=2"), API + LIST + "?page=2": odata([{"id": "b"}], API + LIST)})
    with pytest.raises(ContractError, match="links back to a page already read"):
        read_all(ODATA, loop)
    stuck = Service({API + LIST: odata([{"id": "a"}], "?page=2"), API + LIST + "?page=2": odata([{"id": "a"}], "?page=3")})
    with pytest.raises(ContractError, match="more than once"):
        read_all(ODATA, stuck)
    stuck_jobs = Service({API + LIST: odata([{"id": "a"}], "?page=2"), API + LIST + "?page=2": odata([{"id": "a"}], "?page=3")})
    with pytest.raises(ContractError, match=r"\(page 2\) has no new customers but links to another page"):
        read_all(ODATA, stuck_jobs, repeats="skip")


def test_max_pages_is_the_limit():
    endless = Service({API + LIST: odata([{"id": "a"}], "?page=2"), API + LIST + "?page=2": odata([{"id": "b"}], "?page=3"),
                       API + LIST + "?page=3": odata([{"id": "c"}], "?page=4")})
    with pytest.raises(ContractError, match="still has more pages after 2 pages, the limit set by the option max_pages"):
        read_all(ODATA, endless, max_pages=2)


def page(items, total):
    return {"data": items, "metadata": {"totalCount": total}}


def test_page_index_reads_until_the_total_with_the_page_size_asked():
    paging = PageIndexPaging(2)
    first = Request("POST", "/v3/batch", "batch 1", "elements.customers.read.all", body={"customerIds": None})
    service = Service({1: page([{"id": "a"}, {"id": "b"}], 3), 2: page([{"id": "c"}], 3)})
    assert [item["id"] for item in read_all(paging, service, first, schema="elements_customer_batch")] == ["a", "b", "c"]
    assert [request.params for request in service.requests] == [{"pageIndex": 1, "pageSize": 2}, {"pageIndex": 2, "pageSize": 2}]
    assert all(request.body == {"customerIds": None} for request in service.requests)
    assert PAGE_INDEX.page_size == 100  # the documented maximum


def test_page_index_refuses_a_list_short_of_its_total_naming_the_endpoint():
    first = Request("POST", "/v3/batch", "batch 1", "elements.customers.read.all", body={})
    service = Service({1: page([{"id": "a"}], 5), 2: page([], 5)})
    with pytest.raises(IncompleteList) as caught:
        read_all(PageIndexPaging(1), service, first, schema="elements_customer_batch")
    assert str(caught.value) == ("the API answered batch 1 (page 2) with no new customers although metadata.totalCount is 5 and "
                                 "only 1 arrived; refusing to return an incomplete list (POST /v3/batch)")


def test_page_index_refuses_a_total_that_max_pages_cannot_hold():
    first = Request("POST", "/v3/batch", "batch 1", "elements.customers.read.all", body={})
    with pytest.raises(ContractError, match="metadata.totalCount 1000000000: at 1 customers a page that is more than the 10 pages"):
        read_all(PageIndexPaging(1), Service({1: page([{"id": "a"}], 10 ** 9)}), first, schema="elements_customer_batch")


def test_repeats_error_skip_or_keep():
    errors = Pages("the list", 5)
    errors.next_page()
    errors.add("a", 1)
    with pytest.raises(ContractError, match=r"listed customer a more than once in the list \(twice on page 1\)"):
        errors.add("a", 2)
    skips = Pages("the jobs", 5, noun="job", repeats="skip")
    skips.next_page()
    skips.add("x", "first")
    skips.add("x", "again on the same page")  # two items of one page are no overlap of pages
    skips.next_page()
    skips.add("x", "the overlap of the next page")
    skips.add(None, "no identity")
    skips.add(None, "no identity")
    assert skips.items == ["first", "again on the same page", "no identity", "no identity"]
