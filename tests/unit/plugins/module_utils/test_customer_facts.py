"""Customer facts (module_utils/_customer_facts.py): AvePoint's published samples through the shipped
schemas into the documented facts, and the normaliser's answers to what the samples leave open."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backend import Reader
from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues, replace_lone_surrogates

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


ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER = "11111111-2222-3333-4444-555555555555"


class Facts:
    """Customers read as the backends read them (schema check, normaliser, clean text), and the warnings."""

    def __init__(self, api="partner"):
        self.api = api
        self.unknown = UnknownValues()
        self.warnings = []
        settings = settings_from_getter({"access_token": "t", "api": api}.get)
        self.reader = Reader(settings, self.unknown, self.warnings.append)

    def read(self, customer_id=ID, organization="Org", owner_email="a@b.example", status="Working", country="Vietnam", **extra):
        item = {"id": customer_id, "organization": organization, "ownerEmail": owner_email, "jobStatus": status,
                "countryOrRegion": country}
        item.update(extra)
        served = CUSTOMERS.served(self.api)
        # The item alone, checked with the schema of one customer (partner: the entity; elements: a page's item).
        endpoint = served.one or replace(served.batch, schema=served.batch.item_schema)
        return self.reader.entity(CUSTOMERS, self.api, endpoint, item, "customer %s" % customer_id)

    def report(self):
        self.unknown.report(self.warnings.append)


def test_statuses_of_both_apis_get_the_same_name_and_code():
    partner = Facts("partner")
    assert partner.read(status="No Backup Update") == {
        "id": ID, "organization": "Org", "owner_email": "a@b.example", "job_status": "No backup updates",
        "job_status_code": 6, "country_or_region": "Vietnam"}
    elements = Facts("elements")
    facts = elements.read(customer_id=ID.upper(), status=6, tenants=None, managementMode=1)
    assert facts["id"] == ID and (facts["job_status"], facts["job_status_code"]) == ("No backup updates", 6)
    assert facts["tenants"] == [] and facts["management_mode"] == 1
    assert elements.read(status="6", tenants=[])["job_status_code"] == 6  # a code sent as a string
    partner.report()
    elements.report()
    assert partner.warnings == elements.warnings == []


def test_unknown_values_warn_once_per_value_and_kind():
    reader = Facts("elements")
    for value in ("Backup paused", "Backup paused", 9, "Working"):
        reader.read(status=value, tenants=[])
    reader.report()
    assert len(reader.warnings) == 2
    assert "code(s) this collection does not know: 9 (1 customer(s))" in reader.warnings[0]
    assert "name(s) this collection does not know: 'Backup paused' (2 customer(s))" in reader.warnings[1]
    assert "compared exactly" in reader.warnings[1]
    reader.read(status="Backup paused", tenants=[])
    reader.report()
    assert len(reader.warnings) == 2  # already reported by this client


def test_lone_surrogates_are_replaced_everywhere_and_the_customer_named():
    assert replace_lone_surrogates("a\ud800b\udfffc") == ("a\ufffdb\ufffdc", 2)
    assert replace_lone_surrogates("emoji \U0001F600 ok") == ("emoji \U0001F600 ok", 0)
    reader = Facts("elements")
    facts = reader.read(organization="Bad\ud800Org", owner_email="x\udc00@y.example", status="Odd\ud801", country="Viet Nam",
                        tenants=[{"id": "t", "name": "t\ud802.onmicrosoft.com"}])
    assert facts["organization"] == "Bad\ufffdOrg" and facts["owner_email"] == "x\ufffd@y.example"
    assert facts["job_status"] == "Odd\ufffd" and facts["tenants"][0]["name"] == "t\ufffd.onmicrosoft.com"
    reader.read(customer_id=OTHER, organization="Clean", status=1, tenants=[])
    reader.report()
    assert len(reader.warnings) == 2
    surrogate_warning = [w for w in reader.warnings if "surrogate" in w][0]
    assert "%s (job_status, organization, owner_email, tenants.name)" % ID in surrogate_warning
    assert "11111111" not in surrogate_warning
    for warning in reader.warnings:
        warning.encode("utf-8")  # a warning itself never carries the bad character


def test_counting_is_thread_safe():
    reader = Facts("elements")

    def read_many():
        for _number in range(200):
            reader.read(status=42, tenants=[])

    threads = [threading.Thread(target=read_many) for _thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.report()
    assert reader.warnings and "42 (800 customer(s))" in reader.warnings[0]
