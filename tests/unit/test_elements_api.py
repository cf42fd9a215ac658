"""The Elements v3 backend over a scripted transport: batches, paging, code mapping, contract checks."""

from __future__ import annotations

import threading
import uuid

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import BACKUP_STATUS_NAMES
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._elements_api import batches_of
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import API_URL, TOKEN_URL, FakeTransport, customer, response

BATCH_PATH = CUSTOMERS.served("elements").batch.path

IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 261)]


def v3_customer(customer_id, **overrides):
    document = {
        "id": customer_id,
        "organization": "Org " + customer_id[:8],
        "ownerEmail": "owner@%s.example" % customer_id[:8],
        "jobStatus": 1,
        "countryOrRegion": "Vietnam",
        "managementMode": 1,
        "tenants": [{"id": "t-" + customer_id[:8], "name": "%s.onmicrosoft.com" % customer_id[:8]}],
    }
    document.update(overrides)
    return document


class Service:
    """A scripted v3 batch endpoint over a dataset, recording every request it gets."""

    def __init__(self, dataset, page_size_cap=100, total_offset=0):
        self.dataset = dataset
        self.page_size_cap = page_size_cap  # a server may send smaller pages than asked
        self.total_offset = total_offset  # a server whose totalCount is wrong
        self.requests = []
        self.lock = threading.Lock()

    def __call__(self, method, url, token, body, params, headers):
        with self.lock:
            self.requests.append((method, url, dict(params or {}), body, dict(headers or {})))
        selected = self.dataset
        if body["customerIds"] is not None:  # every call carries a body; null asks for every customer
            wanted = {i.lower() for i in body["customerIds"]}
            selected = [c for c in self.dataset if c["id"].lower() in wanted]
        size = min(params["pageSize"], self.page_size_cap)
        start = (params["pageIndex"] - 1) * size
        return response(200, {"data": selected[start:start + size],
                              "metadata": {"pageIndex": params["pageIndex"], "pageSize": size,
                                           "totalCount": len(selected) + self.total_offset}})


class V3Transport(FakeTransport):
    """FakeTransport that also hands query parameters and headers to the handler."""

    def answer(self, method, url, *, token, json_body, params, headers):
        return self.handler(method, url, token, json_body, params, headers)


def make_client(handler, warnings=None, concurrency=4, **options):
    values = {"client_id": "app", "client_secret": "the-secret", "api_url": API_URL, "token_url": TOKEN_URL,
              "api": "elements", "concurrency": concurrency}
    values.update(options)
    warn = warnings.append if warnings is not None else None
    return AvePointClient(settings_from_getter(values.get), warn=warn, transport=V3Transport(handler))


def test_elements_api_defaults_to_its_permission():
    client = make_client(Service([]))
    assert client.settings.scope == "elements.customers.read.all"


def test_batches_hold_at_most_100_ids_in_order():
    batches = batches_of(IDS[:250])
    assert [len(b.ids) for b in batches] == [100, 100, 50]
    assert [i for b in batches for i in b.ids] == IDS[:250]
    assert str(batches[1]) == "batch 2 of 3 (100 IDs, %s to %s)" % (IDS[100], IDS[199])
    assert str(batches_of(IDS[:1])[0]) == "customer %s" % IDS[0]


def test_ids_are_fetched_in_concurrent_batches_with_json_requests():
    service = Service([v3_customer(i) for i in IDS])
    client = make_client(service)
    transport = client.transport
    unknown = "00000000-0000-4000-8000-0000000000ff"
    wanted = IDS[:230] + [unknown]
    result = client.get_customers([i.upper() for i in reversed(wanted)])
    assert [c["id"] for c in result.customers] == [i for i in reversed(wanted) if i != unknown]
    assert result.missing_ids == [unknown]
    assert transport.token_requests == 1
    assert len(service.requests) == 3
    for method, url, params, body, headers in service.requests:
        assert (method, url) == ("POST", API_URL + BATCH_PATH)
        assert params == {"pageIndex": 1, "pageSize": 100}
        assert headers == {"Content-Type": "application/json"}
        assert 1 <= len(body["customerIds"]) <= 100
    assert sorted(len(r[3]["customerIds"]) for r in service.requests) == [31, 100, 100]


def test_each_batch_is_paged_until_total_count():
    service = Service([v3_customer(i) for i in IDS[:150]], page_size_cap=40)
    client = make_client(service)
    result = client.get_customers(IDS[:150])
    assert [c["id"] for c in result.customers] == IDS[:150]
    pages = sorted((len(r[3]["customerIds"]), r[2]["pageIndex"]) for r in service.requests)
    assert pages == [(50, 1), (50, 2), (100, 1), (100, 2), (100, 3)]


def test_all_customers_with_a_null_id_list_paged_until_total_count():
    service = Service([v3_customer(i) for i in IDS[:250]])
    client = make_client(service)
    customers = client.list_customers()
    assert [c["id"] for c in customers] == IDS[:250]
    # A JSON body on every call, as public clients send it: an ASP.NET [FromBody] endpoint refuses none.
    everyone = {"customerIds": None}
    assert [(r[2]["pageIndex"], r[3]) for r in service.requests] == [(1, everyone), (2, everyone), (3, everyone)]
    assert all(r[4] == {"Content-Type": "application/json"} for r in service.requests)


def test_empty_list():
    client = make_client(Service([]))
    assert client.list_customers() == []


def test_a_total_count_that_is_never_reached_is_an_error_not_a_partial_list():
    service = Service([v3_customer(i) for i in IDS[:120]], total_offset=5)
    client = make_client(service)
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert "the customer list (page 3)" in str(error.value)
    assert "metadata.totalCount is 125 and only 120 arrived" in str(error.value)
    assert "(POST %s); read 3 times from page 1, short each time" % BATCH_PATH in str(error.value)
    assert len(service.requests) == 9  # read again in case the list shifted while it was paged


def test_a_total_count_beyond_max_pages_stops_after_the_first_page():
    def endless(method, url, token, body, params, headers):
        return response(200, {"data": [v3_customer(IDS[params["pageIndex"]])], "metadata": {"totalCount": 10 ** 9}})

    client = make_client(endless, max_pages=5)
    transport = client.transport
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert ("the customer list (page 1) with metadata.totalCount 1000000000: at 100 customers a page that is more than the 5 "
            "pages allowed by the option max_pages (AVEPOINT_MAX_PAGES)") in str(error.value)
    assert len(transport.calls) == 2  # a token and one page


def test_a_server_that_pages_forever_is_stopped_at_max_pages():
    def drip(method, url, token, body, params, headers):  # one new customer per page, always one more to come
        page = params["pageIndex"]
        return response(200, {"data": [v3_customer(IDS[page])], "metadata": {"totalCount": page + 1}})

    client = make_client(drip, max_pages=5)
    transport = client.transport
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert "the customer list (page 5) with metadata.totalCount 6" in str(error.value) and "option max_pages" in str(error.value)
    assert len(transport.calls) == 6  # a token and five pages


@pytest.mark.parametrize("code", sorted(BACKUP_STATUS_NAMES))
def test_every_known_code_maps_to_the_partner_name(code):
    client = make_client(Service([v3_customer(IDS[0], jobStatus=code)]))
    facts = client.get_customers([IDS[0]]).customers[0]
    assert (facts["job_status"], facts["job_status_code"]) == (BACKUP_STATUS_NAMES[code], code)


def test_unknown_codes_are_kept_with_one_warning():
    dataset = [v3_customer(i, jobStatus=9 if n % 2 else 1) for n, i in enumerate(IDS[:250])]
    dataset[0]["jobStatus"] = 42
    warnings = []
    client = make_client(Service(dataset), warnings=warnings)
    customers = client.get_customers(IDS[:250]).customers
    assert customers[0]["job_status"] == "Unknown (42)" and customers[0]["job_status_code"] == 42
    assert customers[1]["job_status"] == "Unknown (9)" and customers[1]["job_status_code"] == 9
    assert customers[2]["job_status"] == "Working"
    assert len(warnings) == 1
    assert "9 (125 customer(s)), 42 (1 customer(s))" in warnings[0] and "Unknown (<code>)" in warnings[0]
    client.list_customers()  # the same codes again: no second warning from this client
    assert len(warnings) == 1


def test_facts_match_the_partner_api_plus_elements_fields():
    item = v3_customer(IDS[0].upper(), jobStatus=2, managementMode=0, unknownField={"x": 1},
                       tenants=[{"id": "t1", "name": "a.onmicrosoft.com", "extra": True}, {"id": "t2", "name": None}])
    client = make_client(Service([item]))
    facts = client.get_customers([IDS[0]]).customers[0]

    partner_client = make_client(
        lambda method, url, token, body, params, headers: response(200, customer(
            IDS[0], organization=item["organization"], ownerEmail=item["ownerEmail"], jobStatus="Failed")),
        api="partner")
    partner_facts = partner_client.get_customers([IDS[0]]).customers[0]
    assert {key: facts[key] for key in partner_facts} == partner_facts
    assert facts["management_mode"] == 0
    assert facts["tenants"] == [{"id": "t1", "name": "a.onmicrosoft.com"}, {"id": "t2", "name": None}]


@pytest.mark.parametrize("overrides, message", [
    ({"jobStatus": True}, "field 'jobStatus' is True, expected type integer or string or null"),
    ({"jobStatus": 1.5}, "field 'jobStatus' is 1.5, expected type integer or string or null"),
    ({"managementMode": "partner"}, "field 'managementMode' is 'partner', expected type integer or null"),
    ({"tenants": "t1"}, "field 'tenants' is 't1', expected type array or null"),
    ({"tenants": [{"name": "x"}]}, "'id' is a required property"),
    ({"id": "not-a-guid"}, "expected a GUID"),
])
def test_contract_violations_are_named(overrides, message):
    client = make_client(lambda *a: response(200, {"data": [v3_customer(IDS[0], **overrides)], "metadata": {"totalCount": 1}}))
    with pytest.raises(ContractError) as error:
        client.get_customers([IDS[0]])
    assert message in str(error.value)
    assert "customer %s" % IDS[0] in str(error.value) or "not-a-guid" in str(error.value)


@pytest.mark.parametrize("body, message", [
    ({"data": []}, "'metadata' is a required property"),
    ({"data": {}, "metadata": {"totalCount": 0}}, "field 'data' is {}, expected type array"),
    ({"data": [], "metadata": {"totalCount": "1"}}, "field 'metadata.totalCount' is '1', expected type integer"),
])
def test_page_contract_violations_are_named(body, message):
    client = make_client(lambda *a: response(200, body))
    with pytest.raises(ContractError) as error:
        client.list_customers()
    assert message in str(error.value) and "the customer list (page 1)" in str(error.value)


def test_a_customer_that_was_not_asked_for_is_rejected():
    other = str(uuid.UUID(int=7))
    client = make_client(lambda *a: response(200, {"data": [v3_customer(other)], "metadata": {"totalCount": 1}}))
    with pytest.raises(ContractError, match="with customer %s, which was not asked for" % other):
        client.get_customers([IDS[0]])


def test_a_failed_batch_names_its_ids_and_nothing_partial_is_returned():
    service = Service([v3_customer(i) for i in IDS])

    def handler(method, url, token, body, params, headers):
        if IDS[150] in body["customerIds"]:
            return response(503, {"message": "backend down", "requestId": "req-7"})
        return service(method, url, token, body, params, headers)

    client = make_client(handler, retries=0)
    with pytest.raises(PartialFailureError) as error:
        client.get_customers(IDS[:250])
    text = str(error.value)
    assert text.startswith("1 batch(es) of customers could not be fetched: batch 2 of 3 (100 IDs, %s to %s)" % (IDS[100], IDS[199]))
    assert "HTTP 503" in text and "backend down" in text and "req-7" in text
    assert error.value.failed_ids == IDS[100:200]


def test_a_missing_endpoint_is_a_clear_fatal_error():
    client = make_client(lambda *a: response(404, {"message": "no route"}), concurrency=1)
    transport = client.transport
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS[:250])
    assert "%s does not serve the elements API endpoint %s; check api_url and cloud" % (API_URL, BATCH_PATH) in str(error.value)
    assert error.value.fatal and len(transport.calls) == 2  # the token and one request: it stops at once


def test_403_names_the_elements_permission():
    client = make_client(lambda *a: response(403, {"message": "Forbidden"}))
    with pytest.raises(ApiError) as error:
        client.list_customers()
    assert "HTTP 403" in str(error.value) and "elements.customers.read.all" in str(error.value)


@pytest.mark.parametrize("cloud, token_url, api_url", [
    ("commercial", "https://identity.avepointonlineservices.com/connect/token", "https://graph.avepointonlineservices.com"),
    ("us_gov", "https://identity-gov.avepointonlineservices.com/connect/token", "https://graph-gov.avepointonlineservices.com"),
    ("aos2", "https://identity-aos2.avepointonlineservices.com/connect/token", "https://graph-aos2.avepointonlineservices.com"),
    ("fedramp", "https://identity.online15.net/connect/token", "https://graphusgovapi.online15.net"),
])
@pytest.mark.parametrize("api, scope", [("partner", "partner.customers.read.all"), ("elements", "elements.customers.read.all")])
def test_every_cloud_with_either_api_and_overrides(cloud, token_url, api_url, api, scope):
    base = {"client_id": "app", "client_secret": "s", "cloud": cloud, "api": api}
    settings = settings_from_getter(base.get)
    assert (settings.token_url, settings.api_url, settings.scope) == (token_url, api_url, scope)
    overridden = settings_from_getter(dict(base, api_url="https://graph-eu.example.test", token_url="https://id.example.test/t",
                                           scope="custom.scope").get)
    assert (overridden.token_url, overridden.api_url, overridden.scope) == ("https://id.example.test/t", "https://graph-eu.example.test", "custom.scope")
