# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer compliance: validate a declared desired state and compare customer facts with it.

Used by the ``avepoint.graph.compliance_*`` filters and the ``customer_compliance`` role.
The declaration is validated completely (so the role can fail before any request), then one
comparison turns the fetched customer facts (and, for the rules that need them, each
customer's last successful backup from the jobs API) into a result of plain data for reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Optional

from . import _recency as recency
from ._countries import CountryAliases, folded
from ._customer_ids import normalize_customer_id
from ._shown import describe, type_name
from ._errors import ConfigurationError
from ._backup_status import BACKUP_STATUS_NAMES, actual_key, declared_key
from ._times import format_time, parse_time, utc_now

SCOPES = ("listed", "all")
MATCH_MODES = ("forgiving", "exact")

STATUS_COMPLIANT = "compliant"
STATUS_DRIFTED = "drifted"
STATUS_MISSING = "missing"

# The version of the result's (and so the JSON report's) format, see docs/compliance.md.
# 1 (1.0.0) had no format_version key; 2 adds format_version, checked_at and, with a
# previous report, the change marks.
REPORT_FORMAT = 2


@dataclass(frozen=True)
class Comparison:
    """How declared values are compared with facts: the match mode, the country aliases, and
    the reference time of rules about ages (``now``)."""

    match: str = "forgiving"
    country_aliases: CountryAliases = field(default_factory=CountryAliases)
    now: datetime = field(default_factory=utc_now)


class Shown(NamedTuple):
    """A checked fact as the reports write it: ``<label>: expected <expected>, <found>``; a table cell shows ``actual``."""

    label: str
    expected: str
    actual: str
    found: str


@dataclass(frozen=True)
class Rule:
    """One fact a declaration can set expectations for.

    ``parse`` turns one declared value into the value kept (raising ConfigurationError naming
    ``where``); ``check`` says whether a customer's facts satisfy any of the allowed values;
    ``actual`` is what reports show. ``single``: one value, not a list of allowed ones;
    ``needs_jobs``: the rule reads ``last_success``, so the jobs are fetched when a customer is
    checked against it; ``show`` (item of the result, reference time) renders it when plain
    "expected X, got Y" does not fit. A new check (another fact, a derived value) is one more
    Rule in RULES: the declaration keys, the validation, the comparison and the report
    columns all follow from this table.
    """

    key: str
    parse: Callable[[Any, str], Any]
    check: Callable[[Mapping[str, Any], list[Any], Comparison], bool]
    actual: Callable[[Mapping[str, Any]], Any]
    single: bool = False
    needs_jobs: bool = False
    show: Optional[Callable[[Mapping[str, Any], Optional[datetime]], Shown]] = None
    label: Optional[str] = None  # what the reports call the fact, when not its key


def _text_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigurationError("%s must contain only strings, got %s" % (where, describe(value)))
    return value


def _status_value(value: Any, where: str) -> Any:
    """A known status as its canonical name, an unknown code as the int, an unknown name as given."""
    key = declared_key(value)
    if key is None:
        raise ConfigurationError("%s must contain only status names (any spelling) or non-negative codes, got %s" % (where, describe(value)))
    if isinstance(key, int):
        return BACKUP_STATUS_NAMES.get(key, key)
    return value


def _status_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    # On the code whichever API answered; a name without a code only by its exact text.
    actual = actual_key(customer)
    return actual is not None and actual in {declared_key(value) for value in allowed}


def _country_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    actual = customer.get("country_or_region")
    if not isinstance(actual, str):
        return False
    if comparison.match == "exact":
        return actual in allowed
    key = comparison.country_aliases.key
    return key(actual) in {key(value) for value in allowed}


def _recent_ok(customer: Mapping[str, Any], allowed: list[Any], comparison: Comparison) -> bool:
    return recency.recent_enough(customer.get(recency.FACT), allowed[0], comparison.now)


def _recent_shown(item: Mapping[str, Any], now: Optional[datetime]) -> Shown:
    return Shown(recency.LABEL, recency.show_expected(item["expected"]), recency.show_actual(item["actual"], now),
                 recency.found_text(item["actual"], now))


# The checks, in report order.
RULES: tuple[Rule, ...] = (
    Rule("job_status", _status_value, _status_ok, lambda customer: customer.get("job_status")),
    Rule("country_or_region", _text_value, _country_ok, lambda customer: customer.get("country_or_region")),
    Rule(recency.KEY, recency.parse_within, _recent_ok, lambda customer: customer.get(recency.FACT),
         single=True, needs_jobs=True, show=_recent_shown, label=recency.LABEL),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
CHECKED_FIELDS = tuple(rule.key for rule in RULES)
ENTRY_KEYS = ("id", "name") + CHECKED_FIELDS
JOBS_FIELDS = frozenset(rule.key for rule in RULES if rule.needs_jobs)


@dataclass
class Expectation:
    """What one listed customer should look like; ``fields`` maps a fact to its allowed values."""

    id: str
    name: Optional[str] = None
    fields: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Declaration:
    """A validated desired state."""

    entries: list[Expectation]
    defaults: dict[str, list[Any]]
    scope: str = "listed"
    match: str = "forgiving"
    comparison: Comparison = field(default_factory=Comparison)
    allow_empty: bool = False

    @property
    def ids(self) -> list[str]:
        """The listed customer IDs (lowercase), in declaration order."""
        return [entry.id for entry in self.entries]

    def expected_for(self, entry: Optional[Expectation]) -> dict[str, list[Any]]:
        """The allowed values per fact for a customer: its entry's, else the defaults."""
        expected = dict(self.defaults)
        if entry is not None:
            expected.update(entry.fields)
        return {name: expected[name] for name in CHECKED_FIELDS if name in expected}

    @property
    def jobs_for(self) -> Any:
        """Whose jobs a rule needs: ``"all"`` (every checked customer found) or a list of listed IDs."""
        if JOBS_FIELDS & set(self.defaults):
            return "all"
        return [entry.id for entry in self.entries if JOBS_FIELDS & set(entry.fields)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "match": self.match,
            "allow_empty": self.allow_empty,
            "ids": self.ids,
            "jobs_for": self.jobs_for,
            "defaults": dict(self.defaults),
            "expected": [{"id": e.id, "name": e.name, **e.fields} for e in self.entries],
        }


def parse_declaration(
    expected: Any,
    defaults: Any = None,
    scope: Any = "listed",
    match: Any = "forgiving",
    country_aliases: Any = None,
    allow_empty: Any = False,
    now: Any = None,
) -> Declaration:
    """Validate a declaration; raise ConfigurationError naming the first problem found.

    ``now``: the reference time of rules about ages (an ISO 8601 time; empty: the current time).
    """
    reference = reference_time(now)
    if not isinstance(allow_empty, bool):
        raise ConfigurationError("customer_compliance_allow_empty must be a boolean, got %s" % describe(allow_empty))
    aliases = CountryAliases(country_aliases, "customer_compliance_country_aliases")
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
    return Declaration(entries=entries, defaults=parsed_defaults, scope=scope, match=match,
                       comparison=Comparison(match=match, country_aliases=aliases, now=reference), allow_empty=allow_empty)


def reference_time(value: Any) -> datetime:
    """The reference time of a check: ``value`` (an ISO 8601 time, for tests and replays), else now."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return utc_now()
    if isinstance(value, datetime):
        return value
    try:
        return parse_time(value)
    except ValueError as error:
        raise ConfigurationError("customer_compliance_now must be an ISO 8601 time such as 2026-11-29T08:00:00Z (or empty "
                                 "for the current time), got %s: %s" % (describe(value), error)) from None


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


def _parse_fields(raw: Any, where: str, allowed_keys: tuple[str, ...], extra_keys: tuple[str, ...] = ()) -> dict[str, list[Any]]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError("%s must be a dictionary, got %s" % (where, describe(raw)))
    unknown = sorted(str(key) for key in raw if key not in allowed_keys)
    if unknown:
        raise ConfigurationError("%s has unknown key(s) %s; allowed keys are %s" % (
            where, ", ".join(unknown), ", ".join(extra_keys + allowed_keys)))
    fields: dict[str, list[Any]] = {}
    for name in allowed_keys:
        if name in raw and raw[name] is not None:
            fields[name] = _allowed_values(raw[name], "%s.%s" % (where, name), RULES_BY_KEY[name])
    return fields


def _allowed_values(value: Any, where: str, rule: Rule) -> list[Any]:
    """One value or a non-empty list of values, each parsed by the rule, as a list."""
    if rule.single:
        if isinstance(value, list):
            raise ConfigurationError("%s takes one value, not a list, got %s" % (where, describe(value)))
        return [rule.parse(value, where)]
    values = value if isinstance(value, list) else [value]
    if not isinstance(value, (list, str, int)) or isinstance(value, bool):
        raise ConfigurationError("%s must be a value or a list of values, got %s" % (where, describe(value)))
    if not values:
        raise ConfigurationError("%s is an empty list: give at least one allowed value" % where)
    return [rule.parse(item, where) for item in values]


def comparable(mode: str) -> Callable[[str], str]:
    """How text is normalised before comparing in each match mode."""
    if mode == "exact":
        return lambda text: text
    return folded  # forgiving: case-insensitive, surrounding white space ignored, inner runs collapsed


def is_allowed(actual: Any, allowed: Iterable[str], mode: str) -> bool:
    """Plain text comparison in a match mode (no aliases, no status codes)."""
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


def check_compliance(fetched: Any, declaration: Declaration, jobs: Any = None) -> dict[str, Any]:
    """Compare customer facts with the declaration; return the plain-data result.

    ``jobs``: the registered result of avepoint_job_info, needed when a rule reads the last
    successful backup (a skipped task counts as not given).
    """
    seen = recency.JobsSeen(jobs)
    by_id: dict[str, Mapping[str, Any]] = {}
    for customer in customer_list(fetched):
        by_id.setdefault(customer["id"].lower(), customer)
    entries = {entry.id: entry for entry in declaration.entries}
    if declaration.scope == "all":
        checked_ids = list(by_id) + [cid for cid in entries if cid not in by_id]
    else:
        checked_ids = list(entries)

    if not checked_ids and not declaration.allow_empty:
        raise ConfigurationError(empty_scope_message(fetched))
    rows = [_check_one(cid, by_id.get(cid), entries.get(cid), declaration, seen) for cid in checked_ids]
    compliant = [row["id"] for row in rows if row["status"] == STATUS_COMPLIANT]
    drifted = [
        {"id": row["id"], "name": row["name"], "organization": row["organization"],
         "fields": [{"field": f["field"], "expected": f["expected"], "actual": f["actual"]} for f in row["fields"] if not f["ok"]]}
        for row in rows if row["status"] == STATUS_DRIFTED
    ]
    missing = [row["id"] for row in rows if row["status"] == STATUS_MISSING]
    return {
        "format_version": REPORT_FORMAT,
        "checked_at": format_time(declaration.comparison.now),
        "summary": {"total": len(rows), "compliant": len(compliant), "drifted": len(drifted), "missing": len(missing)},
        "compliant": compliant,
        "drifted": drifted,
        "missing": missing,
        "customers": rows,
        "scope": declaration.scope,
        "match": declaration.match,
    }


def _check_one(customer_id: str, customer: Optional[Mapping[str, Any]], entry: Optional[Expectation], declaration: Declaration,
               seen: recency.JobsSeen) -> dict[str, Any]:
    declared_name = entry.name if entry else None
    if customer is None:
        return {"id": customer_id, "name": declared_name, "organization": None, "status": STATUS_MISSING, "fields": []}
    organization = customer.get("organization")
    expected = declaration.expected_for(entry)
    needs_jobs = JOBS_FIELDS & set(expected)
    # Facts that already carry the last success (the lookup's or inventory's last_success option) need no jobs input.
    if needs_jobs and (seen.given or recency.FACT not in customer):
        customer = dict(customer, **{recency.FACT: seen.of(customer_id, needs_jobs)})
    fields = [
        {"field": name, "expected": allowed, "actual": RULES_BY_KEY[name].actual(customer),
         "ok": RULES_BY_KEY[name].check(customer, allowed, declaration.comparison)}
        for name, allowed in expected.items()
    ]
    status = STATUS_COMPLIANT if all(f["ok"] for f in fields) else STATUS_DRIFTED
    return {"id": customer_id, "name": declared_name or organization, "organization": organization, "status": status, "fields": fields}


def empty_scope_message(fetched: Any) -> str:
    """Why zero customers is a failure, naming the service that answered when the input says."""
    service = fetched.get("service") if isinstance(fetched, Mapping) else None
    where = "the service"
    if isinstance(service, Mapping) and service.get("api_url"):
        where = "the %s API at %s (cloud %s)" % (service.get("api", "?"), service["api_url"], service.get("cloud", "?"))
    return (
        "customer_compliance_scope is 'all' but %s returned no customers, so nothing was checked. Check api_url, cloud "
        "and the app registration's customer scope, or set customer_compliance_allow_empty: true (allow_empty=true "
        "for the compliance filters) if an empty scope is expected" % where
    )
