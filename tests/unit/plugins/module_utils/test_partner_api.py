"""Partner API shapes the AvePoint docs leave open: paging, duplicates, 404 everywhere, nulls, odd bodies."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError, PartialFailureError

from fakes import API_URL, customer, response, scripted_client


IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 40)]
LIST = API_URL + "/partner/customers"


def pages_client(pages, **options):
    """A client over a list endpoint answering from ``pages`` (URL -> body); unknown URLs answer 404."""
    def handler(method, url, params, body):
        if url in pages:
            return response(200, pages[url])
        return response(404, {"message": "no such page"})
    return scripted_client(handler, **options)


def listed(*ids, **overrides):
    return [dict(customer(i), **overrides) for i in ids]


@pytest.mark.parametrize("key, link, second", [
    ("nextLink", LIST + "?$skiptoken=p2", LIST + "?$skiptoken=p2"),
    ("@odata.nextLink", "/partner/customers?page=2", LIST + "?page=2"),
    ("nextLink", "?$skiptoken=p2", LIST + "?$skiptoken=p2"),
    # An opaque token (base64 may hold / + =): sent back as $skiptoken on the list path, URL-encoded.
    ("nextLink", "b2Zmc2V0/OjI+=", LIST + "?$skiptoken=b2Zmc2V0%2FOjI%2B%3D"),
    ("nextLink", "HTTPS://GRAPH.EXAMPLE.TEST:443/partner/customers?$skiptoken=p2", "https://GRAPH.EXAMPLE.TEST:443/partner/customers?$skiptoken=p2"),
])
def test_every_next_link_spelling_is_followed_on_the_api_host(key, link, second):
    pages = {LIST: {"value": listed(IDS[0], IDS[1]), key: link},
             second: {"value": listed(IDS[2]), key: ""}}  # an empty link ends the list, as AvePoint's samples show
    client = pages_client(pages)
    assert [c["id"] for c in client.list_customers()] == IDS[:3]
    assert [url for _m, url, _p, _b in client.transport.requests] == [LIST, second]


def test_both_spellings_must_agree():
    client = pages_client({LIST: {"value": listed(IDS[0]), "@odata.nextLink": LIST + "?a=1", "nextLink": LIST + "?a=2"}})
    with pytest.raises(ContractError, match="names two different next pages"):
        client.list_customers()


@pytest.mark.parametrize("link", [
    "https://evil.example.test/partner/customers?$skiptoken=1",
    "http://graph.example.test/partner/customers",  # plain http to the same host
    "https://graph.example.test:8443/partner/customers",
    "https://user@graph.example.test/partner/customers",
    "//evil.example.test/partner/customers",
    "file:///etc/passwd",
])
def test_a_link_off_the_api_host_is_refused_naming_it(link):
    client = pages_client({LIST: {"value": listed(IDS[0]), "nextLink": link}})
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert "refusing to follow the next page link %s" % link in str(error.value)
    assert len(client.transport.requests) == 1


def test_a_repeated_id_in_any_letter_case_is_a_contract_error():
    client = pages_client({LIST: {"value": listed(IDS[0]) + listed(IDS[1]) + listed(IDS[0].upper(), jobStatus="Failed")}})
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert "customer %s more than once in the customer list (twice on page 1)" % IDS[0] in str(error.value)


def test_a_page_that_repeats_ids_stops_an_endless_list():
    # A fresh $skiptoken on every page, always the same customers: stopped on page 2.
    def handler(method, url, params, body):
        return response(200, {"value": listed(IDS[0], IDS[1]), "nextLink": "fresh-%d" % len(client.transport.requests)})
    client = scripted_client(handler)
    with pytest.raises(ContractError, match="customer %s more than once in the customer list \\(on pages 1 and 2\\)" % IDS[0]):
        client.list_customers()
    assert len(client.transport.requests) == 2


def test_an_empty_page_that_links_on_is_refused():
    client = pages_client({LIST: {"value": [], "@odata.nextLink": LIST + "?$skiptoken=x"}})
    with pytest.raises(ContractError, match=r"the customer list \(page 1\) has no new customers but links to another page"):
        client.list_customers()


def test_new_customers_on_every_page_stop_at_max_pages():
    def handler(method, url, params, body):
        page = len(client.transport.requests)
        return response(200, {"value": listed(IDS[page]), "@odata.nextLink": LIST + "?$skiptoken=%d" % page})
    client = scripted_client(handler, max_pages=7)
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert str(error.value).startswith("the customer list still has more pages after 7 pages, the limit set by the "
                                       "option max_pages (AVEPOINT_MAX_PAGES)")
    assert len(client.transport.requests) == 7


def test_null_fields_stay_null():
    document = customer(IDS[0], organization=None, ownerEmail=None, countryOrRegion=None, jobStatus=None)
    client = scripted_client(lambda *a: response(200, document))
    assert client.get_customers([IDS[0]]).customers == [{
        "id": IDS[0], "organization": None, "owner_email": None, "job_status": None, "job_status_code": None,
        "country_or_region": None}]
    listing = pages_client({LIST: {"value": [document, customer(IDS[1])]}}).list_customers()
    assert [c["organization"] for c in listing] == [None, "Org 0000"]


@pytest.mark.parametrize("field", ["organization", "ownerEmail", "jobStatus", "countryOrRegion"])
def test_a_missing_field_is_still_a_contract_error(field):
    document = customer(IDS[0])
    del document[field]
    client = scripted_client(lambda *a: response(200, document))
    with pytest.raises(ContractError, match="customer %s does not match the documented contract: '%s' is a required property" % (IDS[0], field)):
        client.get_customers([IDS[0]])


@pytest.mark.parametrize("status, raw", [(200, b""), (204, b""), (200, b"  \n")])
def test_an_empty_answer_for_one_id_names_it(status, raw):
    client = scripted_client(lambda *a: response(status, raw=raw))
    with pytest.raises(ContractError) as error:
        client.get_customers([IDS[0]])
    assert "customer %s with HTTP %d and an empty body" % (IDS[0], status) in str(error.value)


def test_another_customer_under_the_asked_id_is_refused():
    client = scripted_client(lambda *a: response(200, customer(IDS[1])))
    with pytest.raises(ContractError) as error:
        client.get_customers([IDS[0]])
    assert "answered the request for customer %s with customer %s: a contract error" % (IDS[0], IDS[1]) in str(error.value)


def by_id_and_list(known, list_status=200):
    def handler(method, url, params, body):
        if url == LIST:
            return response(list_status, {"value": listed(*sorted(known))} if list_status == 200 else {"message": "nope"})
        customer_id = url.rsplit("/", 1)[1]
        return response(200, customer(customer_id)) if customer_id in known else response(404, {"message": "Not Found"})
    return handler


def test_one_unknown_id_is_missing_after_one_probe_of_the_list():
    client = scripted_client(by_id_and_list({IDS[0]}))
    result = client.get_customers([IDS[5]])
    assert result.customers == [] and result.missing_ids == [IDS[5]]
    assert [url for _m, url, _p, _b in client.transport.requests] == [LIST + "/" + IDS[5], LIST]


def test_a_missing_id_among_found_ones_needs_no_probe():
    client = scripted_client(by_id_and_list({IDS[0], IDS[1]}))
    result = client.get_customers(IDS[:3])
    assert [c["id"] for c in result.customers] == IDS[:2] and result.missing_ids == [IDS[2]]
    assert LIST not in [url for _m, url, _p, _b in client.transport.requests]


@pytest.mark.parametrize("api_url, hint", [
    (API_URL, "check api_url and cloud, or use api: elements"),
    ("https://graph-gov.avepointonlineservices.com",
     "AvePoint documents the partner API only on https://graph.avepointonlineservices.com (cloud: commercial), "
     "not on the us_gov host; set cloud: commercial or use api: elements"),
])
def test_every_id_and_the_list_answering_404_is_a_wrong_url(api_url, hint):
    def handler(method, url, params, body):
        return response(404, raw=b"")
    client = scripted_client(handler, api_url=api_url)
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS[:3])
    text = str(error.value)
    assert error.value.fatal and not isinstance(error.value, PartialFailureError)
    assert ("every one of the 3 customer ID(s) asked and the customer list answers HTTP 404, so %s does not serve "
            "the partner API endpoint /partner/customers; %s" % (api_url, hint)) in text
    assert len(client.transport.requests) == 4


def test_a_list_answering_404_is_a_wrong_url():
    client = scripted_client(lambda *a: response(404, {"message": "Resource not found"}))
    with pytest.raises(ApiError) as error:
        client.list_customers()
    assert str(error.value).startswith("HTTP 404 Not Found for the customer list (page 1): Resource not found: "
                                       "the customer list answers HTTP 404, so %s does not serve the partner API" % API_URL)
