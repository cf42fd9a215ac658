"""Retries, backoff and the shared throttle of the HTTP transport, against a scripted loopback server.

Sleeps go to a recorded fake (``sleep``/``clock`` of the Transport), so nothing here waits for a backoff.
"""

from __future__ import annotations

import email.utils
import time

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils import _deps
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, DependencyError
from ansible_collections.avepoint.graph.plugins.module_utils._http import Transport
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._retry import RetryPolicy, Throttle, parse_retry_after

from loopback import ScriptedServer


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted


def transport(server, retries=3, script=(), **options):
    server.script = list(script)
    values = {"access_token": "t", "api_url": server.url, "token_url": server.url + "/connect/token", "retries": retries}
    values.update(options)
    sleeps = []
    now = [0.0]

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    return Transport(settings_from_getter(values.get), sleep=sleep, clock=lambda: now[0]), sleeps


def test_transient_statuses_are_retried_then_succeed(server):
    t, _sleeps = transport(server, script=[503, 429, 500, 200])
    result = t.send("GET", server.url + "/x")
    assert result.status == 200 and result.attempts == 4 and len(server.requests) == 4


def test_retry_after_is_honoured_and_capped(server):
    t, sleeps = transport(server, script=[(429, {"Retry-After": "2"}), (429, {"Retry-After": "86400"}), 200])
    t.send("GET", server.url + "/x")
    assert sleeps == [2.0, 60.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
def test_client_errors_are_not_retried(server, status):
    t, sleeps = transport(server, script=[(status, {"Retry-After": "1"}), 200])
    assert t.send("GET", server.url + "/x").status == status
    assert sleeps == [] and len(server.requests) == 1


def test_last_response_is_returned_when_retries_run_out(server):
    t, sleeps = transport(server, retries=2, script=[(503, {}, {"message": "down"})] * 3)
    result = t.send("GET", server.url + "/x")
    assert result.status == 503 and result.attempts == 3 and len(sleeps) == 2 and b"down" in result.body


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_connection_errors_and_timeouts_are_retried_whatever_the_method(server, method):
    t, sleeps = transport(server, script=["reset", "silent", "drop", 200], timeout=0.3)
    result = t.send(method, server.url + "/x", json_body={"ids": ["a"]})
    assert result.status == 200 and result.attempts == 4 and len(sleeps) == 3
    assert [request["method"] for request in server.requests] == [method] * 4


def test_timeouts_exhausted_give_a_clear_error(server):
    t, _sleeps = transport(server, retries=1, script=["silent", "silent"], timeout=0.2)
    with pytest.raises(ApiError, match=r"^request to %s timed out after 0.2 s \(2 attempt\(s\)\); check the network" % server.url):
        t.send("GET", server.url + "/x")


def test_tls_errors_are_not_retried_and_point_to_ca_path(server):
    # A plain-http server answering a TLS handshake: the client's TLS layer fails.
    url = "https://127.0.0.1:%d" % server.port
    t, sleeps = transport(server, api_url=url, token_url=url + "/connect/token")
    with pytest.raises(ApiError) as error:
        t.send("GET", url + "/x")
    assert str(error.value).startswith("TLS error talking to %s: " % url)
    assert "ca_path" in str(error.value) and error.value.fatal
    assert server.connections == 1 and sleeps == []


def test_redirects_are_returned_not_followed(server):
    t, sleeps = transport(server, script=[(302, {"Location": server.url + "/elsewhere"})])
    result = t.send("GET", server.url + "/x", token="secret-token")
    assert result.status == 302 and sleeps == [] and [r["target"] for r in server.requests] == ["/x"]


def test_backoff_is_exponential_capped_and_jittered():
    policy = RetryPolicy(retries=10, base=0.5, cap=4.0)
    delays = [policy.delay(attempt, None) for attempt in range(8)]
    assert all(0.25 <= d <= 4.0 for d in delays)
    assert max(delays[5:]) <= 4.0 and min(delays[5:]) >= 2.0


def test_the_backoff_between_attempts_grows(server):
    t, sleeps = transport(server, retries=5, script=[500] * 5 + [200])
    t.policy = RetryPolicy(retries=5, base=1, cap=8)
    t.send("GET", server.url + "/x")
    assert [0.5 <= sleeps[0] <= 1, 1 <= sleeps[1] <= 2, 2 <= sleeps[2] <= 4, 4 <= sleeps[3] <= 8, 4 <= sleeps[4] <= 8] == [True] * 5


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


def test_too_old_http_libraries_are_named_with_the_release_needed(monkeypatch):
    assert _deps.outdated("urllib3", "1.25.11") == "urllib3 1.25.11 is installed, 1.26 or later is needed"
    assert _deps.outdated("urllib3", "1.26.0") is None and _deps.outdated("urllib3", "2.8.0") is None
    assert _deps.outdated("requests", "2.32.2") == "requests 2.32.2 is installed, 2.32.3 or later is needed"
    assert _deps.outdated("requests", "2.32.3") is None and _deps.outdated("requests", "2.100.0") is None
    assert "urllib3" not in _deps.missing_libraries()  # this environment's release is supported
    monkeypatch.setitem(_deps.REQUIRED_LIBRARIES, "urllib3", _deps.outdated("urllib3", "1.25.11"))
    with pytest.raises(DependencyError, match=r"^the Python library 'urllib3' is required: urllib3 1.25.11 is installed, 1.26 or "
                                              r"later is needed; upgrade it on the Ansible controller \(pip install 'urllib3>=1.26'\)$"):
        _deps.require_libraries()
