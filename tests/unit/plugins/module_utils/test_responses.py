"""Error bodies of the API (module_utils/_responses.py): which are shown, and never cut inside a secret."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails


API = "https://graph.example.test"


def test_plain_text_error_bodies_are_shown_and_binary_ones_are_not():
    text = ErrorDetails(HttpResponse(502, {"Content-Type": "text/plain"}, b"upstream connect error", API, 1))
    assert text.suffix() == ": upstream connect error"
    binary = ErrorDetails(HttpResponse(502, {"Content-Type": "application/octet-stream"}, b"\x00\x01\x02\xff", API, 1))
    assert binary.suffix() == ""
    html = ErrorDetails(HttpResponse(502, {"Content-Type": "text/html"}, b"<html><body>Bad gateway</body></html>", API, 1))
    assert "HTML page" in html.suffix()


@pytest.mark.parametrize("cut", range(0, 40, 3))
def test_a_long_server_message_is_never_cut_inside_an_echoed_secret(cut):
    from ansible_collections.avepoint.graph.plugins.module_utils._errors import redact

    secret = "CANARY-secret-that-is-long-0123456789"
    words = "x" * (280 - cut)
    body = ('{"message": "%s rejected %s because reasons"}' % (words, secret)).encode()
    shown = ErrorDetails(HttpResponse(400, {"Content-Type": "application/json"}, body, API, 1)).message
    masked = redact(shown, [secret])
    assert secret[:8] not in masked.replace("********", "")
    assert len(shown) <= 303
