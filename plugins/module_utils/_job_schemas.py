# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON Schemas of the documented jobs responses (registered in _schemas.ALL_SCHEMAS).

The fields every decision rests on (type, module, status, start and end time) are required;
the descriptive ones may be absent or null. Unknown extra fields are accepted. Only keywords
the schema fast path understands are used, so valid pages are checked in microseconds.
"""

from __future__ import annotations

from typing import Any

from ._schema_envelopes import elements_page, odata_collection, schema_head

_REQUIRED = ["jobType", "jobModule", "status", "startTime", "endTime"]
_OPTIONAL_TEXT = ("jobId", "name", "totalCount", "failedCount", "successfulCount", "skippedCount", "warningCount",
                  "backupSize", "jobDuration", "lastModifyTime")


def _job_schema(name: str, title: str, coded: str) -> dict[str, Any]:
    properties: dict[str, Any] = {key: {"type": coded} for key in ("jobType", "jobModule", "status")}
    properties.update({key: {"type": ["string", "null"]} for key in ("startTime", "endTime") + _OPTIONAL_TEXT})
    return dict(schema_head(name, title), type="object", required=list(_REQUIRED), properties=properties)


PARTNER_JOB = _job_schema("partner_job", "Partner API job (an item of value in GET /partner/customers/{id}/jobs)", "string")

PARTNER_JOB_LIST = odata_collection("partner_job_list", "Partner API job list (GET /partner/customers/{id}/jobs)")

ELEMENTS_JOB = _job_schema(
    "elements_job",
    "Elements v3 API job (an item of data in POST /partner/external/v3/general/customers/{customerId}/avpt-products/jobs/batch)",
    "integer",
)

ELEMENTS_JOB_BATCH = elements_page(
    "elements_job_batch",
    "Elements v3 API job page (POST /partner/external/v3/general/customers/{customerId}/avpt-products/jobs/batch)",
)

JOB_SCHEMAS: dict[str, dict[str, Any]] = {
    "partner_job": PARTNER_JOB,
    "partner_job_list": PARTNER_JOB_LIST,
    "elements_job": ELEMENTS_JOB,
    "elements_job_batch": ELEMENTS_JOB_BATCH,
}
