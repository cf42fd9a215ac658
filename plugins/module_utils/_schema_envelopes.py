# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two page envelopes of the AvePoint Graph API, as JSON Schemas: one definition for every
endpoint that uses them (customers, jobs). The items inside are checked by their own schemas."""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_head(name: str, title: str) -> dict[str, Any]:
    """The annotations every shipped schema starts with; ``name`` is its file name without .schema.json."""
    return {"$schema": DRAFT, "$id": "avepoint.graph/%s.schema.json" % name, "title": title}


def odata_collection(name: str, title: str) -> dict[str, Any]:
    """An OData collection page (partner API): ``value`` and an optional next page link in either spelling."""
    return dict(schema_head(name, title), **{
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"type": "array"},
            "@odata.nextLink": {"type": ["string", "null"]},
            "nextLink": {"type": ["string", "null"]},
        },
    })


def elements_page(name: str, title: str) -> dict[str, Any]:
    """An Elements v3 page: ``data`` and ``metadata`` with the ``totalCount`` paging relies on."""
    return dict(schema_head(name, title), **{
        "type": "object",
        "required": ["data", "metadata"],
        "properties": {
            "data": {"type": "array"},
            "metadata": {
                "type": "object",
                "required": ["totalCount"],
                "properties": {
                    "pageIndex": {"type": "integer"},
                    "pageSize": {"type": "integer"},
                    "totalCount": {"type": "integer", "minimum": 0},
                },
            },
        },
    })
