# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subscriptions (services, seats, licenses, capacity, expiry) of customers: their facts, and the
declaration of the endpoints serving them.

* partner: ``GET /partner/services/{customer_id}`` and ``GET /partner/services`` (``partner.license.read.all``).
* elements: ``POST /partner/external/v3/general/customers/services/batch`` with ``{"customerIds": [...]}``,
  or null for every customer (``elements.license.read.all``).

Each customer has a list of products; AvePoint documents every product field as a string, ``N/A``
meaning "not applicable". Numbers (``"100"``) become integers, sizes (``"5 GB"``) bytes in the
convention of _sizes, dates either API's spelling (``2025-04-05`` on the partner API,
``2025-09-26T00:00:00Z`` on v3) the one time text of _times, ``N/A`` null. A size written
``"0/1 GB"`` appears in AvePoint's samples without an explanation (perhaps used of purchased): its
bytes are null and its text is kept. A count or size this collection cannot read is null and
warned about; a date that is no date fails the read, since the expiry checks rest on it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional

from ._errors import ContractError
from ._job_codes import digits_only
from ._paging import ODATA, PAGE_INDEX
from ._resources import REPEAT_ERROR, Endpoint, ItemContext, Resource, Served
from ._sizes import parse_size
from ._times import ABSENT, format_time, is_placeholder, optional_time
from ._unknown_values import Kind, UnknownValues

# The facts of one subscription, in this order (docs are checked against it, tests/unit/test_completeness.py).
SUBSCRIPTION_FIELDS = (
    "service", "subscription_model", "seats_purchased", "units_purchased", "licenses_assigned", "licenses_available",
    "capacity_purchased_bytes", "capacity_protected_bytes", "storage_consumed_bytes",
    "capacity_purchased", "capacity_protected", "storage_consumed",
    "storage", "retention", "expiration_date", "contract_end_date",
    "source", "payment_type", "package", "subscription_name",
)
CUSTOMER_FIELDS = ("customer_id", "organization", "subscriptions")

# API field -> fact, by kind of value.
TEXT_FIELDS = (
    ("service", "service"), ("subscriptionModel", "subscription_model"), ("storage", "storage"),
    ("retention", "retention"), ("source", "source"), ("paymentType", "payment_type"), ("package", "package"),
    ("subscriptionName", "subscription_name"),
)
COUNT_FIELDS = (
    ("purchasedUserSeats", "seats_purchased"), ("purchasedUnits", "units_purchased"),
    ("microsoftLicenseAssigned", "licenses_assigned"), ("microsoftLicenseAvailable", "licenses_available"),
)
# API field -> (fact of the text as sent, fact of its bytes)
SIZE_FIELDS = (
    ("purchasedCapacity", "capacity_purchased", "capacity_purchased_bytes"),
    ("protectedCapacity", "capacity_protected", "capacity_protected_bytes"),
    ("consumedStorage", "storage_consumed", "storage_consumed_bytes"),
)
DATE_FIELDS = (("expirationDate", "expiration_date"), ("contractEndDate", "contract_end_date"))

# "0/1 GB": two numbers and a unit. AvePoint does not say what it means, so it is kept as text only.
UNEXPLAINED_SIZE = re.compile(r"\A\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?\s*[A-Za-z]+\Z")


def _kind(name: str, what: str, kept: str) -> Kind:
    return Kind(
        "subscription_%s" % name,
        "the subscriptions API returned %s this collection cannot read: %%s. %s" % (what, kept),
        shown=lambda value, count, fields: "%s in %s (%d subscription(s))" % (value, ", ".join(fields), count),
        limit=5,
    )


UNKNOWN_COUNT = _kind("count", "seat, unit or license counts",
                      "They are returned as null, and seats_cover_licenses does not check them")
UNKNOWN_SIZE = _kind("size", "sizes", "Their bytes are returned as null; the text is kept as sent")
PLACEHOLDER_DATE = _kind("placeholder_date", "placeholder dates (the 'no date' values of .NET)",
                         "They are returned as null, as a date the subscription does not have")


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ABSENT)


def _text(value: Any) -> Optional[str]:
    return None if _absent(value) else str(value).strip()


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and digits_only(value.strip()):
        return int(value.strip())
    raise ValueError(value)


def _bytes(text: str) -> Optional[int]:
    """The bytes of a size text; None for the unexplained ``used/purchased`` form (ValueError for others)."""
    if UNEXPLAINED_SIZE.match(text):
        return None
    return parse_size(text)


def _read(value: Any, parse: Callable[[Any], Any], unknown: UnknownValues, kind: Kind, api_field: str) -> Any:
    if _absent(value):
        return None
    try:
        return parse(value)
    except ValueError:
        unknown.note(kind, repr(value if not isinstance(value, str) else value[:60]), api_field)
        return None


def _date(product: Dict[str, Any], api_field: str, unknown: UnknownValues, where: str) -> Optional[str]:
    value = product.get(api_field)
    if is_placeholder(value):
        unknown.note(PLACEHOLDER_DATE, repr(value.strip()[:40]), api_field)
        return None
    try:
        moment = optional_time(value)
    except ValueError:
        raise ContractError(
            "the API response for %s does not match the documented contract: field '%s' is %r, expected a date "
            "(2025-04-05 or 2025-09-26T00:00:00Z) or N/A" % (where, api_field, str(value)[:60])) from None
    return format_time(moment) if moment is not None else None


def subscription_facts(product: Dict[str, Any], unknown: UnknownValues, where: str) -> Dict[str, Any]:
    """The facts of one schema-checked product (``where`` names it in errors), in SUBSCRIPTION_FIELDS order."""
    facts: Dict[str, Any] = {fact: _text(product.get(key)) for key, fact in TEXT_FIELDS}
    for key, fact in COUNT_FIELDS:
        facts[fact] = _read(product.get(key), _count, unknown, UNKNOWN_COUNT, key)
    for key, text_fact, bytes_fact in SIZE_FIELDS:
        text = _text(product.get(key))
        facts[text_fact] = text
        facts[bytes_fact] = _read(text, _bytes, unknown, UNKNOWN_SIZE, key)
    for key, fact in DATE_FIELDS:
        facts[fact] = _date(product, key, unknown, where)
    return {name: facts[name] for name in SUBSCRIPTION_FIELDS}


def customer_subscriptions(item: Dict[str, Any], context: ItemContext) -> Dict[str, Any]:
    """Facts of a schema-checked customer of either API: its ID, organization and subscriptions (null products are none)."""
    products = item["products"] or []
    return {
        "customer_id": item["customerId"].lower(),
        "organization": item["organization"],
        "subscriptions": [
            subscription_facts(product, context.unknown, "%s, product %d (%s)" % (context.what, index + 1, product.get("service")))
            for index, product in enumerate(products)
        ],
    }


SERVICES_BATCH_PATH = "/partner/external/v3/general/customers/services/batch"

SUBSCRIPTIONS = Resource(
    kind="subscriptions",
    noun="customer",  # an item is a customer with its products
    subject="services",  # requests are named "the services of customer <id>", "the services list"
    key="customer_id",
    repeats=REPEAT_ERROR,  # one answer naming a customer twice cannot be trusted
    named_by="customerId",
    apis={
        "partner": Served(
            customer_subscriptions,
            # AvePoint's sample spells it /partner/Services/{id}; its reference and list use the lowercase path.
            one=Endpoint("GET", "/partner/services/{customer_id}", "partner_service"),
            every=Endpoint("GET", "/partner/services", "partner_service_list", "partner_service", ODATA),
        ),
        "elements": Served(
            customer_subscriptions,
            batch=Endpoint("POST", SERVICES_BATCH_PATH, "elements_service_batch", "elements_service", PAGE_INDEX,
                           ids_field="customerIds"),
        ),
    },
)
