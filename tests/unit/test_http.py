"""Retries, backoff and the shared throttle of the HTTP transport."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError
from ansible_collections.avepoint.graph.plugins.module_utils._http import RetryPolicy, Throttle, Transport, parse_retry_after
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import ScriptedWire


def transport(retries=3, script=()):
    settings = settings_from_getter({"access_token": "t", "api_url": "https://graph.example.test", "retries": retries}.get)
    sleeps = []
    now = [0.0]

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    wire = ScriptedWire(script)
    return Transport(settings, sleep=sleep, clock=lambda: now[0], wire=wire), sleeps, wire.answers


def test_transient_statuses_are_retried_then_succeed():
    t, sleeps, left = transport(script=[503, 429, 500, 200])
    result = t.send("GET", "https://graph.example.test/x")
    assert result.status == 200 and result.attempts == 4 and not left


def test_retry_after_is_honoured_and_capped():
    t, sleeps, _left = transport(script=[(429, {"Retry-After": "2"}), (429, {"Retry-After": "86400"}), 200])
    t.send("GET", "https://graph.example.test/x")
    assert sleeps == [2.0, 60.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(status):
    t, sleeps, left = transport(script=[status, 200])
    assert t.send("GET", "https://graph.example.test/x").status == status
    assert sleeps == [] and left == [200]


def test_last_response_is_returned_when_retries_run_out():
    t, sleeps, _left = transport(retries=2, script=[503, 503, 503])
    result = t.send("GET", "https://graph.example.test/x")
    assert result.status == 503 and result.attempts == 3 and len(sleeps) == 2


def test_connection_errors_and_timeouts_are_retried():
    t, sleeps, _left = transport(script=[requests.exceptions.ConnectionError("Connection reset by peer"),
                                         requests.exceptions.ReadTimeout("timed out"), 200])
    assert t.send("GET", "https://graph.example.test/x").status == 200
    assert len(sleeps) == 2


def test_timeouts_exhausted_give_a_clear_error():
    t, _sleeps, _left = transport(retries=1, script=[requests.exceptions.ReadTimeout("x")] * 2)
    with pytest.raises(ApiError, match=r"request to https://graph.example.test timed out after 30 s \(2 attempt\(s\)\)"):
        t.send("GET", "https://graph.example.test/x")


def test_tls_errors_are_not_retried_and_point_to_ca_path():
    t, _sleeps, left = transport(script=[requests.exceptions.SSLError("certificate verify failed: self-signed certificate"), 200])
    with pytest.raises(ApiError) as error:
        t.send("GET", "https://graph.example.test/x")
    assert "TLS error" in str(error.value) and "ca_path" in str(error.value) and error.value.fatal
    assert left == [200]


def test_backoff_is_exponential_capped_and_jittered():
    policy = RetryPolicy(retries=10, base=0.5, cap=4.0)
    delays = [policy.delay(attempt, None) for attempt in range(8)]
    assert all(0.25 <= d <= 4.0 for d in delays)
    assert max(delays[5:]) <= 4.0 and min(delays[5:]) >= 2.0


def test_parse_retry_after():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after(later) <= 31


def test_throttle_pauses_every_worker():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(sleep=sleep, clock=lambda: now[0])
    throttle.pause(3)
    throttle.pause(1)  # a shorter pause never shortens a longer one
    throttle.wait()
    throttle.wait()
    assert slept == [3.0]
