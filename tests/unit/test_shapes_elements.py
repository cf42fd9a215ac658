"""Elements v3 shapes the AvePoint docs leave open: body, nulls, string jobStatus, duplicates, batch size."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._elements_api import refused_as_too_many
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError

from fakes import API_URL, response, scripted_client

BATCH_PATH = CUSTOMERS.served("elements").batch.path

IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 301)]


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
    service = BatchService([item(i) for i in IDS[:3]])
    client = elements_client(service)
    client.list_customers()
    client.get_customers(IDS[:2])
    bodies = [body for _m, _u, _p, body in client.transport.requests]
    assert bodies == [{"customerIds": None}, {"customerIds": IDS[:2]}]
    assert all(url == API_URL + BATCH_PATH for _m, url, _p, _b in client.transport.requests)


def test_nulls_and_a_missing_management_mode_do_not_fail_the_fetch():
    dataset = [item(IDS[0], organization=None, ownerEmail=None, countryOrRegion=None, tenants=None),
               {key: value for key, value in item(IDS[1]).items() if key != "managementMode"},
               item(IDS[2], jobStatus=None, managementMode=None)]
    customers = elements_client(BatchService(dataset)).get_customers(IDS[:3]).customers
    assert customers[0] == {"id": IDS[0], "organization": None, "owner_email": None, "job_status": "Working",
                            "job_status_code": 1, "country_or_region": None, "management_mode": 1, "tenants": []}
    assert customers[1]["management_mode"] is None and customers[1]["organization"] == "Org"
    assert (customers[2]["job_status"], customers[2]["job_status_code"], customers[2]["management_mode"]) == (None, None, None)


@pytest.mark.parametrize("field", ["organization", "ownerEmail", "jobStatus", "countryOrRegion", "tenants"])
def test_a_missing_documented_field_is_still_a_contract_error(field):
    document = item(IDS[0])
    del document[field]
    with pytest.raises(ContractError, match="'%s' is a required property" % field):
        elements_client(BatchService([document])).get_customers(IDS[:1])


@pytest.mark.parametrize("sent, job_status, code", [
    ("Failed", "Failed", 2),  # a name, mapped like the partner API's
    ("Working", "Working", 1),
    ("3", "Waiting for configuration", 3),  # a code sent as a string
    ("Paused", "Paused", None),  # an unknown name is kept verbatim, without a code
    (6, "No backup updates", 6),
])
def test_a_string_job_status_is_mapped_like_the_partner_name(sent, job_status, code):
    facts = elements_client(BatchService([item(IDS[0], jobStatus=sent)])).get_customers(IDS[:1]).customers[0]
    assert (facts["job_status"], facts["job_status_code"]) == (job_status, code)


def test_a_repeated_id_in_a_batch_answer_is_a_contract_error():
    dataset = [item(IDS[0]), item(IDS[1]), item(IDS[0].upper(), jobStatus=2)]
    with pytest.raises(ContractError) as error:
        elements_client(lambda *a: response(200, {"data": dataset, "metadata": {"totalCount": 3}})).get_customers(IDS[:2])
    assert "customer %s more than once in batch 1 of 1 (2 IDs, %s to %s) (twice on page 1)" % (IDS[0], IDS[0], IDS[1]) in str(error.value)


def test_a_repeated_id_on_a_later_page_is_a_contract_error():
    # Every page answers the same customers (totalCount never reached): stopped on page 2.
    pages = {"data": [item(i) for i in IDS[:100]], "metadata": {"totalCount": 10 ** 4}}
    client = elements_client(lambda *a: response(200, pages))
    with pytest.raises(ContractError, match=r"customer %s more than once in the customer list \(on pages 1 and 2\)" % IDS[0]):
        client.list_customers()
    assert len(client.transport.requests) == 2


def test_a_refused_batch_is_halved_once_with_one_warning():
    service = BatchService([item(i) for i in IDS], limit=60)
    warnings = []
    client = elements_client(service, warnings=warnings, concurrency=1)
    result = client.get_customers(IDS[:230])
    assert [c["id"] for c in result.customers] == IDS[:230] and result.missing_ids == []
    assert service.sizes == [100, 50, 50, 50, 50, 30]  # after one refusal, batches of 100 go in halves at once
    assert len(warnings) == 1
    assert ("the service refused 100 customer IDs in one request as too many (customerIds accepts at most 60 ids); "
            "sending halves of up to 50 IDs instead. Set the option batch_size (AVEPOINT_BATCH_SIZE) to 50 or less") in warnings[0]


def test_batch_size_sets_the_ids_per_request():
    service = BatchService([item(i) for i in IDS], limit=60)
    warnings = []
    client = elements_client(service, warnings=warnings, batch_size=60)
    assert len(client.get_customers(IDS[:130]).customers) == 130
    assert sorted(service.sizes) == [10, 60, 60] and warnings == []


def test_a_half_refused_again_fails_naming_the_option():
    service = BatchService([item(i) for i in IDS], limit=20, refusal="Too many customer IDs (max {limit})")
    client = elements_client(service, concurrency=1)
    with pytest.raises(ApiError) as error:
        client.get_customers(IDS[:100])
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
    service = BatchService([item(i) for i in IDS], limit=10, refusal="customerIds must contain GUIDs")
    with pytest.raises(ApiError, match="customerIds must contain GUIDs"):
        elements_client(service, concurrency=1).get_customers(IDS[:50])
    assert service.sizes == [50]
