"""AvePoint's published response samples (tests/unit/api_samples/) as a real service would send them.

The samples come from the AvePoint Graph API documentation (the AvePoint/cloud-api repository behind
learn.avepoint.com), with their ``//`` comments removed. AvePoint masks parts of most IDs
(``00427fbc-8832-****-***-582fa46ec638``, ``1c10525c-****-****-****-2e641bc13421``) or the whole ID
(``b521-b521-b521-b521-b521``, twice in one list). A real service sends GUIDs, which the shipped
schemas insist on, so each masked ID is replaced by a GUID derived from it (and, for a customer, from
its organization: two customers masked alike stay two customers).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import jsonschema

from ansible_collections.avepoint.graph.plugins.module_utils._schemas import check

SAMPLES = Path(__file__).resolve().parent / "api_samples"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MASKED = re.compile(r"^[0-9a-f*]+(?:-[0-9a-f*]+){3,4}$")  # GUID-like groups, some starred or too short
ID_KEYS = ("id", "customerId")


def unmasked(text: str, organization: Any = None) -> str:
    """The GUID standing in for a masked sample ID (stable, so tests can name it); a GUID stays as it is."""
    if GUID.match(text) or not MASKED.match(text):
        return text
    salt = "" if organization is None else "/" + str(organization)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "avepoint-sample/" + text + salt))


def sample(name: str) -> Any:
    """A sample with every masked ID (customers and tenants) replaced by its stand-in GUID."""
    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: unmasked(item, value.get("organization") if key == "customerId" else None)
                    if key in ID_KEYS and isinstance(item, str) else fix(item)
                    for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value
    return fix(json.loads((SAMPLES / name).read_text()))


def shipped_schema(name: str) -> Any:
    """A validator of the schema file as shipped in schemas/ (not the copy embedded for modules)."""
    schema = json.loads((SCHEMAS / ("%s.schema.json" % name)).read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def assert_matches_the_schemas(file_name: str, schema: str, items: Any = None) -> None:
    """A sample passes its shipped schema file and the client's check, and so does each item (``items``: the list's key
    and item schema)."""
    document = sample(file_name)
    assert list(shipped_schema(schema).iter_errors(document)) == []
    check(schema, document, file_name)
    if items:
        key, item_schema = items
        assert document[key]
        for item in document[key]:
            assert list(shipped_schema(item_schema).iter_errors(item)) == []
            check(item_schema, item, file_name)
