"""The API client over a scripted transport: auth, errors, contract checks, bulk fetches."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._auth import ClientCredentialsToken
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, ContractError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import API_URL, FakeTransport, TOKEN_URL, customer, response


IDS = ["0f8fad5b-d9cb-469f-a165-70867728950e", "11111111-2222-3333-4444-555555555555", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]
SECRET = "the-client-secret-value"


def make_client(handler, concurrency=4, token_response=None, **options):
    values = {"client_id": "app", "client_secret": SECRET, "api_url": API_URL, "token_url": TOKEN_URL, "concurrency": concurrency}
    values.update(options)
    transport = FakeTransport(handler, token_response)
    return AvePointClient(settings_from_getter(values.get), transport=transport), transport


def by_id(method, url, token, body):
    return response(200, customer(url.rsplit("/", 1)[1]))


def test_customers_come_back_in_the_order_asked_with_one_token():
    client, transport = make_client(by_id)
    result = client.get_customers([IDS[2], IDS[0].upper(), IDS[1]])
    assert [c["id"] for c in result.customers] == [IDS[2], IDS[0], IDS[1]]
    assert result.customers[0] == {
        "id": IDS[2], "organization": "Org 7c9e", "owner_email": "owner@7c9e.example",
        "job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"}
    assert transport.token_requests == 1


def test_404_goes_to_missing_ids():
    def handler(method, url, token, body):
        if url.endswith(IDS[1]):
            return response(404, {"message": "Customer not found"})
        return by_id(method, url, token, body)

    client = make_client(handler)[0]
    result = client.get_customers(IDS)
    assert result.missing_ids == [IDS[1]]
    assert [c["id"] for c in result.customers] == [IDS[0], IDS[2]]


def test_bad_id_means_no_request_at_all():
    client, transport = make_client(by_id)
    with pytest.raises(ConfigurationError):
        client.get_customers([IDS[0], "x"])
    assert transport.calls == []


def test_token_refreshed_once_on_401():
    seen = []

    def handler(method, url, token, body):
        seen.append(token)
        if token == "tok-1":
            return response(401, {"message": "expired"})
        return by_id(method, url, token, body)

    client, transport = make_client(handler, concurrency=1)
    result = client.get_customers(IDS[:2])
    assert len(result.customers) == 2
    assert transport.token_requests == 2
    assert seen == ["tok-1", "tok-2", "tok-2"]


def test_second_401_fails_with_a_clear_message():
    client, transport = make_client(lambda *a: response(401, {"message": "nope"}))
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS)
    assert "HTTP 401" in str(error.value) and "check client_id and client_secret" in str(error.value)
    assert transport.token_requests == 2  # refreshed once, then gave up for the whole batch


def test_a_refused_refresh_is_not_refreshed_again_by_every_worker():
    # Every worker in flight sees the 401: the token is replaced once, and a 401 to the replacement ends the task.
    many = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 41)]
    client, transport = make_client(lambda *a: response(401, {"message": "nope"}), concurrency=8)
    with pytest.raises(ApiError):
        client.get_customers(many)
    assert transport.token_requests == 2


def test_a_token_refused_long_after_its_refresh_is_replaced_again():
    clock = [1000.0]
    settings = settings_from_getter({"client_id": "app", "client_secret": "s", "api_url": API_URL, "token_url": TOKEN_URL}.get)
    source = ClientCredentialsToken(settings, FakeTransport(None), clock=lambda: clock[0])
    first = source.token()
    assert source.invalidate(first)
    second = source.token()
    assert not source.invalidate(second)  # refused at once: the credentials, not the token
    clock[0] += 3000  # an hour later (the event source polls for days): a revoked token
    assert source.invalidate(second) and source.token() != second


def test_403_names_the_permission_and_stops_the_batch():
    client, transport = make_client(lambda *a: response(403, {"message": "Forbidden", "requestId": "r-1"}), concurrency=1)
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS)
    text = str(error.value)
    assert "HTTP 403 Forbidden" in text and "partner.customers.read.all" in text and "requestId r-1" in text
    assert len([c for c in transport.calls if c[1] != TOKEN_URL]) == 1


def test_partial_failure_names_exactly_the_failed_ids():
    def handler(method, url, token, body):
        if url.endswith(IDS[0]) or url.endswith(IDS[2]):
            return response(503, {"statusCode": 503, "message": "busy", "requestId": "q-9", "traceId": "t-9"}, attempts=6)
        return by_id(method, url, token, body)

    client = make_client(handler)[0]
    with pytest.raises(PartialFailureError) as error:
        client.get_customers(IDS)
    assert error.value.failed_ids == [IDS[0], IDS[2]]
    text = str(error.value)
    assert "2 customer(s) could not be fetched" in text
    assert "HTTP 503 Service Unavailable for customer %s after 6 attempts: busy (requestId q-9, traceId t-9)" % IDS[0] in text


@pytest.mark.parametrize("raw, message", [
    (b"<html><body>Bad gateway</body></html>", "not valid JSON (an HTML page, perhaps from a proxy or gateway)"),
    (b'{"id": "0f8f', "not valid JSON"),
    (b"", "an empty body"),
])
def test_bodies_that_are_not_json(raw, message):
    client = make_client(lambda *a: response(200, raw=raw))[0]
    with pytest.raises(ContractError) as error:
        client.get_customers(IDS[:1])
    assert message in str(error.value)


@pytest.mark.parametrize("overrides, message", [
    ({"organization": 12}, "field 'organization' is 12, expected type string or null"),
    ({"countryOrRegion": False}, "field 'countryOrRegion' is False, expected type string or null"),
    ({"ownerEmail": ["a"]}, "field 'ownerEmail'"),
    ({"id": "nope"}, "field 'id' is 'nope', expected a GUID"),
])
def test_contract_violations_name_the_field_and_customer(overrides, message):
    client = make_client(lambda m, url, t, b: response(200, customer(url.rsplit("/", 1)[1], **overrides)))[0]
    with pytest.raises(ContractError) as error:
        client.get_customers(IDS[:1])
    assert message in str(error.value) and IDS[0] in str(error.value)


def test_missing_field_is_named():
    def handler(method, url, token, body):
        document = customer(url.rsplit("/", 1)[1])
        del document["jobStatus"]
        return response(200, document)

    client = make_client(handler)[0]
    with pytest.raises(ContractError, match="'jobStatus' is a required property"):
        client.get_customers(IDS[:1])


def test_unknown_fields_and_upper_case_ids_are_accepted():
    client = make_client(lambda m, url, t, b: response(200, customer(url.rsplit("/", 1)[1].upper(), brandNew={"x": 1})))[0]
    assert client.get_customers(IDS[:1]).customers[0]["id"] == IDS[0]


def test_list_follows_next_link_on_the_api_host_only():
    pages = {
        API_URL + "/partner/customers": {"value": [customer(IDS[0])], "@odata.nextLink": API_URL + "/partner/customers?$skiptoken=2"},
        API_URL + "/partner/customers?$skiptoken=2": {"value": [customer(IDS[1])]},
    }
    client = make_client(lambda m, url, t, b: response(200, pages[url]))[0]
    assert [c["id"] for c in client.list_customers()] == IDS[:2]

    pages[API_URL + "/partner/customers?$skiptoken=2"]["@odata.nextLink"] = "https://evil.example.test/steal"
    client, transport = make_client(lambda m, url, t, b: response(200, pages[url]))
    with pytest.raises(ContractError, match="refusing to follow the next page link https://evil.example.test"):
        client.list_customers()
    assert not any("evil" in url for _m, url in transport.calls)


def test_next_link_loop_is_detected():
    pages = {
        API_URL + "/partner/customers": {"value": [customer(IDS[0])], "@odata.nextLink": API_URL + "/partner/customers?$skiptoken=1"},
        API_URL + "/partner/customers?$skiptoken=1": {"value": [customer(IDS[1])], "@odata.nextLink": API_URL + "/partner/customers"},
    }
    client = make_client(lambda m, url, t, b: response(200, pages[url]))[0]
    with pytest.raises(ContractError, match="loop"):
        client.list_customers()


def test_token_errors():
    client, transport = make_client(by_id, token_response=response(400, {"error": "invalid_client"}))
    with pytest.raises(ApiError, match=r"authentication failed \(invalid_client\)") as error:
        client.get_customers(IDS)
    assert transport.token_requests == 1 and len(transport.calls) == 1
    assert SECRET not in str(error.value)

    client = make_client(by_id, token_response=response(400, {"error": "invalid_scope"}))[0]
    with pytest.raises(ApiError, match="permission 'partner.customers.read.all'"):
        client.get_customers(IDS)

    client = make_client(by_id, token_response=response(200, {"token_type": "Bearer"}))[0]
    with pytest.raises(ContractError, match="'access_token' is a required property"):
        client.get_customers(IDS)


def test_secrets_echoed_by_a_server_are_masked():
    client = make_client(lambda *a: response(500, {"message": "bad secret %s and token tok-1" % SECRET}))[0]
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS[:1])
    assert SECRET not in str(error.value) and "tok-1" not in str(error.value)
    assert "********" in str(error.value)


def test_concurrency_is_bounded():
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}
    gate = threading.Event()

    def handler(method, url, token, body):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        gate.wait(0.01)
        with lock:
            state["now"] -= 1
        return by_id(method, url, token, body)

    ids = ["%08x-0000-4000-8000-000000000000" % i for i in range(40)]
    client = make_client(handler, concurrency=3)[0]
    assert len(client.get_customers(ids).customers) == 40
    assert 1 < state["peak"] <= 3


def test_a_failed_token_request_is_not_repeated_by_every_worker():
    ids = ["%08x-0000-4000-8000-000000000000" % i for i in range(12)]
    client, transport = make_client(by_id, concurrency=8, token_response=response(400, {"error": "invalid_client"}))
    answer_token = transport.send

    def slow_token_service(method, url, **kwargs):
        if url == TOKEN_URL:
            time.sleep(0.2)  # every worker is queued behind the first token request by now
        return answer_token(method, url, **kwargs)

    transport.send = slow_token_service
    with pytest.raises(ApiError, match="invalid_client"):
        client.get_customers(ids)
    assert transport.token_requests == 1


def test_a_failure_storm_gives_a_bounded_message_and_every_id():
    ids = ["%08x-0000-4000-8000-000000000000" % i for i in range(60)]
    client = make_client(lambda *a: response(503, {"message": "busy"}, attempts=6))[0]
    with pytest.raises(PartialFailureError) as error:
        client.get_customers(ids)
    assert error.value.failed_ids == ids
    assert "60 customer(s) could not be fetched" in str(error.value)
    assert "and 40 more (every ID is in failed_ids)" in str(error.value)
    assert len(str(error.value)) < 8000
