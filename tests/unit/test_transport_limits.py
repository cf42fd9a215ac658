"""A dead or slow service fails the task fast and once (issues 14.4, 17.4, 17.7, 17.8).

The deadline (option total_timeout) bounds every attempt, backoff sleep and shared pause of a
transport; a host that cannot be reached stops the whole bulk fetch after the first request
has used its retries; a response dripping in (its status line and headers, or its body) is cut
off at the attempt's timeout, on new and pooled connections, while a pooled connection serving
a later request is never cut for an earlier one. Everything runs against real loopback servers
(tests/unit/loopback.py); retry sleeps and the deadline's clock are injected where a test is
about them, and the tests that must wait use short timeouts (with generous bounds).
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
import uuid

import pytest
import requests
import urllib3

from ansible_collections.avepoint.graph.plugins.module_utils._auth import token_error
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient, http_error
from ansible_collections.avepoint.graph.plugins.module_utils._deadline import Deadline
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse, Transport, redirect_note
from ansible_collections.avepoint.graph.plugins.module_utils._http_failures import tls_message
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails
from ansible_collections.avepoint.graph.plugins.module_utils._retry import RetryPolicy
from ansible_collections.avepoint.graph.plugins.module_utils._watchdog import Watchdog

from avepoint_simulator import Simulator, SimulatorConfig
from fakes import API_URL, TOKEN_URL, customer
from loopback import ClosedPort, ScriptedServer


def settings(**options):
    values = {"access_token": "unit-access-token", "api_url": API_URL, "token_url": TOKEN_URL}
    values.update(options)
    return settings_from_getter(values.get)


class Clock:
    """A fake monotonic clock; sleeping advances it."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted


def transport(url, clock=None, **options):
    """A Transport to ``url`` (API and token URL) whose retry sleeps and deadline run on a fake clock."""
    clock = clock or Clock()
    return Transport(settings(api_url=url, token_url=url + "/connect/token", **options), sleep=clock.sleep, clock=clock), clock


def failing_send(t, url):
    """The ApiError of ``t.send("GET", url)``; closes the transport. How long it took is not asserted (these machines are
    noisy): the messages say which limit ended the request, and pytest-timeout catches a request that never ends."""
    try:
        with pytest.raises(ApiError) as caught:
            t.send("GET", url)
    finally:
        t.close()
    return caught.value


# ---------------------------------------------------------------- the deadline itself

def test_a_deadline_counts_down_on_its_clock():
    clock = Clock()
    deadline = Deadline(30, clock)
    assert deadline.remaining() == 30 and deadline.allows(29.9) and not deadline.allows(30)
    clock.now += 31
    assert deadline.remaining() == 0 and deadline.expired()


def test_each_attempt_gets_at_most_the_time_that_is_left(server):
    clock = Clock()
    t, _clock = transport(server.url, clock, timeout=30, total_timeout=40, retries=3)
    t.policy = RetryPolicy(retries=3, base=20, cap=20)  # a 10-20 s backoff: the second attempt has 20-30 s left
    budgets = []
    begin = t.watchdog.attempt
    t.watchdog.attempt = lambda seconds: budgets.append(seconds) or begin(seconds)
    server.script = [500, 200]
    assert t.send("GET", server.url + "/x").status == 200
    assert budgets[0] == 30 and 10 <= clock.slept[0] <= 20
    assert budgets[1] == pytest.approx(40 - clock.slept[0])


def test_backoff_never_sleeps_past_the_deadline(server):
    server.script = ["reset"] * 25
    t, clock = transport(server.url, retries=20, total_timeout=10)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/x")
    error = caught.value
    assert error.fatal and sum(clock.slept) < 10
    assert str(error).startswith("gave up on %s after %d attempt(s), the last: Connection aborted" % (server.url, len(server.requests)))
    assert "the total_timeout of 10 s would run out during the" in str(error)
    assert "raise total_timeout (AVEPOINT_TOTAL_TIMEOUT)" in str(error)


def test_a_retry_after_past_the_deadline_is_not_waited_for(server):
    server.script = [(503, {"Retry-After": "50"}), 200]
    t, clock = transport(server.url, total_timeout=30)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/x")
    assert clock.slept == [] and len(server.requests) == 1 and caught.value.status == 503 and caught.value.fatal
    assert "after 1 attempt(s), the last: HTTP 503: the total_timeout of 30 s would run out during the 50 s wait" in str(caught.value)


def test_a_shared_pause_past_the_deadline_is_not_waited_for(server):
    t, clock = transport(server.url, total_timeout=30)
    t.throttle.pause(45)  # another worker saw a 429 with Retry-After: 45
    with pytest.raises(ApiError, match=r"^gave up on %s \(the service asked every request to wait \(HTTP 429 "
                                       r"or 503\)\): the total_timeout of 30 s would run out during the 45 s wait" % re.escape(server.url)):
        t.send("GET", server.url + "/x")
    assert clock.slept == [] and server.requests == []


def test_a_429_pauses_the_other_workers_too(server):
    server.script = [(429, {"Retry-After": "7"}), 200, 200]
    t, clock = transport(server.url)
    assert t.send("GET", server.url + "/a").attempts == 2
    assert clock.slept == [7.0]
    t.throttle.pause(5)  # as another worker's 429 would
    assert t.send("GET", server.url + "/b").attempts == 1
    assert clock.slept == [7.0, 5.0]  # this one waited before its first attempt


def test_slow_attempts_use_up_the_deadline_and_the_error_says_so(server):
    server.script = ["silent"] * 50
    t = Transport(settings(api_url=server.url, token_url=server.url + "/connect/token", timeout=0.4, total_timeout=1, retries=20))
    error = failing_send(t, server.url + "/x")
    assert error.fatal
    assert re.search(r"after [1-4] attempt\(s\), the last: timed out after [0-9.]+ s", str(error)), str(error)
    assert "total_timeout of 1 s" in str(error)


# ---------------------------------------------------------------- a host that cannot be reached

def test_a_refused_connection_is_retried_then_fatal_and_remembered(server):
    with ClosedPort() as dead:
        t, clock = transport(dead.url, retries=2)
        with pytest.raises(ApiError) as caught:
            t.send("GET", dead.url + "/a")
        assert caught.value.fatal and str(caught.value) == "could not reach %s after 3 attempt(s): Connection refused" % dead.url
        assert len(clock.slept) == 2
        with pytest.raises(ApiError, match="^could not reach %s after 3 attempt" % dead.url) as again:
            t.send("GET", dead.url + "/b")  # the same host: no new attempt
        assert again.value.fatal and len(clock.slept) == 2
        assert t.send("POST", server.url + "/connect/token").status == 200  # another host is tried


def test_a_new_task_has_a_fresh_deadline_and_tries_an_unreachable_host_again():
    dead = ClosedPort()
    t, clock = transport(dead.url, retries=2, total_timeout=60)
    with pytest.raises(ApiError):
        t.send("GET", dead.url + "/a")
    dead.close()
    with ScriptedServer(port=dead.port) as server:  # the host is back
        with pytest.raises(ApiError, match="Connection refused"):
            t.send("GET", dead.url + "/a")  # ...but remembered as unreachable for this task
        clock.now += 120  # the first task's budget is spent
        t.start_task()
        assert t.send("GET", dead.url + "/a").status == 200
        assert len(server.requests) == 1
    t.close()


def test_a_dropped_connection_after_its_retries_is_not_fatal(server):
    server.script = ["reset"] * 3
    t, _clock = transport(server.url, retries=2)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/a")
    assert not caught.value.fatal and str(caught.value) == "could not reach %s after 3 attempt(s): Connection aborted" % server.url


def test_an_unknown_host_name_is_not_retried_and_remembered(server):
    url = "https://unknown-host.invalid"
    t, clock = transport(url, retries=3)
    with pytest.raises(ApiError) as caught:
        t.send("GET", url + "/a")
    assert caught.value.fatal and str(caught.value).startswith("could not reach %s after 1 attempt(s): " % url)
    assert clock.slept == []
    with pytest.raises(ApiError) as again:
        t.send("GET", url + "/b")
    assert str(again.value) == str(caught.value)


def test_a_bulk_fetch_from_a_dead_host_stops_after_the_first_request_has_used_its_retries():
    ids = [str(uuid.UUID(int=index + 1)) for index in range(1000)]
    slept = []
    with ClosedPort() as dead:
        options = settings(api_url=dead.url, retries=3, concurrency=16)
        client = AvePointClient(options, transport=Transport(options, sleep=slept.append))
        with pytest.raises(ApiError) as caught:
            client.get_customers(ids)
        client.close()
    message = str(caught.value)
    assert not isinstance(caught.value, PartialFailureError)
    assert len(slept) <= 16 * 3, len(slept)  # the retries of each worker at most, not 1000 x 3
    assert message.count("Connection refused") == 1 and message.count("could not reach") == 1, message
    assert "the bulk fetch of 1000 requests stopped here: the others would fail the same way" in message
    assert len(message) < 400


# ---------------------------------------------------------------- a response that drips in (17.4)

def dripping(request):
    """10 bytes every 0.2 s: of a 2000-byte body (40 s in all), or, for /drip-head, of the status line and headers
    first (about 1.5 s for the head alone); /fast answers at once, /slow after 0.6 s."""
    path = request["target"]
    if path == "/fast":
        return 200
    if path == "/slow":
        return ("wait", 0.6)
    return ("drip", 10 if path == "/drip-head" else 0, 10, 0.2)


@pytest.fixture
def dripping_server():
    with ScriptedServer(dripping) as scripted:
        yield scripted


@pytest.mark.parametrize("path", ["/drip-body", "/drip-head"])
def test_a_dripping_response_fails_the_request_with_a_clear_message(dripping_server, path):
    url = dripping_server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    error = failing_send(t, url + path)
    assert str(error) == ("the response from %s was still incomplete after 1 s (1 attempt(s)): the server sends it too slowly; "
                          "check the service or raise the timeout option" % url)


@pytest.mark.parametrize("path", ["/drip-body", "/drip-head"])
def test_the_total_timeout_cuts_a_dripping_response_too(dripping_server, path):
    url = dripping_server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=30, total_timeout=1, retries=3))
    error = failing_send(t, url + path)
    message = str(error)
    assert error.fatal and message.startswith(
        "gave up on %s after 1 attempt(s), the last: the response was still incomplete after " % url), message
    assert "the total_timeout of 1 s" in message


def test_a_dripping_response_is_retried_with_a_fresh_attempt(dripping_server):
    url = dripping_server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=0.5, retries=1), sleep=lambda seconds: None)
    error = failing_send(t, url + "/drip-body")
    assert "still incomplete after 0.5 s (2 attempt(s))" in str(error)
    assert len(dripping_server.requests) == 2


def test_a_pooled_connection_is_cut_when_its_next_answer_drips_its_head(dripping_server):
    url = dripping_server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    assert t.send("GET", url + "/fast").status == 200
    error = failing_send(t, url + "/drip-head")
    assert "still incomplete after 1 s" in str(error)
    assert dripping_server.connections == 1  # the second request used the pooled connection


def test_a_connection_serving_a_later_request_is_never_cut_for_an_earlier_attempt(dripping_server):
    # Attempt A's time runs out while the connection that read A's answer, back in its pool, serves request B.
    url = dripping_server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=5, retries=0))
    results = []
    environment = t.environment_for(url)  # as the transport sends: the same pool
    try:
        with t.watchdog.attempt(0.3) as earlier:
            with t.session.get(url + "/fast", stream=True, timeout=5, proxies=environment["proxies"],
                               verify=environment["verify"]) as response:
                assert response.content == b"{}"
            later = threading.Thread(target=lambda: results.append(t.send("GET", url + "/slow").status))
            later.start()
            later.join(10)
        assert earlier.fired and not earlier.cut
    finally:
        t.close()
    assert results == [200]
    assert dripping_server.connections == 1  # one connection, never cut


def test_an_https_answer_dripping_its_head_is_cut_off_too(tmp_path):
    with Simulator(SimulatorConfig(customers=1, https=True, tls_dir=str(tmp_path))) as sim:
        sim.set_faults([{"kind": "drip", "drip_bytes": 4, "drip_ms": 200, "drip_headers": True}])  # about 8 s for the head
        t = Transport(settings(api_url=sim.url, token_url=sim.token_url, ca_path=sim.ca_path, timeout=1, retries=0))
        error = failing_send(t, sim.url + "/partner/customers")
    assert str(error).startswith("the response from %s was still incomplete after 1 s (1 attempt(s))" % sim.url)


def test_a_server_that_never_answers_still_times_out_rather_than_being_too_slow(server):
    server.script = ["silent"]  # it reads the request; nothing answers
    url = server.url
    t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    error = failing_send(t, url + "/partner/customers")
    assert str(error) == "request to %s timed out after 1 s (1 attempt(s)); check the network or raise the timeout option" % url


def test_one_watchdog_thread_fires_only_the_attempts_still_running():
    watchdog = Watchdog()
    finished, running = watchdog.attempt(0.05), watchdog.attempt(0.05)
    finished.finish()
    deadline = time.monotonic() + 5
    while not running.fired and time.monotonic() < deadline:
        time.sleep(0.01)
    watchdog.close()
    assert running.fired and not running.cut  # no response was being read: nothing to cut
    assert not finished.fired


# ---------------------------------------------------------------- proxies (17.7)

@pytest.fixture
def silent_proxy():
    """A loopback 'proxy' that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield "127.0.0.1:%d" % sock.getsockname()[1]


def test_errors_name_the_proxy_by_host_and_port(server, silent_proxy):
    t, _clock = transport(server.url, retries=1, timeout=0.3, proxy="http://user:pw@%s" % silent_proxy)
    error = failing_send(t, server.url + "/x")
    assert str(error).startswith(
        "request to %s through the proxy '%s' timed out after 0.3 s (2 attempt(s))" % (server.url, silent_proxy))
    assert server.requests == []


def test_a_refusing_proxy_is_named_and_remembered(server):
    with ClosedPort() as proxy:
        t, _clock = transport(server.url, retries=1, proxy=proxy.url)
        with pytest.raises(ApiError) as caught:
            t.send("GET", server.url + "/x")
        label = "'127.0.0.1:%d'" % proxy.port
        assert str(caught.value) == ("could not reach %s: the proxy %s could not be reached or refused the request after "
                                     "2 attempt(s) (Connection refused)" % (server.url, label))
        assert caught.value.fatal


def test_the_transport_names_the_proxy_without_credentials():
    t = Transport(settings(proxy="http://alice:s3cret@proxy.example.test:3128"))
    assert t.proxy_for(API_URL + "/x") == "'proxy.example.test:3128'"
    t.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_from_the_environment_is_refused_for_plain_http(monkeypatch, variable):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://bob:pw@proxy.example.test:3128")
    local = settings(api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token")
    with pytest.raises(ConfigurationError) as caught:
        Transport(local)
    message = str(caught.value)
    assert "through the proxy 'proxy.example.test:3128' (from the HTTP_PROXY or ALL_PROXY environment variable)" in message
    assert "pw" not in message.replace("http://", "")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    Transport(local).close()  # bypassed: allowed


# ---------------------------------------------------------------- rough edges (17.8)

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


def test_api_and_token_errors_of_a_redirect_show_it():
    response = answer(301, {"Location": "https://new.example.test/partner/customers/x"})
    message = str(http_error(response, "customer x", settings(), "partner.customers.read.all"))
    assert message.startswith("HTTP 301 Moved Permanently for customer x; the service redirected to https://new.example.test/")
    token = token_error(302, ErrorDetails(answer(302)), settings(), redirect_note(answer(302, {"Location": "/login"})))
    assert "HTTP 302 at the token URL" in str(token) and "redirected to https://graph.example.test/login" in str(token)


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


def test_a_bulk_fetch_with_a_working_host_is_unchanged():
    def answer(request):
        return (200, {}, customer(request["target"].rsplit("/", 1)[1]))

    with ScriptedServer(answer) as server:
        options = settings(api_url=server.url, concurrency=4)
        client = AvePointClient(options, transport=Transport(options))
        ids = [str(uuid.UUID(int=index + 1)) for index in range(40)]
        assert [c["id"] for c in client.get_customers(ids).customers] == ids
        client.close()
    assert server.connections <= 4  # pooled
