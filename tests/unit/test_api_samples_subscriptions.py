"""Contract tests: AvePoint's published services samples parse through the shipped schemas into the documented facts.

partner_services.json (GET /partner/services), partner_service_single.json (GET /partner/services/{id}) and
v3_services.json (POST .../customers/services/batch); the masked IDs become GUIDs as api_samples_io.py says.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._subscriptions import SUBSCRIPTION_FIELDS

from api_samples_io import SAMPLES, assert_matches_the_schemas, sample, shipped_schema, unmasked
from fakes import API_URL, response, scripted_client

GB = 1024 ** 3
NONE = dict.fromkeys(SUBSCRIPTION_FIELDS)  # every fact null: each expected subscription says what is not


def subscription(**facts):
    assert set(facts) <= set(SUBSCRIPTION_FIELDS)
    return dict(NONE, **facts)


def prepaid(**facts):
    """The facts every product of the partner samples shares."""
    return subscription(source="AvePoint subscription", payment_type="Prepaid", **facts)


APETEST = unmasked("b521-b521-b521-b521-b521", "APETest_AOS_QA")
AVEPOINT = unmasked("b521-b521-b521-b521-b521", "AvePoint")
OPUS = dict(storage="AvePoint storage", licenses_assigned=0, licenses_available=0, expiration_date="2025-02-01T00:00:00Z")
PARTNER_LIST = [
    {"customer_id": APETEST, "organization": "APETest_AOS_QA", "subscriptions": [
        prepaid(service="Cense", seats_purchased=10, licenses_assigned=0, licenses_available=0,
                expiration_date="2025-02-01T00:00:00Z")]},
    {"customer_id": AVEPOINT, "organization": "AvePoint", "subscriptions": [
        # no protectedCapacity in AvePoint's sample: its facts are null
        prepaid(service="Opus - Discovery and analysis", capacity_purchased="1024 GB", capacity_purchased_bytes=1024 * GB, **OPUS),
        prepaid(service="Opus - Storage optimization", subscription_model="Action and store", capacity_purchased="3072 GB",
                capacity_purchased_bytes=3072 * GB, **OPUS),
        prepaid(service="Opus - Information lifecycle", seats_purchased=40, **{**OPUS, "licenses_assigned": 14}),
    ]},
]
AZURE = dict(licenses_available=133, storage="AvePoint storage (Microsoft Azure Blob)", expiration_date="2025-04-05T00:00:00Z")
PARTNER_SINGLE = {
    "customer_id": "caf94a75-2cc6-43aa-b04b-794cb9af5ea3",
    "organization": "AvePointTest_OOP_BothCB365ServiceAndExpress",
    "subscriptions": [
        prepaid(service="Cloud Backup for IaaS + PaaS - Azure Storage", capacity_purchased="5 GB", capacity_purchased_bytes=5 * GB,
                capacity_protected="0 GB", capacity_protected_bytes=0, retention="Retain data for 1 month", **AZURE),
        prepaid(service="Cloud Backup for IaaS + PaaS - Virtual Machine", seats_purchased=100, licenses_assigned=124,
                retention="Retain data for 1 months", **AZURE),
    ],
}
V3 = {
    "customer_id": unmasked("1c10525c-****-****-****-2e641bc13421", "OrganizationABC"),
    "organization": "OrganizationABC",
    "subscriptions": [
        # "0/1 GB" is not explained by AvePoint: the text is kept, no bytes
        subscription(service="Cloud Backup for IaaS + PaaS - Unit", licenses_assigned=0, licenses_available=0,
                     capacity_purchased="0/1 GB", capacity_protected="0 GB", capacity_protected_bytes=0,
                     storage="Bring your own storage", expiration_date="2025-09-26T00:00:00Z",
                     source="AvePoint pooled subscription", payment_type="Prepaid"),
        subscription(service="Fly Migration to Google", seats_purchased=2, licenses_assigned=0, licenses_available=0,
                     expiration_date="2025-09-26T00:00:00Z", source="AvePoint subscription"),
    ],
}


@pytest.mark.parametrize("file_name, schema, items", [
    ("partner_service_single.json", "partner_service", None),
    ("partner_services.json", "partner_service_list", ("value", "partner_service")),
    ("v3_services.json", "elements_service_batch", ("data", "elements_service")),
])
def test_samples_match_the_shipped_schema_files_and_the_client_schemas(file_name, schema, items):
    assert_matches_the_schemas(file_name, schema, items)


@pytest.mark.parametrize("file_name, key, item_schema", [
    ("partner_services.json", "value", "partner_service"),
    ("v3_services.json", "data", "elements_service"),
])
def test_the_masked_ids_as_published_are_refused(file_name, key, item_schema):
    """The GUID checks are not weakened for the samples: AvePoint's masked IDs are no GUIDs."""
    for item in json.loads((SAMPLES / file_name).read_text())[key]:
        assert [error.validator for error in shipped_schema(item_schema).iter_errors(item)] == ["pattern"]


def test_partner_single_gives_the_documented_facts_from_the_documented_path():
    client = scripted_client(lambda *a: response(200, sample("partner_service_single.json")))
    result = client.get_subscriptions(["CAF94A75-2CC6-43AA-B04B-794CB9AF5EA3"])
    assert result.customers == [PARTNER_SINGLE] and result.missing_ids == []
    assert [url for _m, url, _p, _b in client.transport.requests] == [
        API_URL + "/partner/services/caf94a75-2cc6-43aa-b04b-794cb9af5ea3"]


def test_partner_list_gives_the_documented_facts():
    client = scripted_client(lambda *a: response(200, sample("partner_services.json")))
    assert client.list_subscriptions() == PARTNER_LIST
    assert [url for _m, url, _p, _b in client.transport.requests] == [API_URL + "/partner/services"]


def test_v3_services_gives_the_documented_facts_for_ids_and_for_all():
    client = scripted_client(lambda *a: response(200, sample("v3_services.json")), api="elements")
    assert client.list_subscriptions() == [V3]
    result = client.get_subscriptions([V3["customer_id"]])
    assert result.customers == [V3] and result.missing_ids == []
    (_m1, url, params, every), (_m2, _url, _p, by_id) = client.transport.requests
    assert url == API_URL + "/partner/external/v3/general/customers/services/batch"
    assert params == {"pageIndex": 1, "pageSize": 100}
    assert every == {"customerIds": None} and by_id == {"customerIds": [V3["customer_id"]]}


def test_the_two_apis_spell_one_date_two_ways_and_give_one_fact():
    partner = sample("partner_service_single.json")
    products = [dict(product, expirationDate=product["expirationDate"] + "T00:00:00Z") for product in partner["products"]]
    v3 = {"data": [dict(partner, products=products)], "metadata": {"pageIndex": 1, "pageSize": 100, "totalCount": 1}}
    ids = [PARTNER_SINGLE["customer_id"]]
    from_partner = scripted_client(lambda *a: response(200, partner)).get_subscriptions(ids).customers
    from_v3 = scripted_client(lambda *a: response(200, v3), api="elements").get_subscriptions(ids).customers
    assert from_partner == from_v3 == [PARTNER_SINGLE]
