# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about AvePoint's clouds and APIs: URLs, permissions (scopes)."""

from __future__ import annotations

from typing import NamedTuple, Sequence


class CloudEndpoints(NamedTuple):
    token_url: str
    api_url: str


# Token and API base URLs per AvePoint cloud (AvePoint Graph API documentation).
CLOUDS: dict[str, CloudEndpoints] = {
    "commercial": CloudEndpoints(
        "https://identity.avepointonlineservices.com/connect/token",
        "https://graph.avepointonlineservices.com",
    ),
    "us_gov": CloudEndpoints(
        "https://identity-gov.avepointonlineservices.com/connect/token",
        "https://graph-gov.avepointonlineservices.com",
    ),
    "aos2": CloudEndpoints(
        "https://identity-aos2.avepointonlineservices.com/connect/token",
        "https://graph-aos2.avepointonlineservices.com",
    ),
    "fedramp": CloudEndpoints(
        "https://identity.online15.net/connect/token",
        "https://graphusgovapi.online15.net",
    ),
}

# The permission each API needs for each kind of data it serves. A consumer's default OAuth
# scope is the permission(s) for its API and the data it reads (see default_scope), so the
# customer and the job module each work without a scope setting, and one explicit scope that
# names both permissions serves both.
PERMISSIONS: dict[str, dict[str, str]] = {
    "partner": {"customers": "partner.customers.read.all", "jobs": "partner.jobs.read.all",
                "protection": "partner.cbprotected.read.all", "subscriptions": "partner.license.read.all"},
    "elements": {"customers": "elements.customers.read.all", "jobs": "elements.jobs.read.all",
                 "protection": "elements.cbprotected.read.all", "subscriptions": "elements.license.read.all"},
}

# The customer permission per API; its keys are the choices of the ``api`` option.
API_SCOPES: dict[str, str] = {api: kinds["customers"] for api, kinds in PERMISSIONS.items()}

READS_CUSTOMERS: tuple[str, ...] = ("customers",)


def permission(api: str, kind: str) -> str:
    """The permission ``api`` needs to read ``kind`` (``customers``, ``jobs``, ``protection``, ``subscriptions``)."""
    return PERMISSIONS[api][kind]


def default_scope(api: str, reads: Sequence[str] = READS_CUSTOMERS) -> str:
    """The OAuth scope a consumer of ``api`` that reads the data kinds ``reads`` asks for by default."""
    return " ".join(dict.fromkeys(permission(api, kind) for kind in reads))


MAX_SCOPE_LENGTH = 300  # longer scope strings are rejected by the token service
