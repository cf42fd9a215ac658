# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A customer compliance declaration: validated once, then carried as a plain, versioned dict.

``parse_declaration`` checks a declared desired state completely (so the role can fail before
any request) and raises ConfigurationError naming the first problem. ``Declaration.as_dict`` is
what the ``compliance_declaration`` filter returns; ``from_dict`` takes that dict back as it is,
without validating the entries again, so the role parses its declaration once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import normalize_customer_id
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe, type_name
from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time, parse_time, utc_now

from .countries import CountryAliases
from .rules import CHECKED_FIELDS, JOBS_FIELDS, MATCH_MODES, PROTECTION_FIELDS, RULES_BY_KEY, SUBSCRIPTIONS_FIELDS, Comparison, Rule

SCOPES = ("listed", "all")

# The version of the dict compliance_declaration returns (see its RETURN documentation):
# 1 (1.2.0) adds format_version, country_aliases and now, which make it complete.
DECLARATION_FORMAT = 1
_NOT_A_DECLARATION = ("is not a declaration returned by avepoint.graph.compliance_declaration (%s): pass that filter's "
                      "output unchanged, or the list of customer entries")


@dataclass
class Expectation:
    """What one listed customer should look like; ``fields`` maps a fact to its allowed values."""

    id: str
    name: Optional[str] = None
    fields: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Declaration:
    """A validated desired state. ``now`` None: the time of the check."""

    entries: list[Expectation]
    defaults: dict[str, list[Any]]
    scope: str = "listed"
    match: str = "forgiving"
    country_aliases: CountryAliases = field(default_factory=CountryAliases)
    allow_empty: bool = False
    now: Optional[datetime] = None

    @property
    def ids(self) -> list[str]:
        """The listed customer IDs (lowercase), in declaration order."""
        return [entry.id for entry in self.entries]

    def comparison(self) -> Comparison:
        """How to compare, with the reference time fixed now when none was declared."""
        return Comparison(match=self.match, country_aliases=self.country_aliases, now=self.now or utc_now())

    def expected_for(self, entry: Optional[Expectation]) -> dict[str, list[Any]]:
        """The allowed values per fact for a customer: its entry's, else the defaults."""
        expected = dict(self.defaults)
        if entry is not None:
            expected.update(entry.fields)
        return {name: expected[name] for name in CHECKED_FIELDS if name in expected}

    @property
    def jobs_for(self) -> Any:
        """Whose jobs a rule needs: ``"all"`` (every checked customer found) or a list of listed IDs."""
        return self._needing(JOBS_FIELDS)

    @property
    def subscriptions_for(self) -> Any:
        """Whose subscriptions a rule needs, in the same form."""
        return self._needing(SUBSCRIPTIONS_FIELDS)

    @property
    def protection_for(self) -> Any:
        """Whose protection coverage a rule needs, in the same form."""
        return self._needing(PROTECTION_FIELDS)

    def _needing(self, rules: frozenset[str]) -> Any:
        if rules & set(self.defaults):
            return "all"
        return [entry.id for entry in self.entries if rules & set(entry.fields)]

    def as_dict(self) -> dict[str, Any]:
        """The declaration as plain data (documented in compliance_declaration.yml); ``from_dict`` reads it back."""
        return {
            "format_version": DECLARATION_FORMAT,
            "scope": self.scope,
            "match": self.match,
            "allow_empty": self.allow_empty,
            "ids": self.ids,
            "jobs_for": self.jobs_for,
            "subscriptions_for": self.subscriptions_for,
            "protection_for": self.protection_for,
            "defaults": dict(self.defaults),
            "expected": [{"id": e.id, "name": e.name, **e.fields} for e in self.entries],
            "country_aliases": {name: list(others) for name, others in self.country_aliases.groups.items()},
            "now": format_time(self.now) if self.now is not None else None,
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> "Declaration":
        """The declaration ``as_dict`` wrote, trusted as validated: only its shape is checked, not each value again."""
        version = document.get("format_version")
        if version != DECLARATION_FORMAT:
            raise ConfigurationError("the declaration " + _NOT_A_DECLARATION % (
                "format_version %s, this collection reads %d" % (str(version)[:20], DECLARATION_FORMAT)))
        try:
            if document["scope"] not in SCOPES or document["match"] not in MATCH_MODES or not isinstance(document["allow_empty"], bool):
                raise TypeError("scope, match or allow_empty")
            entries = [Expectation(id=entry["id"].lower(), name=entry.get("name"), fields=_kept_fields(entry))
                       for entry in document["expected"]]
            defaults = _kept_fields(document["defaults"])
            now = document.get("now")
            return cls(entries=entries, defaults=defaults, scope=document["scope"], match=document["match"],
                       country_aliases=CountryAliases(document.get("country_aliases"), "country_aliases"),
                       allow_empty=document["allow_empty"], now=parse_time(now) if now else None)
        except (KeyError, TypeError, AttributeError, ValueError, ConfigurationError) as error:
            reason = str(error) if isinstance(error, ConfigurationError) else "%s: %s" % (type(error).__name__, error)
            raise ConfigurationError("the declaration " + _NOT_A_DECLARATION % reason) from None


def _kept_fields(raw: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The allowed values of a declared entry or the defaults, as as_dict wrote them (lists)."""
    fields = {key: raw[key] for key in CHECKED_FIELDS if raw.get(key) is not None}
    if not all(isinstance(values, list) for values in fields.values()):
        raise TypeError("allowed values that are not a list")
    return {key: list(values) for key, values in fields.items()}


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

    ``now``: the reference time of rules about ages (an ISO 8601 time; empty: the time of the check).
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
    return Declaration(entries=entries, defaults=parsed_defaults, scope=scope, match=match, country_aliases=aliases,
                       allow_empty=allow_empty, now=reference)


def declaration_of(expected: Any, **options: Any) -> Declaration:
    """The declaration a filter was given: the dict compliance_declaration returned (which holds every
    option already, so none may be given again), or the entries and the options to validate."""
    if not (isinstance(expected, Mapping) and "format_version" in expected):
        return parse_declaration(expected, **options)
    if options:
        raise ConfigurationError("%s cannot be given with a declaration returned by compliance_declaration, which holds them "
                                 "already: pass them to compliance_declaration" % ", ".join(sorted(options)))
    return Declaration.from_dict(expected)


def reference_time(value: Any) -> Optional[datetime]:
    """The reference time of a check: ``value`` (an ISO 8601 time, for tests and replays), else None (the time of the check)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
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
