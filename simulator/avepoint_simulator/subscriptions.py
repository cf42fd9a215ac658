"""Deterministic subscriptions (AvePoint "services") per customer, and their two API views.

A customer's products depend only on (seed, customer index, now), so tests can ask the simulator
for the raw products and compute what a client must answer. Each customer has a profile (cycling
with its index, independently of the job profiles) that shapes them:

covered        Cloud Backup for Microsoft 365 with more seats than licenses assigned, a year to run
renewal_due    the Microsoft 365 subscription expires in 10 days
short_seats    100 seats purchased for 124 Microsoft licenses assigned
expired        the Microsoft 365 subscription expired 5 days ago
not_applicable IaaS + PaaS capacity in the undocumented "0/1 GB" form, N/A seats and expiry
none           no products at all

Every product field is a string and ``N/A`` means "not applicable", as AvePoint documents. Products
are stored in the Elements v3 shape (``expirationDate`` ``2025-09-26T00:00:00Z``); the partner view
writes dates as bare dates (``2025-04-05``) and adds ``tenantId`` (comma-separated). A dataset entry
may carry its own ``products`` list (v3 shape) to serve exactly that.
"""
from __future__ import annotations

import random
import re
from typing import Any

from .jobs import DAY, NA, iso

PROFILES = ("covered", "renewal_due", "covered", "short_seats", "expired", "not_applicable", "covered", "none")
M365 = "Cloud Backup for Microsoft 365"
GOOGLE = "Cloud Backup for Google Workspace"
IAAS_UNIT = "Cloud Backup for IaaS + PaaS - Unit"
MIGRATION = "Fly Migration to Google"
DATE_FIELDS = ("expirationDate", "contractEndDate")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T")


def profile_of(index: int) -> str:
    return PROFILES[index % len(PROFILES)]


def day_at(now: float, days: int) -> str:
    """Midnight UTC ``days`` after the day of ``now``, as v3 writes it."""
    return iso((int(now) // DAY + days) * DAY)


def product(service: str, **fields: str) -> dict[str, str]:
    """A product with every documented field, N/A unless given."""
    item = dict.fromkeys(("service", "subscriptionModel", "purchasedUserSeats", "purchasedUnits", "microsoftLicenseAssigned",
                          "microsoftLicenseAvailable", "purchasedCapacity", "protectedCapacity", "storage", "retention",
                          "consumedStorage", "expirationDate", "change", "source", "paymentType", "subscriptionName",
                          "package", "contractEndDate"), NA)
    item.update(dict(service=service, source="AvePoint subscription", paymentType="Prepaid"), **fields)
    return item


def _m365(rng: random.Random, now: float, days: int, seats: int, assigned: int) -> dict[str, str]:
    return product(M365, subscriptionModel="Per user", purchasedUserSeats=str(seats), microsoftLicenseAssigned=str(assigned),
                   microsoftLicenseAvailable=str(rng.randint(0, 40)), storage="AvePoint storage (Microsoft Azure Blob)",
                   retention="Retain data for 1 year", consumedStorage="%d GB" % rng.randint(1, 900),
                   expirationDate=day_at(now, days))


def generate_products(index: int, seed: int, now: float) -> list[dict[str, str]]:
    """The products of the customer at ``index`` (v3 shape)."""
    profile = profile_of(index)
    if profile == "none":
        return []
    rng = random.Random(f"avepoint-sim-services/{seed}/{index}")
    seats = rng.choice((50, 100, 250, 500))
    if profile == "not_applicable":
        return [product(IAAS_UNIT, purchasedCapacity="0/1 GB", protectedCapacity="0 GB", storage="Bring your own storage",
                        source="AvePoint pooled subscription", microsoftLicenseAssigned="0", microsoftLicenseAvailable="0",
                        contractEndDate=day_at(now, 400))]
    if profile == "short_seats":
        products = [_m365(rng, now, rng.randint(120, 330), 100, 124)]
    else:
        days = {"renewal_due": 10, "expired": -5}.get(profile, rng.randint(200, 365))
        products = [_m365(rng, now, days, seats, seats - rng.randint(1, seats // 2))]
    if rng.random() < 0.4:  # another service that is well covered and far from its end
        products.append(product(GOOGLE, purchasedUserSeats="25", microsoftLicenseAssigned="0", microsoftLicenseAvailable="0",
                                purchasedCapacity="1024 GB", protectedCapacity="%d GB" % rng.randint(0, 1024),
                                expirationDate=day_at(now, rng.randint(400, 700))))
    if rng.random() < 0.3:  # a migration licence: seats, no Microsoft licenses, an N/A payment type
        products.append(product(MIGRATION, purchasedUserSeats="2", microsoftLicenseAssigned="0", microsoftLicenseAvailable="0",
                                paymentType=NA, expirationDate=day_at(now, rng.randint(40, 90))))
    return products


def partner_services_view(customer: dict[str, Any], products: list[dict[str, Any]]) -> dict[str, Any]:
    """The partner API's shape: dates as bare dates, the tenants as one comma-separated tenantId."""
    return {
        "customerId": customer["id"],
        "organization": customer["organization"],
        "customer": customer["ownerEmail"],
        "tenantId": ",".join(str(tenant.get("id")) for tenant in customer.get("tenants") or []) or NA,
        "products": [{key: _bare_date(value) if key in DATE_FIELDS else value for key, value in item.items()}
                     for item in products],
    }


def v3_services_view(customer: dict[str, Any], products: list[dict[str, Any]]) -> dict[str, Any]:
    return {"customerId": customer["id"], "organization": customer["organization"], "customer": customer["ownerEmail"],
            "products": [dict(item) for item in products]}


def _bare_date(value: Any) -> Any:
    match = _ISO_DATE.match(value) if isinstance(value, str) else None
    return match.group(1) if match else value
