# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer filters: lists of allowed fact values, compared forgivingly (case, white space)."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe, type_name
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import actual_key, declared_key

FILTER_FIELDS = ("job_status", "country_or_region")

Filters = Dict[str, FrozenSet[Any]]  # typing names: evaluated at run time on Python 3.8 too


def _folded(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _allowed_key(field: str, value: Any) -> Any:
    """A job_status code (from a code or any known spelling of a name), else the folded text."""
    if field == "job_status":
        key = declared_key(value)
        if isinstance(key, int):
            return key
    return _folded(value)


def parse_filters(raw: Optional[Mapping[str, Any]], option: str = "filters") -> Filters:
    """Validate the ``filters`` option: ``{field: [allowed values]}``; a single value is a one-item list.

    An omitted field or an empty list means no restriction. ``job_status`` values may be names
    in any known spelling (``Working``, ``NoBackupUpdate``) or numeric codes (``1``).
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigurationError("option '%s' must be a dictionary, got %s" % (option, type_name(raw)))
    unknown = sorted(str(key) for key in raw if key not in FILTER_FIELDS)
    if unknown:
        raise ConfigurationError(
            "option '%s' has unknown key(s) %s; supported: %s" % (option, ", ".join(unknown), ", ".join(FILTER_FIELDS))
        )
    filters: Filters = {}
    for field, values in raw.items():
        if values is None:
            continue
        if isinstance(values, (str, int)) and not isinstance(values, bool):
            values = [values]
        if not isinstance(values, (list, tuple)):
            raise ConfigurationError("option '%s.%s' must be a list of values, got %s" % (option, field, describe(values)))
        allowed = set()
        for value in values:
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not _folded(value):
                raise ConfigurationError("option '%s.%s' has an invalid value %s" % (option, field, describe(value)))
            allowed.add(_allowed_key(field, value))
        if allowed:
            filters[field] = frozenset(allowed)
    return filters


def matches(facts: Mapping[str, Any], filters: Filters) -> bool:
    """True when the customer passes every filter (a field passes when any allowed value matches)."""
    for field, allowed in filters.items():
        candidates: set[Any] = {_folded(facts.get(field))} if facts.get(field) is not None else set()
        if field == "job_status" and actual_key(facts) is not None:
            candidates.add(actual_key(facts))
        if not candidates & allowed:
            return False
    return True
