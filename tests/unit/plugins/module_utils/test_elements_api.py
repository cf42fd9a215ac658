"""The Elements v3 backend over a scripted transport: batches, paging, code mapping, contract checks."""

from __future__ import annotations

import threading
import uuid

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import BACKUP_STATUS_NAMES
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._elements_api import batches_of, refused_as_too_many
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import API_URL, FakeTransport, TOKEN_URL, customer, response, scripted_client


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


MANY_IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 301)]


def item(customer_id, **overrides):
    document = {"id": customer_id, "organization": "Org", "ownerEmail": "o@example.test", "jobStatus": 1,
                "countryOrRegion": "Vietnam", "managementMode": 1, "tenants": []}
    document.update(overrides)
    return document


class BatchService:
    """A v3 batch endpoint over ``dataset`` that may refuse more than ``limit`` IDs per request."""

    def __init__(self, dataset, limit=None, refusal="customerIds accepts at most {limit} ids"):
        self.dataset = dataset
        self.limit = limit
        self.refusal = refusal
        self.sizes = []

    def __call__(self, method, url, params, body):
        ids = body["customerIds"]
        selected = self.dataset if ids is None else [c for c in self.dataset if c["id"].lower() in {i.lower() for i in ids}]
        self.sizes.append(None if ids is None else len(ids))
        if ids is not None and self.limit is not None and len(ids) > self.limit:
            return response(400, {"statusCode": 400, "message": self.refusal.format(limit=self.limit), "errors": []})
        start = (params["pageIndex"] - 1) * params["pageSize"]
        return response(200, {"data": selected[start:start + params["pageSize"]], "metadata": {"totalCount": len(selected)}})


def elements_client(handler, **options):
    return scripted_client(handler, api="elements", **options)


def test_every_call_sends_a_json_body():
    service = BatchService([item(i) for i in MANY_IDS[:3]])
    client = elements_client(service)
    client.list_customers()
    client.get_customers(MANY_IDS[:2])
    bodies = [body for _m, _u, _p, body in client.transport.requests]
    assert bodies == [{"customerIds": None}, {"customerIds": MANY_IDS[:2]}]
    assert all(url == API_URL + BATCH_PATH for _m, url, _p, _b in client.transport.requests)


def test_nulls_and_a_missing_management_mode_do_not_fail_the_fetch():
    dataset = [item(MANY_IDS[0], organization=None, ownerEmail=None, countryOrRegion=None, tenants=None),
               {key: value for key, value in item(MANY_IDS[1]).items() if key != "managementMode"},
               item(MANY_IDS[2], jobStatus=None, managementMode=None)]
    customers = elements_client(BatchService(dataset)).get_customers(MANY_IDS[:3]).customers
    assert customers[0] == {"id": MANY_IDS[0], "organization": None, "owner_email": None, "job_status": "Working",
                            "job_status_code": 1, "country_or_region": None, "management_mode": 1, "tenants": []}
    assert customers[1]["management_mode"] is None and customers[1]["organization"] == "Org"
    assert (customers[2]["job_status"], customers[2]["job_status_code"], customers[2]["management_mode"]) == (None, None, None)


@pytest.mark.parametrize("field", ["organization", "ownerEmail", "jobStatus", "countryOrRegion", "tenants"])
def test_a_missing_documented_field_is_still_a_contract_error(field):
    document = item(MANY_IDS[0])
    del document[field]
    with pytest.raises(ContractError, match="'%s' is a required property" % field):
        elements_client(BatchService([document])).get_customers(MANY_IDS[:1])


@pytest.mark.parametrize("sent, job_status, code", [
    ("Failed", "Failed", 2),  # a name, mapped like the partner API's
    ("Working", "Working", 1),
    ("3", "Waiting for configuration", 3),  # a code sent as a string
    ("Paused", "Paused", None),  # an unknown name is kept verbatim, without a code
    (6, "No backup updates", 6),
])
def test_a_string_job_status_is_mapped_like_the_partner_name(sent, job_status, code):
    facts = elements_client(BatchService([item(MANY_IDS[0], jobStatus=sent)])).get_customers(MANY_IDS[:1]).customers[0]
    assert (facts["job_status"], facts["job_status_code"]) == (job_status, code)


def test_a_repeated_id_in_a_batch_answer_is_a_contract_error():
    dataset = [item(MANY_IDS[0]), item(MANY_IDS[1]), item(MANY_IDS[0].upper(), jobStatus=2)]
    with pytest.raises(ContractError) as error:
        elements_client(lambda *a: response(200, {"data": dataset, "metadata": {"totalCount": 3}})).get_customers(MANY_IDS[:2])
    assert "customer %s more than once in batch 1 of 1 (2 IDs, %s to %s) (twice on page 1)" % (MANY_IDS[0], MANY_IDS[0], MANY_IDS[1]) in str(error.value)


def test_a_repeated_id_on_a_later_page_is_a_contract_error():
    # Every page answers the same customers (totalCount never reached): stopped on page 2.
    pages = {"data": [item(i) for i in MANY_IDS[:100]], "metadata": {"totalCount": 10 ** 4}}
    client = elements_client(lambda *a: response(200, pages))
    with pytest.raises(ContractError, match=r"customer %s more than once in the customer list \(on pages 1 and 2\)" % MANY_IDS[0]):
        client.list_customers()
    assert len(client.transport.requests) == 2


def test_a_refused_batch_is_halved_once_with_one_warning():
    service = BatchService([item(i) for i in MANY_IDS], limit=60)
    warnings = []
    client = elements_client(service, warnings=warnings, concurrency=1)
    result = client.get_customers(MANY_IDS[:230])
    assert [c["id"] for c in result.customers] == MANY_IDS[:230] and result.missing_ids == []
    assert service.sizes == [100, 50, 50, 50, 50, 30]  # after one refusal, batches of 100 go in halves at once
    assert len(warnings) == 1
    assert ("the service refused 100 customer IDs in one request as too many (customerIds accepts at most 60 ids); "
            "sending halves of up to 50 IDs instead. Set the option batch_size (AVEPOINT_BATCH_SIZE) to 50 or less") in warnings[0]


def test_batch_size_sets_the_ids_per_request():
    service = BatchService([item(i) for i in MANY_IDS], limit=60)
    warnings = []
    client = elements_client(service, warnings=warnings, batch_size=60)
    assert len(client.get_customers(MANY_IDS[:130]).customers) == 130
    assert sorted(service.sizes) == [10, 60, 60] and warnings == []


def test_a_half_refused_again_fails_naming_the_option():
    service = BatchService([item(i) for i in MANY_IDS], limit=20, refusal="Too many customer IDs (max {limit})")
    client = elements_client(service, concurrency=1)
    with pytest.raises(ApiError) as error:
        client.get_customers(MANY_IDS[:100])
    text = str(error.value)
    assert error.value.fatal and text.startswith("HTTP 400 Bad Request for batch 1 of 1, first half (50 IDs")
    assert ("the service refused 100 customer IDs per request as too many, and 50 after halving; set the option "
            "batch_size (AVEPOINT_BATCH_SIZE, now 100) lower") in text
    assert service.sizes == [100, 50]


@pytest.mark.parametrize("message, too_many", [
    ("customerIds accepts at most 100 ids", True),
    ("Too many IDs", True),
    ("The request exceeds the maximum of 50 customers", True),
    ("customerIds must contain GUIDs", False),
    ("A non-empty request body is required.", False),
])
def test_how_a_too_many_refusal_is_recognised(message, too_many):
    assert refused_as_too_many(ApiError("HTTP 400 Bad Request for batch: " + message, status=400, server_message=message)) is too_many
    assert refused_as_too_many(ApiError("HTTP 500: " + message, status=500, server_message=message)) is False


def test_another_400_is_not_halved():
    service = BatchService([item(i) for i in MANY_IDS], limit=10, refusal="customerIds must contain GUIDs")
    with pytest.raises(ApiError, match="customerIds must contain GUIDs"):
        elements_client(service, concurrency=1).get_customers(MANY_IDS[:50])
    assert service.sizes == [50]
