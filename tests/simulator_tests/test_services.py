"""The simulator's services (subscriptions) endpoints: seeded products of every profile, the published shapes of
both APIs (every field a string, N/A, both date spellings), paging, scopes and errors."""
import requests

from avepoint_simulator import Simulator, SimulatorConfig
from avepoint_simulator.subscriptions import PROFILES, generate_products
from sim_helpers import ELEMENTS, PARTNER, bearer

PARTNER_LICENSE = "partner.license.read.all"
ELEMENTS_LICENSE = "elements.license.read.all"
SERVICES_BATCH = "/partner/external/v3/general/customers/services/batch"
FIELDS = {"service", "subscriptionModel", "purchasedUserSeats", "purchasedUnits", "microsoftLicenseAssigned",
          "microsoftLicenseAvailable", "purchasedCapacity", "protectedCapacity", "storage", "retention", "consumedStorage",
          "expirationDate", "change", "source", "paymentType", "subscriptionName", "package", "contractEndDate"}
NOW = 1_790_000_000.0  # 2026-09-21T...Z
DAY = 86400


def day(days):
    import time
    return time.strftime("%Y-%m-%d", time.gmtime((int(NOW) // DAY + days) * DAY))


def test_products_are_deterministic_cover_every_profile_and_keep_the_documented_conventions():
    assert generate_products(1, 1, NOW) == generate_products(1, 1, NOW)
    assert generate_products(7, 1, NOW) == []  # "none"
    with Simulator(SimulatorConfig(customers=16, seed=5, jobs_now=NOW)) as sim:
        by_profile = {}
        for customer in sim.customers:
            by_profile.setdefault(sim.subscription_profile(customer["id"]), []).append(sim.subscriptions(customer["id"]))
    assert set(by_profile) == set(PROFILES)
    for products in sum(by_profile.values(), []):
        for item in products:
            assert set(item) == FIELDS and all(isinstance(value, str) for value in item.values())
    m365 = {profile: [products[0] for products in found] for profile, found in by_profile.items() if profile != "none"}
    assert {item["expirationDate"] for item in m365["renewal_due"]} == {day(10) + "T00:00:00Z"}
    assert {item["expirationDate"] for item in m365["expired"]} == {day(-5) + "T00:00:00Z"}
    assert {(item["purchasedUserSeats"], item["microsoftLicenseAssigned"]) for item in m365["short_seats"]} == {("100", "124")}
    for item in m365["covered"]:
        assert int(item["purchasedUserSeats"]) >= int(item["microsoftLicenseAssigned"]) and item["expirationDate"] > day(180)
    for item in m365["not_applicable"]:
        assert (item["purchasedUserSeats"], item["expirationDate"], item["purchasedCapacity"]) == ("N/A", "N/A", "0/1 GB")


def test_partner_services_of_one_customer_and_of_all_with_bare_dates_and_tenant_ids(sim):
    headers = bearer(sim, PARTNER_LICENSE)
    customer = next(c for c in sim.customers if c["tenants"] and sim.subscriptions(c["id"]))
    for path in ("/partner/services/%s", "/partner/Services/%s"):  # AvePoint's sample spells it with a capital S
        one = requests.get(sim.url + path % customer["id"].upper(), headers=headers, timeout=5)
        assert one.status_code == 200, one.text
    body = one.json()
    assert body["@odata.context"].endswith("/partner/$metadata#Services/$entity")
    assert (body["customerId"], body["organization"], body["customer"]) == (
        customer["id"], customer["organization"], customer["ownerEmail"])
    assert body["tenantId"] == ",".join(tenant["id"] for tenant in customer["tenants"])
    expected = sim.subscriptions(customer["id"])
    assert [item["service"] for item in body["products"]] == [item["service"] for item in expected]
    for sent, raw in zip(body["products"], expected):
        assert sent["expirationDate"] == (raw["expirationDate"][:10] if raw["expirationDate"] != "N/A" else "N/A")

    listed = requests.get(sim.url + "/partner/services", headers=headers, timeout=5).json()
    assert [item["customerId"] for item in listed["value"]] == [c["id"] for c in sim.customers]
    assert listed["value"][sim.customers.index(customer)] == {key: value for key, value in body.items() if key != "@odata.context"}


def test_partner_services_list_pages_like_the_customer_list(sim):
    headers = bearer(sim, PARTNER_LICENSE)
    sim.set_shapes({"partner_page_size": 10})
    url, ids = sim.url + "/partner/services", []
    while url:
        page = requests.get(url, headers=headers, timeout=5).json()
        ids += [item["customerId"] for item in page["value"]]
        url = page.get("@odata.nextLink")
        assert url is None or url.startswith(sim.url + "/partner/services?$skiptoken=")
    assert ids == [c["id"] for c in sim.customers]


def test_elements_services_batch_for_ids_for_all_and_paged(sim):
    headers = bearer(sim, ELEMENTS_LICENSE)
    ids = [c["id"] for c in sim.customers]
    asked = [ids[3].upper(), ids[1], "00000000-0000-4000-8000-000000000000"]
    answer = requests.post(sim.url + SERVICES_BATCH + "?pageIndex=1&pageSize=100", headers=headers,
                           json={"customerIds": asked}, timeout=5).json()
    assert [item["customerId"] for item in answer["data"]] == [ids[1], ids[3]]  # dataset order, unknown IDs absent
    assert answer["data"][0]["products"] == sim.subscriptions(ids[1])  # ISO dates, as stored
    assert answer["metadata"] == {"pageIndex": 1, "pageSize": 100, "totalCount": 2}

    pages = [requests.post(sim.url + SERVICES_BATCH + "?pageIndex=%d&pageSize=10" % index, headers=headers,
                           json={"customerIds": None}, timeout=5).json() for index in (1, 2, 3)]
    assert [item["customerId"] for page in pages for item in page["data"]] == ids
    assert {page["metadata"]["totalCount"] for page in pages} == {len(ids)}


def test_services_need_the_license_scopes_and_answer_like_the_customer_endpoints(sim):
    customer_id = sim.customers[0]["id"]
    no_license = bearer(sim, "%s %s" % (PARTNER, ELEMENTS))
    assert requests.get(sim.url + "/partner/services/" + customer_id, headers=no_license, timeout=5).status_code == 403
    assert requests.post(sim.url + SERVICES_BATCH, headers=no_license, json={}, timeout=5).status_code == 403
    partner = bearer(sim, PARTNER_LICENSE)
    assert requests.get(sim.url + "/partner/services/00000000-0000-4000-8000-000000000000", headers=partner, timeout=5).status_code == 404
    assert requests.get(sim.url + "/partner/services/not-a-guid", headers=partner, timeout=5).status_code == 400
    elements = bearer(sim, ELEMENTS_LICENSE)
    sim.set_shapes({"max_batch_ids": 2, "partner_api": False})
    too_many = requests.post(sim.url + SERVICES_BATCH, headers=elements, json={"customerIds": [c["id"] for c in sim.customers[:3]]},
                             timeout=5)
    assert too_many.status_code == 400 and "at most 2 ids" in too_many.json()["message"]
    assert requests.get(sim.url + "/partner/services", headers=partner, timeout=5).status_code == 404
    assert sim.counters()["by_path"]["GET /partner/services"] == 1


def test_products_of_a_dataset_entry_and_of_a_live_change_are_served_as_given(sim):
    customer_id = sim.customers[2]["id"]
    own = [{"service": "Cloud Backup for Microsoft 365", "purchasedUserSeats": "N/A", "expirationDate": "2030-01-31T00:00:00Z"}]
    sim.update_customer(customer_id, {"products": own})
    try:
        assert sim.subscription_profile(customer_id) == "dataset"
        partner = requests.get(sim.url + "/partner/services/" + customer_id, headers=bearer(sim, PARTNER_LICENSE), timeout=5).json()
        assert partner["products"] == [dict(own[0], expirationDate="2030-01-31")]
    finally:
        sim.update_customer(customer_id, {"products": None})
    assert sim.subscription_profile(customer_id) != "dataset"
