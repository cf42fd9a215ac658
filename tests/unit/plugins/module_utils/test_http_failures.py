"""Transport failures (module_utils/_http_failures.py) told by their type: network errors, TLS, redirects."""

from __future__ import annotations

import http.client
import ssl

import pytest
import requests
import urllib3

from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse, redirect_note
from ansible_collections.avepoint.graph.plugins.module_utils._http_failures import BrokenBody, reason, tls_message

from fakes import API_URL


def answer(status, headers=None, body=b"", url=API_URL + "/partner/customers/x"):
    return HttpResponse(status, headers or {}, body, url, 1)


@pytest.mark.parametrize("location, shown", [
    ("https://other.example.test/partner/customers?code=s3cret#frag", "to https://other.example.test/partner/customers"),
    ("https://user:pw@other.example.test:8443/p", "to https://other.example.test:8443/p"),
    ("/v2/partner/customers?sig=abc", "to https://graph.example.test/v2/partner/customers"),
])
def test_a_redirect_says_where_to_without_credentials_and_that_it_is_not_followed(location, shown):
    note = redirect_note(answer(301, {"Location": location}))
    assert shown in note and "redirects are not followed" in note
    assert "s3cret" not in note and "pw" not in note and "sig=" not in note and "frag" not in note


def test_a_redirect_without_location_says_so():
    assert "without a Location header" in redirect_note(answer(302))
    assert redirect_note(answer(200)) == "" and redirect_note(answer(404)) == ""


@pytest.mark.parametrize("error, reason", [
    (ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
                                     "certificate (_ssl.c:1006)"), "certificate verify failed: unable to get local issuer certificate"),
    (ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate "
                                     "is not valid for 'h'. (_ssl.c:1006)"),
     "certificate verify failed: Hostname mismatch, certificate is not valid for 'h'"),
    (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)"), "wrong version number"),
])
def test_the_tls_error_is_worded_with_balanced_parentheses(error, reason):
    # As requests raises it when urllib3 gave up: wrapped three times.
    wrapped = requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(None, "/x", urllib3.exceptions.SSLError(error)))
    message = tls_message(API_URL + "/x", wrapped)
    assert message.startswith("TLS error talking to https://graph.example.test: %s. If the service" % reason)
    assert message.count("(") == message.count(")") and "_ssl.c" not in message


@pytest.mark.parametrize("error, words", [
    (BrokenBody(urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead(10 bytes read, 90 more expected)",
                                                 http.client.IncompleteRead(b"x" * 10, 90))),
     "the connection closed before the whole response arrived"),
    (urllib3.exceptions.ProtocolError("Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection")),
     "the server closed the connection without a response"),
    (urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")),
     "Connection aborted"),
    (urllib3.exceptions.ProxyError("Unable to connect to proxy", OSError("Tunnel connection failed: 403 Forbidden")),
     "Tunnel connection failed: 403 Forbidden"),
])
def test_network_errors_say_what_happened(error, words):
    assert reason(error) == words


def test_the_reason_is_found_through_every_wrapper():
    refused = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")  # as urllib3 2 raises it (1.26: __context__)
    wrapped = urllib3.exceptions.MaxRetryError(None, "/x", refused)
    assert reason(wrapped) == "Connection refused"
    refused.__cause__, refused.__context__ = None, ConnectionRefusedError(111, "Connection refused")
    assert reason(urllib3.exceptions.MaxRetryError(None, "/x", refused)) == "Connection refused"
    unreachable = urllib3.exceptions.NewConnectionError(None, "x")
    unreachable.__cause__ = OSError(113, "No route to host")
    assert reason(unreachable) == "No route to host"
