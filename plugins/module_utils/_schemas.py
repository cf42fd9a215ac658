# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checking answers against the JSON Schemas of the documented responses (schemas/*.schema.json).

Unknown extra fields are accepted: a real service may add fields at any time. AvePoint does not
document nullability: a field may be null (the fact is then null), but a field the documentation
lists must be present, except the Elements v3 managementMode (docs/api-migration.md).

jsonschema is the judge and the author of every error message. It costs about 0.13 ms per item,
which with the jobs of a thousand customers (tens of thousands of items) would be seconds per
task; so each schema also gets a fast yes-check derived from it (_schema_fastpath.py), and only
what that cannot pass quickly goes to jsonschema (docs/performance.md).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Optional

from ._errors import ContractError, DependencyError
from ._schema_documents import SCHEMAS
from ._schema_fastpath import fast_predicate

GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# Per-document checks that say "valid" quickly; jsonschema judges whatever they do not pass.
FAST_CHECKS = {name: fast_predicate(schema) for name, schema in SCHEMAS.items()}

_validators: dict[str, Any] = {}


def load_jsonschema() -> ModuleType:
    """The jsonschema package, imported when first needed. Not through _deps: the filters read resource
    declarations (and so this file) without any need of the HTTP libraries _deps imports."""
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise DependencyError("jsonschema", "install it on the Ansible controller (pip install jsonschema)") from None
    return jsonschema


def validator(name: str) -> Any:
    """The compiled validator for a schema, built once per process."""
    compiled = _validators.get(name)
    if compiled is None:
        schema = SCHEMAS[name]
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
