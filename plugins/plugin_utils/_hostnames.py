# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory host names for customers: safe to type in a host pattern, unique, deterministic."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any, Iterable, Optional

HOSTNAME_SOURCES = ("id", "organization")

# Characters a host name keeps; everything else becomes a single dash.
_UNSAFE_RUN = re.compile(r"[^a-z0-9]+")
ID_SUFFIX_LENGTH = 8

# Names Ansible gives a meaning of its own: the implicit groups (a host named 'all' aborts
# every run with a group loop, 'ungrouped' raises) and the controller's implicit localhost
# (a customer host named so would be the controller). Compared case-insensitively.
RESERVED_HOST_NAMES = frozenset({"all", "ungrouped", "localhost", "127.0.0.1", "::1"})


def is_reserved(name: str) -> bool:
    """True for a name Ansible treats specially, in any letter case."""
    return name.casefold() in RESERVED_HOST_NAMES


def safe_name(text: Optional[str]) -> str:
    """Lowercase ASCII letters, digits and single dashes ('Müller & Söhne AG' -> 'muller-sohne-ag').

    Accents are dropped rather than replaced by a dash, so names stay readable; a name with
    nothing ASCII left (e.g. only CJK characters) becomes ''.
    """
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_RUN.sub("-", ascii_text.lower()).strip("-")


def customer_host_names(customers: Iterable[dict[str, Any]], source: str = "id") -> dict[str, str]:
    """Map each customer ID to its host name.

    ``source`` ``id``: the (lowercase) customer ID. ``organization``: :func:`safe_name` of the
    organization, or the ID when nothing is left of it. When several customers would share a
    name (names differing only in letter case count as the same), or a name is reserved by
    Ansible (:data:`RESERVED_HOST_NAMES`), each of them gets ``-`` and the first 8 characters
    of its ID appended, so the result does not depend on the order the API listed them in;
    the rare clashes that remain fall back to the full ID and then to a numeric suffix in ID order.
    """
    if source not in HOSTNAME_SOURCES:
        raise ValueError("unknown host name source %r" % (source,))
    ids = sorted({str(customer["id"]).lower() for customer in customers})
    if source == "id":
        return {customer_id: customer_id for customer_id in ids}

    organizations = {str(c["id"]).lower(): c.get("organization") for c in customers}
    bases = {customer_id: safe_name(organizations[customer_id]) or customer_id for customer_id in ids}
    base_counts = Counter(base.casefold() for base in bases.values())
    names = {
        customer_id: base if base_counts[base.casefold()] == 1 and not is_reserved(base)
        else "%s-%s" % (base, customer_id[:ID_SUFFIX_LENGTH])
        for customer_id, base in bases.items()
    }
    name_counts = Counter(name.casefold() for name in names.values())
    for customer_id in ids:
        if name_counts[names[customer_id].casefold()] > 1:
            names[customer_id] = "%s-%s" % (bases[customer_id], customer_id) if bases[customer_id] != customer_id else customer_id
    return _number_leftovers(ids, names)


def _number_leftovers(ids: list[str], names: dict[str, str]) -> dict[str, str]:
    """Last resort for contrived data (an organization literally named like another's host name)."""
    used: set[str] = set()
    unique = {}
    for customer_id in ids:
        name = names[customer_id]
        number = 2
        while name.casefold() in used:
            name = "%s-%d" % (names[customer_id], number)
            number += 1
        used.add(name.casefold())
        unique[customer_id] = name
    return unique
