"""API text made printable: the one helper, and the messages of the API layer that quote API text."""

from __future__ import annotations

import json

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import backup_status
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ContractError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails
from ansible_collections.avepoint.graph.plugins.module_utils._shown import LAYOUT, printable
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import Kind, UnknownValues


CONTROL_NAME = "ctl:\u001b[31mRED\u0007\u0000end"
CONTROL_SHOWN = "ctl:\\u001b[31mRED\\u0007\\u0000end"
API = "https://graph.example.test/partner/customers"


def raw_controls(text):
    return [ch for ch in text if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0]


@pytest.mark.parametrize("raw, shown", [
    ("a\x00b", "a\\u0000b"), ("bell\x07", "bell\\u0007"), ("esc\x1b[31m", "esc\\u001b[31m"), ("del\x7f", "del\\u007f"),
    ("c1\x85", "c1\\u0085"), ("csi\x9b2J", "csi\\u009b2J"), ("lone\ud800", "lone\\ud800"), ("nonchar\uffff", "nonchar\\uffff"),
    ("tab\tnl\ncr\r", "tab\\u0009nl\\u000acr\\u000d"), ("Müller \U0001F600 \u00a0", "Müller \U0001F600 \u00a0"),
    ("back\\slash \\u001b", "back\\slash \\u001b"), (CONTROL_NAME, CONTROL_SHOWN),
])
def test_a_message_shows_every_control_character_as_an_escape(raw, shown):
    assert printable(raw) == shown


@pytest.mark.parametrize("raw, shown", [
    ("tab\tnl\ncr\r", "tab\tnl\ncr\r"), ("esc\x1b\x0b\x0c", "esc\\u001b\\u000b\\u000c"), ("del\x7f\x85", "del\\u007f\\u0085"),
])
def test_a_document_keeps_tabs_and_line_breaks_only(raw, shown):
    assert LAYOUT == "\t\n\r"
    assert printable(raw, layout=True) == shown


def test_every_c0_and_c1_control_and_del_is_escaped_and_nothing_else():
    every = "".join(chr(code) for code in range(0x00, 0x250))
    shown = printable(every)
    assert not raw_controls(shown)
    assert shown.count("\\u") == 0x20 + 0x21  # C0, then DEL and C1
    assert shown.endswith("".join(chr(code) for code in range(0xa0, 0x250)))  # printable text is kept as it is
    assert printable(shown) == shown  # escaping twice changes nothing
    assert raw_controls(printable(every, layout=True)) == list(LAYOUT)


def test_an_error_is_one_printable_line_whatever_it_quotes():
    error = ContractError("the API answered the request for customer x with customer %s" % CONTROL_NAME)
    assert str(error) == "the API answered the request for customer x with customer %s" % CONTROL_SHOWN
    assert error.args == (str(error),)
    partial = PartialFailureError([("x", ApiError("HTTP 500: %s\nforged line" % CONTROL_NAME, status=500))])
    assert not raw_controls(str(partial)) and "\\u000aforged line" in str(partial)
    echoed = ApiError("HTTP 401: bad secret S3cr3t-Value-0123\u001b[0m").redacted(["S3cr3t-Value-0123"])
    assert str(echoed) == "HTTP 401: bad secret ********\\u001b[0m"


@pytest.mark.parametrize("body, headers", [
    ({"message": CONTROL_NAME, "requestId": "id\u0007"}, {}),
    ({"error": {"code": "x", "message": CONTROL_NAME}}, {"x-request-id": "id\u0007"}),
    ({"errors": [{"message": CONTROL_NAME}]}, {}),
    (CONTROL_NAME, {}),
])
def test_what_a_server_says_is_printable(body, headers):
    details = ErrorDetails(HttpResponse(400, dict({"Content-Type": "application/json"}, **headers), json.dumps(body).encode(), API, 1))
    suffix = details.suffix()
    assert CONTROL_SHOWN in suffix and not raw_controls(suffix)
    assert not raw_controls(details.message)


def test_an_unknown_status_name_is_quoted_printable_in_the_warning():
    warnings, unknown = [], UnknownValues()
    assert backup_status("Paused\u001b[5m é", unknown) == ("Paused\u001b[5m é", None)  # the fact keeps it as sent
    unknown.report(warnings.append)
    assert warnings == ["the API returned jobStatus name(s) this collection does not know: 'Paused\\u001b[5m é' (1 customer(s)). "
                        "They are returned verbatim as job_status with job_status_code null and compared exactly (character for "
                        "character) by the compliance filters; a newer avepoint.graph may map them"]


def test_every_warning_about_unknown_api_values_is_printable():
    warnings, unknown = [], UnknownValues()
    unknown.note(Kind("odd", "the API sent %s", shown=lambda value, count, _details: "%s (%d)" % (value, count)), CONTROL_NAME)
    unknown.report(warnings.append)
    assert warnings == ["the API sent %s (1)" % CONTROL_SHOWN]
