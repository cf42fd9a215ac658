# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customers: the facts every consumer returns, and the declaration of the endpoints serving them.

* partner: ``GET /partner/customers/{id}`` and ``GET /partner/customers`` (``partner.customers.read.all``).
* elements: ``POST /partner/external/v3/general/customers/batch`` with ``{"customerIds": [...]}``,
  or null for every customer (``elements.customers.read.all``).

The backup status (``jobStatus``) is an integer code from the Elements v3 API and a name from the
partner API (_backup_status.py); both become the name and the code. A value this collection does
not know is kept (the name verbatim, ``Unknown (<code>)`` for a code) and warned about once.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from ._backup_status import BACKUP_STATUS_NAMES, from_code, from_name
from ._job_codes import digits_only
from ._paging import ODATA, PAGE_INDEX
from ._resources import REPEAT_ERROR, Endpoint, ItemContext, Resource, Served
from ._shown import printable
from ._unknown_values import Kind, UnknownValues

# The customer facts every consumer returns, in this order; the documentation of every consumer
# is checked against these lists (tests/unit/test_completeness.py).
FACT_FIELDS = ("id", "organization", "owner_email", "job_status", "job_status_code", "country_or_region")
ELEMENTS_FACT_FIELDS = FACT_FIELDS + ("management_mode", "tenants")  # only the elements API has these

UNKNOWN_STATUS_CODE = Kind(
    "backup_status_code",
    "the elements API returned jobStatus code(s) this collection does not know: %s. They are returned as job_status "
    "'Unknown (<code>)' with job_status_code set to the code; a newer avepoint.graph may name them",
    shown=lambda code, count, _details: "%d (%d customer(s))" % (code, count),
    order=int,
)
UNKNOWN_STATUS_NAME = Kind(
    "backup_status_name",
    "the API returned jobStatus name(s) this collection does not know: %s. They are returned verbatim as job_status "
    "with job_status_code null and compared exactly (character for character) by the compliance filters; a newer "
    "avepoint.graph may map them",
    shown=lambda name, count, _details: "'%s' (%d customer(s))" % (printable(name), count),  # surrogates and all
)


def backup_status(value: Any, unknown: UnknownValues) -> Tuple[Optional[str], Optional[int]]:
    """(name, code) of a jobStatus of either API; an unknown value is noted for the warning."""
    if value is None:
        return None, None
    if isinstance(value, str) and digits_only(value.strip()):
        value = int(value.strip())  # a v3 code sent as a string ("1")
    if isinstance(value, int) and not isinstance(value, bool):
        if value not in BACKUP_STATUS_NAMES:
            unknown.note(UNKNOWN_STATUS_CODE, value)
        return from_code(value)
    name, code = from_name(value if isinstance(value, str) else str(value))
    if code is None:
        unknown.note(UNKNOWN_STATUS_NAME, name)
    return name, code


def partner_customer(item: Dict[str, Any], context: ItemContext) -> Dict[str, Any]:
    """Facts of a schema-checked partner API customer (null values stay null)."""
    name, code = backup_status(item["jobStatus"], context.unknown)
    return dict(zip(FACT_FIELDS, (item["id"].lower(), item["organization"], item["ownerEmail"], name, code, item["countryOrRegion"])))


def elements_customer(item: Dict[str, Any], context: ItemContext) -> Dict[str, Any]:
    """Facts of a schema-checked Elements v3 customer: the partner facts, the management mode and the
    tenants (null tenants are none)."""
    facts = partner_customer(item, context)
    facts["management_mode"] = item.get("managementMode")
    facts["tenants"] = [{"id": tenant["id"], "name": tenant.get("name")} for tenant in item["tenants"] or []]
    return facts


CUSTOMERS = Resource(
    kind="customers",
    noun="customer",
    key="id",
    repeats=REPEAT_ERROR,  # one answer naming a customer twice cannot be trusted
    named_by="id",
    apis={
        "partner": Served(
            partner_customer,
            one=Endpoint("GET", "/partner/customers/{customer_id}", "partner_customer"),
            every=Endpoint("GET", "/partner/customers", "partner_customer_list", "partner_customer", ODATA),
        ),
        "elements": Served(
            elements_customer,
            batch=Endpoint("POST", "/partner/external/v3/general/customers/batch", "elements_customer_batch",
                           "elements_customer", PAGE_INDEX, ids_field="customerIds"),
        ),
    },
)
