# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer IDs and customer facts: the one shape every consumer returns."""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from ._errors import ConfigurationError
from ._job_status import JOB_STATUS_NAMES, code_for_name, unknown_code_name

# A GUID in its canonical 8-4-4-4-12 form, any letter case. Nothing else may reach a URL.
_GUID = re.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")

# The customer facts every consumer returns, in this order; the documentation of every consumer
# is checked against these lists (tests/unit/test_completeness.py).
FACT_FIELDS = ("id", "organization", "owner_email", "job_status", "job_status_code", "country_or_region")
ELEMENTS_FACT_FIELDS = FACT_FIELDS + ("management_mode", "tenants")  # only the elements API has these


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


def type_name(value: Any) -> str:
    """The built-in type of a value (``int``), not a subclass that wraps it (Ansible's ``_AnsibleTaggedInt``)."""
    for kind in type(value).__mro__:
        if kind.__module__ == "builtins" and kind is not object:
            return kind.__name__
    return type(value).__name__


def describe(value: Any, limit: int = 60) -> str:
    """A short, printable description of a user-supplied value for error messages."""
    if value is None:
        return "(none)"
    if not isinstance(value, str):
        kind = type_name(value)
        article = "an" if kind[0] in "aeiou" else "a"
        return "%r (%s %s, not a string)" % (value if len(repr(value)) <= limit else "...", article, kind)
    if value == "":
        return "'' (empty string)"
    shown = value if len(value) <= limit else value[:limit] + "... (%d characters)" % len(value)
    return ascii(shown)


def job_status_code(name: Optional[str]) -> Optional[int]:
    """The code for a partner API jobStatus name (any known spelling), or None for a name we do not know."""
    return None if name is None else code_for_name(name)


def job_status_name(code: int) -> Optional[str]:
    """The canonical name of an Elements v3 jobStatus code, or None for a code we do not know."""
    return JOB_STATUS_NAMES.get(code)


def unknown_job_status(code: int) -> str:
    """The job_status reported for a code this collection does not know yet."""
    return unknown_code_name(code)


def customer_facts(
    customer_id: str,
    organization: Optional[str],
    owner_email: Optional[str],
    job_status: Optional[str],
    job_status_code_value: Optional[int],
    country_or_region: Optional[str],
    **extra: Any,
) -> dict[str, Any]:
    """Build the customer facts dict; ``extra`` holds API-specific facts (e.g. tenants)."""
    facts = dict(zip(FACT_FIELDS, (customer_id.lower(), organization, owner_email, job_status, job_status_code_value, country_or_region)))
    facts.update(extra)
    return facts
