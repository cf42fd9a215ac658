"""Contract tests: AvePoint's published customer samples parse through the shipped schemas into the documented facts.

tests/unit/api_samples/ holds the customer and job response samples of the AvePoint Graph API documentation
(the AvePoint/cloud-api repository behind learn.avepoint.com), with their ``//`` comments removed.
AvePoint masks parts of most IDs (``00427fbc-8832-****-***-582fa46ec638``); the tests replace each
masked ID by a GUID derived from it, since a real service sends GUIDs.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._schemas import check

from fakes import API_URL, response, scripted_client

SAMPLES = Path(__file__).resolve().parent / "api_samples"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
MASKED = re.compile(r"^[0-9a-f*]{8}-[0-9a-f*]{4}-[0-9a-f*]{4}-[0-9a-f*]{3,4}-[0-9a-f*]{12}$")


def unmasked(text: str) -> str:
    """The GUID standing in for a masked sample ID (stable, so tests can name it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "avepoint-sample/" + text)) if "*" in text else text


def sample(name: str) -> dict:
    """A sample with every masked ID (customers and tenants) replaced by its stand-in GUID."""
    def fix(value):
        if isinstance(value, dict):
            return {key: unmasked(item) if key == "id" and isinstance(item, str) and MASKED.match(item) else fix(item)
                    for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value
    return fix(json.loads((SAMPLES / name).read_text()))


def shipped_schema(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / ("%s.schema.json" % name)).read_text())
    return jsonschema.validators.validator_for(schema)(schema)


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
    document = sample(file_name)
    assert list(shipped_schema(schema).iter_errors(document)) == []
    check(schema, document, file_name)
    if items:
        key, item_schema = items
        assert document[key]
        for item in document[key]:
            assert list(shipped_schema(item_schema).iter_errors(item)) == []
            check(item_schema, item, file_name)


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
