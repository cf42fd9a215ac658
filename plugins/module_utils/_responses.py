# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading response bodies: JSON decoding and server error details of any shape (made printable)."""

from __future__ import annotations

import json
from typing import Any, Optional

from ._errors import ContractError
from ._http import HttpResponse
from ._shown import printable

_MESSAGE_KEYS = ("message", "error_description", "detail", "title", "error")
_REQUEST_ID_KEYS = ("requestid", "request_id")
_TRACE_ID_KEYS = ("traceid", "trace_id")


def decode_json(response: HttpResponse, what: str) -> Any:
    """Decode a successful response's JSON body, or raise ContractError saying what came instead."""
    if not response.body.strip():
        raise ContractError("the API answered %s with HTTP %d and an empty body, expected JSON" % (what, response.status))
    try:
        return json.loads(response.body)
    except ValueError:
        raise ContractError(
            "the API answered %s with HTTP %d and a body that is not valid JSON (%s)"
            % (what, response.status, body_kind(response))
        ) from None


def body_kind(response: HttpResponse) -> str:
    """A short description of a non-JSON body, e.g. an HTML page from a proxy."""
    content_type = response.headers.get("Content-Type", "unknown content type").split(";")[0]
    head = response.body[:512].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or "html" in content_type:
        return "an HTML page, perhaps from a proxy or gateway"
    return "%d bytes of %s, starting %r" % (len(response.body), content_type, response.body[:40].decode("utf-8", "replace"))


class ErrorDetails:
    """What the server said about an error, whatever the body's shape."""

    def __init__(self, response: HttpResponse) -> None:
        self.message: Optional[str] = None
        self.code: Optional[str] = None  # OAuth "error" code, e.g. invalid_client
        self.request_id: Optional[str] = _header(response, "x-request-id", "request-id")
        self.trace_id: Optional[str] = _header(response, "x-trace-id", "traceparent")
        self.is_html = False
        try:
            document = json.loads(response.body) if response.body.strip() else None
        except ValueError:
            document = None
            self.is_html = body_kind(response).startswith("an HTML page")
            if not self.is_html:
                self.message = _plain_text(response.body)  # e.g. "upstream connect error" from a gateway
        if isinstance(document, dict):
            self._read(document)
        elif isinstance(document, str) and document.strip():
            self.message = _clip(document)

    def _read(self, document: dict[str, Any]) -> None:
        lowered = {str(key).lower(): value for key, value in document.items()}
        if isinstance(lowered.get("error"), str):
            self.code = _clip(lowered["error"], 60)
        for key in _MESSAGE_KEYS:
            value = lowered.get(key)
            if isinstance(value, str) and value.strip():
                self.message = _clip(value)
                break
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                self.message = _clip(value["message"])  # e.g. {"error": {"code", "message"}}
                break
        errors = lowered.get("errors")
        if isinstance(errors, list):
            details = [_clip(str(item.get("message"))) for item in errors if isinstance(item, dict) and item.get("message")]
            if details:
                self.message = "%s (%s)" % (self.message or "error", "; ".join(details[:3]))
        self.request_id = _first_text(lowered, _REQUEST_ID_KEYS) or self.request_id
        self.trace_id = _first_text(lowered, _TRACE_ID_KEYS) or self.trace_id

    def suffix(self) -> str:
        """`: message (requestId x, traceId y)` for an error message."""
        parts = []
        if self.message:
            parts.append(": " + self.message)
        elif self.is_html:
            parts.append(": the body is an HTML page, perhaps from a proxy or gateway")
        ids = []
        if self.request_id:
            ids.append("requestId " + self.request_id)
        if self.trace_id:
            ids.append("traceId " + self.trace_id)
        if ids:
            parts.append(" (%s)" % ", ".join(ids))
        return "".join(parts)


def _first_text(document: dict[str, Any], keys: tuple[str, ...]) -> Optional[str]:
    for key in keys:
        value = document.get(key)
        if isinstance(value, (str, int)) and str(value).strip():
            return _clip(str(value))
    return None


def _header(response: HttpResponse, *names: str) -> Optional[str]:
    for name in names:
        value = response.headers.get(name)
        if value:
            return _clip(value)
    return None


def _plain_text(body: bytes) -> Optional[str]:
    """A short plain-text body as a message; None for binary or empty bodies."""
    text = body[:2048].decode("utf-8", "ignore")  # "ignore": the cut may split a character
    if not text.strip() or not all(ch.isprintable() or ch.isspace() for ch in text):
        return None
    return _clip(text, 200)


def _clip(text: str, limit: int = 300) -> str:
    # White space as single spaces, other control characters visible: what a server says may end up in a warning.
    text = printable(" ".join(text.split()))
    if len(text) <= limit:
        return text
    # Cut between words: a credential a server echoes (one "word") is then kept whole, so the
    # client's redaction can mask it, or dropped whole; never cut into a prefix that stays visible.
    head = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else ""
    return head + "..."
