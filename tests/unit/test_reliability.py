"""Reliability and TLS details of the shared layer that are cheaper to check without a server."""

from __future__ import annotations

import email.utils
import http.client
import time

import pytest
import urllib3

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, AvePointError
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse, Transport, insecure_tls_warning
from ansible_collections.avepoint.graph.plugins.module_utils._http_failures import BrokenBody, reason
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._parallel import map_bounded
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails
from ansible_collections.avepoint.graph.plugins.module_utils._retry import RetryPolicy, parse_retry_after

from loopback import ScriptedServer

API = "https://graph.example.test"


def settings(**options):
    values = {"access_token": "t", "api_url": API, "token_url": API + "/connect/token"}
    values.update(options)
    return settings_from_getter(values.get)


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted


def scripted_transport(server, script, retries=5, **options):
    """A Transport to ``server``, which answers with ``script``; sleeps are recorded, not slept."""
    server.script = list(script)
    slept = []
    now = [0.0]

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    options = settings(api_url=server.url, token_url=server.url + "/connect/token", retries=retries, **options)
    return Transport(options, sleep=sleep, clock=lambda: now[0]), slept, now


# Retry-After: honoured, but never blindly.

@pytest.mark.parametrize("value", ["3600", "86400", "3600.0"])
def test_a_huge_retry_after_is_capped(server, value):
    transport, slept, _clock = scripted_transport(server, [(429, {"Retry-After": value}), 200])
    assert transport.send("GET", server.url + "/x").status == 200
    assert slept == [RetryPolicy(retries=1).retry_after_cap]


def test_a_far_future_retry_after_date_is_capped(server):
    later = email.utils.formatdate(time.time() + 7 * 86400, usegmt=True)
    transport, slept, _clock = scripted_transport(server, [(503, {"Retry-After": later}), 200])
    transport.send("GET", server.url + "/x")
    assert slept == [60.0]


def test_total_wait_is_bounded_by_retries_times_cap(server):
    transport, slept, now = scripted_transport(server, [(429, {"Retry-After": "3600"})] * 6, retries=5, total_timeout=3600)
    result = transport.send("GET", server.url + "/x")
    assert result.status == 429 and result.attempts == 6
    assert len(slept) == 5 and now[0] == 5 * 60.0  # minutes, not the five hours asked for


def test_a_past_or_garbled_retry_after_falls_back_to_backoff(server):
    assert parse_retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0.0
    assert parse_retry_after("-3") is None and parse_retry_after("1e9") is None and parse_retry_after("") is None
    assert parse_retry_after("1.5") == 1.5
    transport, slept, _clock = scripted_transport(server, [(429, {"Retry-After": "soon"}), 200])
    transport.send("GET", server.url + "/x")
    assert len(slept) == 1 and 0.25 <= slept[0] <= 0.5  # jittered first backoff step


# Bodies and network errors.

def test_an_announced_oversized_body_is_refused_before_reading(server):
    # The server announces 64 MiB + 1 and sends nothing: reading would wait for the timeout.
    transport, _slept, _clock = scripted_transport(server, [("announce", 64 * 1024 * 1024 + 1)], timeout=30)
    with pytest.raises(ApiError, match="^the response from %s is larger than 64 MiB; refusing to read it$" % server.url):
        transport.send("GET", server.url + "/x")
    transport.close()


def test_an_unannounced_oversized_body_stops_at_the_limit(server):
    transport, _slept, _clock = scripted_transport(server, [("stream", 80)])
    with pytest.raises(ApiError, match="larger than 64 MiB; refusing to read it"):
        transport.send("GET", server.url + "/x")
    transport.close()


def test_a_body_that_ends_early_is_retried(server):
    transport, slept, _clock = scripted_transport(server, ["truncate", "truncate", 200])
    result = transport.send("GET", server.url + "/x")
    assert result.status == 200 and result.body == b"{}" and result.attempts == 3 and len(slept) == 2


def test_a_body_that_always_ends_early_fails_after_the_retries(server):
    transport, _slept, _clock = scripted_transport(server, ["truncate"] * 3, retries=2)
    with pytest.raises(ApiError) as caught:
        transport.send("GET", server.url + "/x")
    assert str(caught.value) == ("could not reach %s after 3 attempt(s): the connection closed before the whole response arrived"
                                 % server.url)
    assert not caught.value.fatal


def test_body_and_head_failures_count_as_one_series_of_attempts(server):
    transport, slept, _clock = scripted_transport(server, ["drop", "truncate", 503, "truncate"], retries=3)
    with pytest.raises(ApiError, match=r"after 4 attempt\(s\): the connection closed before"):
        transport.send("GET", server.url + "/x")
    assert len(server.requests) == 4 and len(slept) == 3


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


def test_plain_text_error_bodies_are_shown_and_binary_ones_are_not():
    text = ErrorDetails(HttpResponse(502, {"Content-Type": "text/plain"}, b"upstream connect error", API, 1))
    assert text.suffix() == ": upstream connect error"
    binary = ErrorDetails(HttpResponse(502, {"Content-Type": "application/octet-stream"}, b"\x00\x01\x02\xff", API, 1))
    assert binary.suffix() == ""
    html = ErrorDetails(HttpResponse(502, {"Content-Type": "text/html"}, b"<html><body>Bad gateway</body></html>", API, 1))
    assert "HTML page" in html.suffix()


# Bulk work: an error always names the customer it concerns.

def test_a_single_customer_network_error_names_the_customer():
    def work(item):
        raise ApiError("could not reach %s after 3 attempt(s): Connection refused" % API)

    with pytest.raises(AvePointError) as error:
        map_bounded(work, ["0f8fad5b-d9cb-469f-a165-70867728950e"], 4, lambda e: e.fatal)
    assert str(error.value) == "0f8fad5b-d9cb-469f-a165-70867728950e: could not reach %s after 3 attempt(s): Connection refused" % API


def test_an_error_that_names_the_customer_is_not_prefixed_twice():
    item = "0f8fad5b-d9cb-469f-a165-70867728950e"

    def work(item):
        raise ApiError("HTTP 503 for customer %s" % item)

    with pytest.raises(AvePointError) as error:
        map_bounded(work, [item], 4, lambda e: e.fatal)
    assert str(error.value) == "HTTP 503 for customer %s" % item


# TLS: certificate checks can be turned off, but never silently.

def test_no_warning_when_certificates_are_checked(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n(not read here)\n-----END CERTIFICATE-----\n")
    assert insecure_tls_warning(settings()) is None
    assert insecure_tls_warning(settings(ca_path=str(ca))) is None


def test_warning_names_the_hosts_and_the_better_option():
    message = insecure_tls_warning(settings(validate_certs=False, token_url="https://identity.example.test/connect/token"))
    assert "validate_certs is false" in message
    assert "https://graph.example.test, https://identity.example.test" in message
    assert "ca_path" in message


def test_no_warning_for_plain_http_to_loopback():
    local = settings(validate_certs=False, api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token")
    assert insecure_tls_warning(local) is None


def test_the_client_warns_once_through_its_warn_callback():
    warnings = []
    client = AvePointClient(settings(validate_certs=False), warn=warnings.append)
    client.close()
    assert len(warnings) == 1 and "validate_certs is false" in warnings[0]
    quiet = []
    AvePointClient(settings(), warn=quiet.append).close()
    assert quiet == []


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
