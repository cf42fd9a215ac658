# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Country and region display names that mean the same country, for forgiving comparisons.

countryOrRegion is free text. AvePoint's own lists disagree on some names: the partner API's
documented sample says "Vietnam" where AvePoint's country table says "Viet Nam" (see
AvePoint's Graph API documentation, learn.avepoint.com, source repository AvePoint/cloud-api).
That table follows the ISO 3166-1 English short names, so the other names below pair an ISO
3166-1 short name with the common English name of the same country. Users extend or
override the table (customer_compliance_country_aliases); a name a user lists is taken out of
the built-in groups first.
"""

from __future__ import annotations

from typing import Any, Mapping

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe, type_name

# A display name -> other display names of the same country.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "Vietnam": ("Viet Nam",),
    "South Korea": ("Korea, Republic of", "Republic of Korea"),
    "Türkiye": ("Turkey", "Turkiye"),
    "Czechia": ("Czech Republic",),
    "Russia": ("Russian Federation",),
    "Iran": ("Iran, Islamic Republic of",),
    "Laos": ("Lao People's Democratic Republic",),
    "Syria": ("Syrian Arab Republic",),
    "Moldova": ("Moldova, Republic of",),
    "Tanzania": ("Tanzania, United Republic of",),
    "Bolivia": ("Bolivia, Plurinational State of",),
    "Venezuela": ("Venezuela, Bolivarian Republic of",),
    "Brunei": ("Brunei Darussalam",),
    "Cabo Verde": ("Cape Verde",),
    "Eswatini": ("Swaziland",),
    "United States": ("United States of America",),
    "United Kingdom": ("United Kingdom of Great Britain and Northern Ireland",),
}


def folded(text: str) -> str:
    """Case-insensitive, surrounding white space ignored, inner runs of white space as one space."""
    return " ".join(text.split()).casefold()


class CountryAliases:
    """Which display names mean the same country: the built-in table with a user's groups on top."""

    def __init__(self, overrides: Any = None, option: str = "country_aliases") -> None:
        groups = parse_aliases(overrides, option)
        self.groups = groups  # the user's groups, validated (kept for the declaration's dict)
        taken = {folded(name) for name, others in groups.items() for name in (name,) + others}
        self._group: dict[str, str] = {}
        for table in (COUNTRY_ALIASES, groups):
            for name, others in table.items():
                members = [folded(member) for member in (name,) + tuple(others)]
                if table is COUNTRY_ALIASES:
                    members = [member for member in members if member not in taken]
                for member in members:
                    self._group[member] = folded(name)

    def key(self, name: str) -> str:
        """The same key for every name of one country (forgiving match)."""
        text = folded(name)
        return self._group.get(text, text)


def parse_aliases(raw: Any, option: str) -> dict[str, tuple[str, ...]]:
    """Validate ``{name: [other names]}`` (a single string is one alias; an empty list stands alone)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigurationError("%s must be a dictionary of a country name to a list of other names, got %s" % (option, type_name(raw)))
    groups: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, others in raw.items():
        where = "%s[%s]" % (option, describe(name))
        values = [others] if isinstance(others, str) else others
        if values is None:
            values = []
        if not isinstance(values, list):
            raise ConfigurationError("%s must be a list of names, got %s" % (where, describe(others)))
        for member in [name] + values:
            if not isinstance(member, str) or not member.strip():
                raise ConfigurationError("%s: every name must be a non-empty string, got %s" % (where, describe(member)))
            if folded(member) in seen and seen[folded(member)] != folded(name):
                raise ConfigurationError("%s: %s is already an alias of %s" % (where, describe(member), describe(seen[folded(member)])))
            seen[folded(member)] = folded(name)
        groups[name] = tuple(values)
    return groups
