# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about AvePoint's clouds and APIs: URLs, permissions (scopes)."""

from __future__ import annotations

from typing import NamedTuple


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

# The permission each API needs; also the default OAuth scope for that API.
API_SCOPES: dict[str, str] = {
    "partner": "partner.customers.read.all",
    "elements": "elements.customers.read.all",
}

MAX_SCOPE_LENGTH = 300  # longer scope strings are rejected by the token service
