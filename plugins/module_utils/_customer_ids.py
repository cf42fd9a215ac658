# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer IDs: GUIDs, checked before anything is requested. Nothing else may reach a URL."""

from __future__ import annotations

import re
from typing import Any, Iterable

from ._errors import ConfigurationError
from ._shown import describe

# A GUID in its canonical 8-4-4-4-12 form, any letter case.
_GUID = re.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def is_customer_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_GUID.match(value))


def normalize_customer_id(value: Any, what: str = "customer ID") -> str:
    """Return the lowercase GUID, or raise ConfigurationError naming the bad value."""
    if not is_customer_id(value):
        raise ConfigurationError(
            "invalid %s %s: expected a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e" % (what, describe(value))
        )
    return value.lower()


def normalize_customer_ids(values: Iterable[Any], what: str = "customer ID") -> list[str]:
    """Validate every ID first (so nothing is requested on bad input); drop duplicates, keep order."""
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(normalize_customer_id(value, what), None)
    return list(seen)


def required_customer_ids(values: Iterable[Any]) -> list[str]:
    """As :func:`normalize_customer_ids`, for a module's ``customer_id`` / ``customer_ids``: at least one."""
    ids = normalize_customer_ids(values)
    if not ids:
        raise ConfigurationError("no customer ID given: set customer_id or customer_ids")
    return ids
