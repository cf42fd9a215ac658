"""Customer facts from either API, and what the API sent that could not be interpreted (one warning per kind)."""

from __future__ import annotations

import threading
from dataclasses import replace

from ansible_collections.avepoint.graph.plugins.module_utils._backend import Reader
from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues, replace_lone_surrogates

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
