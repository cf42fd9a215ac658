# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON Schemas of the documented responses, and their compiled validators.

Modules run from an AnsiballZ payload that carries Python files only, so the schemas
live here as data; ``schemas/*.schema.json`` in the collection is the same text for
people and other tools, and a unit test keeps the two identical.
"""

from __future__ import annotations

from typing import Any, Optional

from ._deps import load_jsonschema
from ._errors import ContractError
from ._job_schemas import JOB_SCHEMAS
from ._schema_envelopes import elements_page, odata_collection
from ._schema_fastpath import fast_predicate

GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# Unknown extra fields are accepted: a real service may add fields at any time. AvePoint does not
# document nullability: a field may be null (the fact is then null), but a field the documentation
# lists must be present, except the Elements v3 managementMode (docs/api-migration.md).
PARTNER_CUSTOMER: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "avepoint.graph/partner_customer.schema.json",
    "title": "Partner API customer (GET /partner/customers/{id})",
    "type": "object",
    "required": ["id", "organization", "ownerEmail", "jobStatus", "countryOrRegion"],
    "properties": {
        "id": {"type": "string", "pattern": GUID_PATTERN},
        "organization": {"type": ["string", "null"]},
        "ownerEmail": {"type": ["string", "null"]},
        "jobStatus": {"type": ["string", "null"]},
        "countryOrRegion": {"type": ["string", "null"]},
    },
}

PARTNER_CUSTOMER_LIST = odata_collection("partner_customer_list", "Partner API customer list (GET /partner/customers)")

ELEMENTS_CUSTOMER: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "avepoint.graph/elements_customer.schema.json",
    "title": "Elements v3 API customer (an item of data in POST /partner/external/v3/general/customers/batch)",
    "type": "object",
    "required": ["id", "organization", "ownerEmail", "jobStatus", "countryOrRegion", "tenants"],
    "properties": {
        "id": {"type": "string", "pattern": GUID_PATTERN},
        "organization": {"type": ["string", "null"]},
        "ownerEmail": {"type": ["string", "null"]},
        # Documented as an integer code; a name (as the partner API sends) is mapped the same way.
        "jobStatus": {"type": ["integer", "string", "null"]},
        "countryOrRegion": {"type": ["string", "null"]},
        "managementMode": {"type": ["integer", "null"]},
        "tenants": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": ["string", "null"]},
                },
            },
        },
    },
}

ELEMENTS_CUSTOMER_BATCH = elements_page(
    "elements_customer_batch", "Elements v3 API customer page (POST /partner/external/v3/general/customers/batch)")

TOKEN_RESPONSE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "avepoint.graph/token_response.schema.json",
    "title": "OAuth 2.0 token response",
    "type": "object",
    "required": ["access_token"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"type": "string"},
        "expires_in": {"type": ["integer", "number", "string"]},
    },
}

ALL_SCHEMAS: dict[str, dict[str, Any]] = {
    "partner_customer": PARTNER_CUSTOMER,
    "partner_customer_list": PARTNER_CUSTOMER_LIST,
    "elements_customer": ELEMENTS_CUSTOMER,
    "elements_customer_batch": ELEMENTS_CUSTOMER_BATCH,
    "token_response": TOKEN_RESPONSE,
}
ALL_SCHEMAS.update(JOB_SCHEMAS)

# Per-document checks that say "valid" quickly; jsonschema judges whatever they do not pass.
FAST_CHECKS = {name: fast_predicate(schema) for name, schema in ALL_SCHEMAS.items()}

_validators: dict[str, Any] = {}


def validator(name: str) -> Any:
    """The compiled validator for a schema, built once per process."""
    compiled = _validators.get(name)
    if compiled is None:
        schema = ALL_SCHEMAS[name]
        cls = load_jsonschema().validators.validator_for(schema)
        compiled = _validators[name] = cls(schema)
    return compiled


def check(name: str, document: Any, what: str) -> None:
    """Raise ContractError naming the field and the item (``what``) that break the schema."""
    fast = FAST_CHECKS[name]
    if fast is not None and fast(document):
        return
    error = _first_error(name, document)
    if error is not None:
        raise ContractError(
            "the API response for %s does not match the documented contract: %s" % (what, error)
        )


def _first_error(name: str, document: Any) -> Optional[str]:
    best = load_jsonschema().exceptions.best_match(validator(name).iter_errors(document))
    if best is None:
        return None
    location = ".".join(str(part) for part in best.absolute_path)
    if best.validator == "required":
        return best.message
    field = "field '%s'" % location if location else "the body"
    shown = repr(best.instance)
    if len(shown) > 60:
        shown = shown[:60] + "..."
    return "%s is %s, expected %s" % (field, shown, _expected(best))


def _expected(error: Any) -> str:
    if error.validator == "type":
        kinds = error.validator_value
        return "type " + (" or ".join(kinds) if isinstance(kinds, list) else kinds)
    if error.validator == "pattern":
        return "a GUID" if error.validator_value == GUID_PATTERN else "to match %s" % error.validator_value
    return "%s %r" % (error.validator, error.validator_value)
