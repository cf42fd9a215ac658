"""Contract tests: AvePoint's published customer samples parse through the shipped schemas into the documented facts.

The samples, and how their masked IDs become GUIDs: api_samples_io.py.
"""

from __future__ import annotations

import pytest


from api_samples_io import assert_matches_the_schemas, sample, unmasked
from fakes import API_URL, response, scripted_client


PARTNER_LIST_FACTS = [
    {"id": unmasked("00427fbc-8832-****-***-582fa46ec638"), "organization": "AvePoint test",
     "owner_email": "aptest***opus8@avepoint.com", "job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"},
    {"id": unmasked("0088e14d-5275-****-***-bcb9fc33ebdb"), "organization": "AvePoint test",
     "owner_email": "aptest***opus9@avepoint.com", "job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"},
    {"id": unmasked("00e4dde9-9b3f-****-***-25705db15101"), "organization": "AvePoint HN test",
     "owner_email": "aptest***pg@avepoint.com", "job_status": "Working", "job_status_code": 1,
     "country_or_region": "United States"},
]

V3_FACTS = [
    {"id": unmasked("03f7382e-****-1cda-****-dd9a****74f0"), "organization": "OrganizationABC", "owner_email": "user@domain.com",
     "job_status": "N/A", "job_status_code": 0, "country_or_region": "Afghanistan", "management_mode": 1,
     "tenants": [{"id": unmasked("03f7382e-****-1bcd-****-dd9a****74f0"), "name": "Tenant ABC"}]},
    {"id": unmasked("03f7382e-****-1bac-****-dd9a****74f0"), "organization": "OrganizationDEF", "owner_email": "userA@domain.com",
     "job_status": "N/A", "job_status_code": 0, "country_or_region": "Afghanistan", "management_mode": 2, "tenants": []},
]


@pytest.mark.parametrize("file_name, schema, items", [
    ("partner_single.json", "partner_customer", None),
    ("partner_list.json", "partner_customer_list", ("value", "partner_customer")),
    ("v3_batch.json", "elements_customer_batch", ("data", "elements_customer")),
])
def test_samples_match_the_shipped_schema_files_and_the_client_schemas(file_name, schema, items):
    assert_matches_the_schemas(file_name, schema, items)


def test_partner_single_gives_the_documented_facts():
    document = sample("partner_single.json")
    client = scripted_client(lambda *a: response(200, document))
    result = client.get_customers(["00427FBC-8832-46CF-A1D2-582FA46EC638"])
    assert result.customers == [{"id": "00427fbc-8832-46cf-a1d2-582fa46ec638", "organization": "AvePoint test",
                                 "owner_email": "aptest***s8@avepoint.com", "job_status": "Working", "job_status_code": 1,
                                 "country_or_region": "Vietnam"}]
    assert result.missing_ids == []


def test_partner_list_gives_the_documented_facts():
    client = scripted_client(lambda *a: response(200, sample("partner_list.json")))
    assert client.list_customers() == PARTNER_LIST_FACTS
    assert [url for _m, url, _p, _b in client.transport.requests] == [API_URL + "/partner/customers"]


def test_v3_batch_gives_the_documented_facts_for_ids_and_for_all():
    client = scripted_client(lambda *a: response(200, sample("v3_batch.json")), api="elements")
    assert client.list_customers() == V3_FACTS
    result = client.get_customers([facts["id"] for facts in V3_FACTS])
    assert result.customers == V3_FACTS and result.missing_ids == []
