# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer compliance: validate a declared desired state and compare customer facts with it.

Used by the ``avepoint.graph.compliance_*`` filters and the ``customer_compliance`` role.
The declaration is validated completely (so the role can fail before any request), then one
comparison turns the fetched customer facts into a result of plain data for reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

from ._customers import describe, normalize_customer_id, type_name
from ._errors import ConfigurationError

# The customer facts a declaration may set expectations for, in report order.
CHECKED_FIELDS = ("job_status", "country_or_region")
ENTRY_KEYS = ("id", "name") + CHECKED_FIELDS
SCOPES = ("listed", "all")
MATCH_MODES = ("forgiving", "exact")

STATUS_COMPLIANT = "compliant"
STATUS_DRIFTED = "drifted"
STATUS_MISSING = "missing"


@dataclass
class Expectation:
    """What one listed customer should look like; ``fields`` maps a fact to its allowed values."""

    id: str
    name: Optional[str] = None
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Declaration:
    """A validated desired state."""

    entries: list[Expectation]
    defaults: dict[str, list[str]]
    scope: str = "listed"
    match: str = "forgiving"

    @property
    def ids(self) -> list[str]:
        """The listed customer IDs (lowercase), in declaration order."""
        return [entry.id for entry in self.entries]

    def expected_for(self, entry: Optional[Expectation]) -> dict[str, list[str]]:
        """The allowed values per fact for a customer: its entry's, else the defaults."""
        expected = dict(self.defaults)
        if entry is not None:
            expected.update(entry.fields)
        return {name: expected[name] for name in CHECKED_FIELDS if name in expected}

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "match": self.match,
            "ids": self.ids,
            "defaults": dict(self.defaults),
            "expected": [{"id": e.id, "name": e.name, **e.fields} for e in self.entries],
        }


def parse_declaration(
    expected: Any,
    defaults: Any = None,
    scope: Any = "listed",
    match: Any = "forgiving",
) -> Declaration:
    """Validate a declaration; raise ConfigurationError naming the first problem found."""
    if scope not in SCOPES:
        raise ConfigurationError("customer_compliance_scope must be one of %s, got %s" % (", ".join(SCOPES), describe(scope)))
    if match not in MATCH_MODES:
        raise ConfigurationError("customer_compliance_match must be one of %s, got %s" % (", ".join(MATCH_MODES), describe(match)))
    if expected is None:
        expected = []
    if not isinstance(expected, list):
        raise ConfigurationError("customer_compliance_expected must be a list of customer entries, got %s" % type_name(expected))
    parsed_defaults = _parse_fields(defaults or {}, "customer_compliance_defaults", allowed_keys=CHECKED_FIELDS)
    entries: list[Expectation] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(expected):
        where = "customer_compliance_expected[%d]" % index
        entry = _parse_entry(raw, where)
        if entry.id in seen:
            raise ConfigurationError("%s: customer %s is already listed in customer_compliance_expected[%d]" % (where, entry.id, seen[entry.id]))
        seen[entry.id] = index
        entries.append(entry)
    if scope == "listed" and not entries:
        raise ConfigurationError("customer_compliance_expected is empty: list the customers to check, or set customer_compliance_scope to 'all'")
    return Declaration(entries=entries, defaults=parsed_defaults, scope=scope, match=match)


def _parse_entry(raw: Any, where: str) -> Expectation:
    if not isinstance(raw, Mapping):
        raise ConfigurationError("%s must be a dictionary with an id, got %s" % (where, describe(raw)))
    if "id" not in raw:
        raise ConfigurationError("%s has no id" % where)
    customer_id = normalize_customer_id(raw["id"], "customer ID in %s" % where)
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigurationError("%s.name must be a string, got %s" % (where, describe(name)))
    fields = _parse_fields({k: v for k, v in raw.items() if k not in ("id", "name")}, where, allowed_keys=CHECKED_FIELDS, extra_keys=("id", "name"))
    return Expectation(id=customer_id, name=name, fields=fields)


def _parse_fields(raw: Any, where: str, allowed_keys: tuple[str, ...], extra_keys: tuple[str, ...] = ()) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError("%s must be a dictionary, got %s" % (where, describe(raw)))
    unknown = sorted(str(key) for key in raw if key not in allowed_keys)
    if unknown:
        raise ConfigurationError("%s has unknown key(s) %s; allowed keys are %s" % (
            where, ", ".join(unknown), ", ".join(extra_keys + allowed_keys)))
    fields: dict[str, list[str]] = {}
    for name in allowed_keys:
        if name in raw and raw[name] is not None:
            fields[name] = _allowed_values(raw[name], "%s.%s" % (where, name))
    return fields


def _allowed_values(value: Any, where: str) -> list[str]:
    """A string or a non-empty list of strings, as a list."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise ConfigurationError("%s must be a string or a list of strings, got %s" % (where, describe(value)))
    if not values:
        raise ConfigurationError("%s is an empty list: give at least one allowed value" % where)
    for item in values:
        if not isinstance(item, str):
            raise ConfigurationError("%s must contain only strings, got %s" % (where, describe(item)))
    return list(values)


def comparable(mode: str) -> Callable[[str], str]:
    """How values are normalised before comparing in each match mode."""
    if mode == "exact":
        return lambda text: text
    # forgiving: case-insensitive, surrounding white space ignored, inner runs collapsed
    return lambda text: " ".join(text.split()).casefold()


def is_allowed(actual: Any, allowed: Iterable[str], mode: str) -> bool:
    if not isinstance(actual, str):
        return False
    key = comparable(mode)
    return key(actual) in {key(value) for value in allowed}


def customer_list(fetched: Any) -> list[Mapping[str, Any]]:
    """Customer facts from a registered avepoint_customer_info result or a plain list."""
    if isinstance(fetched, Mapping):
        if "customers" not in fetched:
            raise ConfigurationError(
                "the input has no 'customers' key: pass the registered result of avepoint.graph.avepoint_customer_info or a list of customers")
        fetched = fetched["customers"]
    if not isinstance(fetched, list) or not all(isinstance(item, Mapping) and isinstance(item.get("id"), str) for item in fetched):
        raise ConfigurationError("the input must be a list of customer facts, each with an id")
    return fetched


def check_compliance(fetched: Any, declaration: Declaration) -> dict[str, Any]:
    """Compare customer facts with the declaration; return the plain-data result."""
    by_id: dict[str, Mapping[str, Any]] = {}
    for customer in customer_list(fetched):
        by_id.setdefault(customer["id"].lower(), customer)
    entries = {entry.id: entry for entry in declaration.entries}
    if declaration.scope == "all":
        checked_ids = list(by_id) + [cid for cid in entries if cid not in by_id]
    else:
        checked_ids = list(entries)

    rows = [_check_one(cid, by_id.get(cid), entries.get(cid), declaration) for cid in checked_ids]
    compliant = [row["id"] for row in rows if row["status"] == STATUS_COMPLIANT]
    drifted = [
        {"id": row["id"], "name": row["name"], "organization": row["organization"],
         "fields": [{"field": f["field"], "expected": f["expected"], "actual": f["actual"]} for f in row["fields"] if not f["ok"]]}
        for row in rows if row["status"] == STATUS_DRIFTED
    ]
    missing = [row["id"] for row in rows if row["status"] == STATUS_MISSING]
    return {
        "summary": {"total": len(rows), "compliant": len(compliant), "drifted": len(drifted), "missing": len(missing)},
        "compliant": compliant,
        "drifted": drifted,
        "missing": missing,
        "customers": rows,
        "scope": declaration.scope,
        "match": declaration.match,
    }


def _check_one(customer_id: str, customer: Optional[Mapping[str, Any]], entry: Optional[Expectation], declaration: Declaration) -> dict[str, Any]:
    declared_name = entry.name if entry else None
    if customer is None:
        return {"id": customer_id, "name": declared_name, "organization": None, "status": STATUS_MISSING, "fields": []}
    organization = customer.get("organization")
    fields = [
        {"field": name, "expected": allowed, "actual": customer.get(name), "ok": is_allowed(customer.get(name), allowed, declaration.match)}
        for name, allowed in declaration.expected_for(entry).items()
    ]
    status = STATUS_COMPLIANT if all(f["ok"] for f in fields) else STATUS_DRIFTED
    return {"id": customer_id, "name": declared_name or organization, "organization": organization, "status": status, "fields": fields}
