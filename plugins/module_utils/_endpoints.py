# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error for an API endpoint the configured host does not serve (HTTP 404).

A wrong ``api_url``, or a cloud whose host does not serve the chosen API, answers every request
with 404. Read as "customer not found", that would report every customer missing; it must
instead fail, naming the URL and what to check.
"""

from __future__ import annotations

from ._clouds import CLOUDS
from ._errors import ApiError


def cloud_of(api_url: str) -> str:
    """The name of the cloud whose API host ``api_url`` is, or '' for another host."""
    for name, endpoints in CLOUDS.items():
        if api_url.rstrip("/").lower() == endpoints.api_url.lower():
            return name
    return ""


def missing_endpoint(error: ApiError, api: str, path: str, api_url: str, evidence: str) -> ApiError:
    """A fatal error saying that ``api_url`` does not serve ``path``; ``evidence`` says what answered 404."""
    cloud = cloud_of(api_url)
    if api == "partner":
        advice = "check api_url and cloud, or use api: elements"
        if cloud and cloud != "commercial":
            # AvePoint documents the partner API on the commercial host only, whatever the data center.
            advice = ("AvePoint documents the partner API only on %s (cloud: commercial), not on the %s host; "
                      "set cloud: commercial or use api: elements" % (CLOUDS["commercial"].api_url, cloud))
    else:
        advice = "check api_url and cloud, or use api: partner"
    head = str(error)
    if head.endswith(": not found"):
        head = head[: -len(": not found")]  # said better below
    return ApiError(
        "%s: %s answers HTTP 404, so %s does not serve the %s API endpoint %s; %s"
        % (head, evidence, api_url, api, path, advice),
        status=error.status, server_message=error.server_message, request_id=error.request_id,
        trace_id=error.trace_id, fatal=True,
    )
