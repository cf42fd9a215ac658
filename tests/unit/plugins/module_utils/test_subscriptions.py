"""Subscriptions (module_utils/_subscriptions.py): AvePoint's published services samples through the shipped
schemas into the documented facts, and reading them through the client on both APIs."""

from __future__ import annotations

import json

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError
from ansible_collections.avepoint.graph.plugins.module_utils._resources import ItemContext
from ansible_collections.avepoint.graph.plugins.module_utils._subscriptions import SUBSCRIPTION_FIELDS, customer_subscriptions, subscription_facts
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues

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


GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
SERVICES_PATH = "/partner/external/v3/general/customers/services/batch"
PRODUCT = {
    "service": "Cloud Backup for Microsoft 365", "subscriptionModel": "N/A", "purchasedUserSeats": "100",
    "purchasedUnits": "N/A", "microsoftLicenseAssigned": "124", "microsoftLicenseAvailable": "6",
    "purchasedCapacity": "1.5 GB", "protectedCapacity": "0 GB", "storage": "AvePoint storage", "retention": "N/A",
    "consumedStorage": "512 MB", "expirationDate": "2026-12-14", "change": "N/A", "source": "AvePoint subscription",
    "paymentType": "Prepaid", "subscriptionName": "N/A", "package": "N/A", "contractEndDate": "N/A",
}


def facts(unknown=None, **changes):
    return subscription_facts(dict(PRODUCT, **changes), unknown or UnknownValues(), "customer %s, product 1" % GUID)


def warnings_of(unknown):
    shown = []
    unknown.report(shown.append)
    return shown


def services(customer_id=GUID, products=None, **fields):
    return dict({"customerId": customer_id, "organization": "Contoso", "customer": "admin@contoso.example",
                 "products": [PRODUCT] if products is None else products}, **fields)


def page(*items, total=None):
    return {"data": list(items), "metadata": {"pageIndex": 1, "pageSize": 100, "totalCount": len(items) if total is None else total}}


def test_every_field_becomes_its_fact_in_the_documented_order():
    assert facts() == {
        "service": "Cloud Backup for Microsoft 365", "subscription_model": None, "seats_purchased": 100, "units_purchased": None,
        "licenses_assigned": 124, "licenses_available": 6, "capacity_purchased_bytes": int(1.5 * GB),
        "capacity_protected_bytes": 0, "storage_consumed_bytes": 512 * 1024 ** 2, "capacity_purchased": "1.5 GB",
        "capacity_protected": "0 GB", "storage_consumed": "512 MB", "storage": "AvePoint storage", "retention": None,
        "expiration_date": "2026-12-14T00:00:00Z", "contract_end_date": None, "source": "AvePoint subscription",
        "payment_type": "Prepaid", "subscription_name": None, "package": None,
    }
    assert tuple(facts()) == SUBSCRIPTION_FIELDS


@pytest.mark.parametrize("spelling, expected", [
    ("2025-04-05", "2025-04-05T00:00:00Z"),  # the partner API: a bare date, taken as midnight UTC
    ("2025-09-26T00:00:00Z", "2025-09-26T00:00:00Z"),  # Elements v3
    ("2025-09-26T00:00:00", "2025-09-26T00:00:00Z"),  # no offset: UTC, as AvePoint documents its times
    ("2025-09-26T02:00:00+02:00", "2025-09-26T00:00:00Z"),
    ("2025-09-26T00:00:00.0000000Z", "2025-09-26T00:00:00Z"),
    (" 2025-04-05 ", "2025-04-05T00:00:00Z"),
    ("N/A", None), ("n/a", None), ("", None), (None, None),
])
def test_dates_of_either_api_become_one_time_text(spelling, expected):
    assert facts(expirationDate=spelling, contractEndDate=spelling)["expiration_date"] == expected
    assert facts(contractEndDate=spelling)["contract_end_date"] == expected


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "9999-12-31T23:59:59.9999999", "9999-12-31"])
def test_a_placeholder_date_is_null_and_warned_about(value):
    unknown = UnknownValues()
    assert facts(unknown, expirationDate=value)["expiration_date"] is None
    (warning,) = warnings_of(unknown)
    assert "placeholder dates" in warning and "expirationDate" in warning and value.strip()[:10] in warning


@pytest.mark.parametrize("value", ["04/05/2025", "next year", "2025-13-01", "20250405"])
def test_a_date_that_is_no_date_fails_naming_the_customer_the_product_and_the_field(value):
    with pytest.raises(ContractError) as caught:
        facts(contractEndDate=value)
    assert "customer %s, product 1" % GUID in str(caught.value)
    assert "'contractEndDate' is %r" % value in str(caught.value)


@pytest.mark.parametrize("value, expected", [("100", 100), (" 7 ", 7), ("0", 0), (40, 40), ("N/A", None), (None, None)])
def test_counts_become_integers(value, expected):
    unknown = UnknownValues()
    result = facts(unknown, purchasedUserSeats=value, microsoftLicenseAssigned=value)
    assert result["seats_purchased"] == result["licenses_assigned"] == expected
    assert warnings_of(unknown) == []


@pytest.mark.parametrize("value", ["1,000", "Unlimited", "-5", "1.5", "²", True, -1])
def test_a_count_this_collection_cannot_read_is_null_and_warned_about_once(value):
    unknown = UnknownValues()
    assert facts(unknown, purchasedUserSeats=value)["seats_purchased"] is None
    assert facts(unknown, purchasedUserSeats=value)["seats_purchased"] is None
    (warning,) = warnings_of(unknown)
    assert "seat, unit or license counts" in warning and "purchasedUserSeats (2 subscription(s))" in warning
    assert "seats_cover_licenses does not check them" in warning


@pytest.mark.parametrize("text, expected", [("5 GB", 5 * GB), ("1024 GB", 1024 * GB), ("0 GB", 0), ("1.5 TB", int(1.5 * 1024 ** 4))])
def test_sizes_become_bytes_and_keep_their_text(text, expected):
    result = facts(purchasedCapacity=text)
    assert (result["capacity_purchased"], result["capacity_purchased_bytes"]) == (text, expected)


@pytest.mark.parametrize("text", ["0/1 GB", "12.5/100 GB", "3 / 10 TB"])
def test_the_unexplained_used_of_purchased_size_is_kept_as_text_without_bytes_or_warning(text):
    unknown = UnknownValues()
    result = facts(unknown, purchasedCapacity=text, protectedCapacity=text)
    assert (result["capacity_purchased"], result["capacity_purchased_bytes"]) == (text, None)
    assert (result["capacity_protected"], result["capacity_protected_bytes"]) == (text, None)
    assert warnings_of(unknown) == []


def test_a_size_this_collection_cannot_read_keeps_its_text_and_is_warned_about():
    unknown = UnknownValues()
    result = facts(unknown, consumedStorage="1,5 GB")
    assert (result["storage_consumed"], result["storage_consumed_bytes"]) == ("1,5 GB", None)
    (warning,) = warnings_of(unknown)
    assert "sizes" in warning and "'1,5 GB' in consumedStorage" in warning and "the text is kept" in warning


def test_na_and_absent_fields_are_null_and_the_text_is_trimmed():
    product = {key: "N/A" for key in PRODUCT}
    product.update(service=" Cense ", expirationDate="N/A")
    del product["protectedCapacity"]  # AvePoint's own partner sample leaves it out
    assert subscription_facts(product, UnknownValues(), "x") == dict(dict.fromkeys(SUBSCRIPTION_FIELDS), service="Cense")


def test_a_customer_has_a_lowercase_id_its_organization_and_its_subscriptions_in_order():
    context = ItemContext("customer %s" % GUID, None, UnknownValues())
    second = dict(PRODUCT, service="Cloud Backup for Google Workspace")
    result = customer_subscriptions(services(GUID.upper(), [PRODUCT, second]), context)
    assert result["customer_id"] == GUID and result["organization"] == "Contoso"
    assert [entry["service"] for entry in result["subscriptions"]] == ["Cloud Backup for Microsoft 365", "Cloud Backup for Google Workspace"]
    assert customer_subscriptions(dict(services(), products=None), context)["subscriptions"] == []


def test_a_bad_date_through_the_client_names_the_customer_and_the_service():
    bad = dict(PRODUCT, expirationDate="soon")
    client = scripted_client(lambda *a: response(200, services(products=[PRODUCT, bad])))
    with pytest.raises(ContractError) as caught:
        client.get_subscriptions([GUID])
    assert "the services of customer %s, product 2 (Cloud Backup for Microsoft 365)" % GUID in str(caught.value)


@pytest.mark.parametrize("missing", ["service", "purchasedUserSeats", "microsoftLicenseAssigned", "expirationDate"])
def test_a_product_without_a_field_the_rules_rest_on_is_a_contract_error(missing):
    product = {key: value for key, value in PRODUCT.items() if key != missing}
    client = scripted_client(lambda *a: response(200, page(services(products=[product]))), api="elements")
    with pytest.raises(ContractError, match="'%s' is a required property" % missing):
        client.get_subscriptions([GUID])


def test_a_masked_or_invalid_customer_id_is_a_contract_error():
    client = scripted_client(lambda *a: response(200, {"value": [services("b521-b521-b521-b521-b521")]}))
    with pytest.raises(ContractError, match="field 'customerId' is 'b521-b521-b521-b521-b521', expected a GUID"):
        client.list_subscriptions()


def test_partner_ids_are_read_one_by_one_and_an_unknown_id_is_missing():
    def answer(_method, url, _params, _body):
        return response(200, services(GUID)) if url.endswith(GUID) else response(404, {"message": "not found"})

    client = scripted_client(answer)
    result = client.get_subscriptions([OTHER, GUID, GUID.upper()])
    assert [entry["customer_id"] for entry in result.customers] == [GUID] and result.missing_ids == [OTHER]
    assert sorted(url for _m, url, _p, _b in client.transport.requests) == sorted(
        API_URL + "/partner/services/" + customer_id for customer_id in (GUID, OTHER))


def test_partner_every_id_unknown_asks_the_services_list_once_and_a_404_there_is_a_missing_endpoint():
    client = scripted_client(lambda *a: response(404, {"message": "No route"}))
    with pytest.raises(ApiError) as caught:
        client.get_subscriptions([GUID, OTHER])
    text = str(caught.value)
    assert "the services list (asked because every requested customer ID answered HTTP 404)" in text
    assert "does not serve the partner API endpoint /partner/services;" in text
    assert client.transport.requests[-1][1] == API_URL + "/partner/services"

    listed = scripted_client(lambda _m, url, _p, _b: response(200, {"value": []}) if url.endswith("/services") else response(404))
    assert listed.get_subscriptions([GUID]).missing_ids == [GUID]


def test_a_403_names_the_license_permission_of_the_api():
    for api, permission in (("partner", "partner.license.read.all"), ("elements", "elements.license.read.all")):
        client = scripted_client(lambda *a: response(403, {"message": "Forbidden"}), api=api)
        with pytest.raises(ApiError) as caught:
            client.get_subscriptions([GUID])
        assert "needs the permission '%s' for the %s API" % (permission, api) in str(caught.value)
        assert "for the services of customer %s" % GUID in str(caught.value)


def test_elements_reads_batches_of_ids_pages_and_keeps_the_order_asked():
    ids = ["%08d-0000-4000-8000-000000000000" % number for number in range(5)]
    seen = []

    def answer(_method, url, params, body):
        seen.append((params["pageIndex"], body["customerIds"]))
        wanted = body["customerIds"]
        items = [services(customer_id) for customer_id in reversed(wanted) if customer_id != ids[3]]
        return response(200, page(*items))

    client = scripted_client(answer, api="elements", batch_size=2)
    result = client.get_subscriptions(ids)
    assert [entry["customer_id"] for entry in result.customers] == [ids[0], ids[1], ids[2], ids[4]]
    assert result.missing_ids == [ids[3]]
    assert sorted(seen) == [(1, ids[0:2]), (1, ids[2:4]), (1, ids[4:5])]


def test_elements_a_missing_services_endpoint_is_named():
    client = scripted_client(lambda *a: response(404, {"message": "No route"}), api="elements")
    with pytest.raises(ApiError, match="does not serve the elements API endpoint %s" % SERVICES_PATH) as caught:
        client.list_subscriptions()
    assert "the Elements v3 services endpoint answers HTTP 404" in str(caught.value)


def test_a_customer_listed_twice_is_a_contract_error():
    client = scripted_client(lambda *a: response(200, page(services(GUID), services(GUID.upper()))), api="elements")
    with pytest.raises(ContractError, match="listed customer %s more than once" % GUID):
        client.list_subscriptions()
