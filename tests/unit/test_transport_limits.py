"""A dead or slow service fails the task fast and once (issues 14.4, 17.4, 17.7, 17.8).

The deadline (option total_timeout) bounds every attempt, backoff sleep and shared pause of a
transport; a host that cannot be reached stops the whole bulk fetch after the first request
has used its retries; a response dripping in (its status line and headers, or its body) is cut
off at the attempt's timeout, on new and pooled connections, while a pooled connection whose
response is complete is never cut. Clocks are injected: nothing here waits, except the drip tests
against real loopback servers (generous bounds).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid

import pytest
import requests

from ansible_collections.avepoint.graph.plugins.module_utils._auth import token_error
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient, http_error
from ansible_collections.avepoint.graph.plugins.module_utils._deadline import Deadline
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._http import (
    HttpResponse, RequestsWire, RetryPolicy, SlowResponse, Transport, _tls_message, redirect_note)
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails
from ansible_collections.avepoint.graph.plugins.module_utils._watchdog import Watchdog

from avepoint_simulator import Simulator, SimulatorConfig
from fakes import API_URL, TOKEN_URL, ScriptedWire, customer

REFUSED = requests.exceptions.ConnectionError(
    "HTTPSConnectionPool(host='graph.example.test', port=443): Max retries exceeded with url: /x (Caused by "
    "NewConnectionError(\"HTTPSConnection(host='graph.example.test', port=443): Failed to establish a new connection: "
    "[Errno 111] Connection refused\"))")
RESET = requests.exceptions.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))")


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


def transport(script, clock=None, **options):
    clock = clock or Clock()
    wire = ScriptedWire(script)
    return Transport(settings(**options), sleep=clock.sleep, clock=clock, wire=wire), wire, clock


# ---------------------------------------------------------------- the deadline itself

def test_a_deadline_counts_down_on_its_clock():
    clock = Clock()
    deadline = Deadline(30, clock)
    assert deadline.remaining() == 30 and deadline.allows(29.9) and not deadline.allows(30)
    clock.now += 31
    assert deadline.remaining() == 0 and deadline.expired()


def test_each_attempt_gets_at_most_the_time_that_is_left():
    clock = Clock()
    t, wire, _clock = transport([500, 200], clock, timeout=30, total_timeout=40, retries=3)
    t.policy = RetryPolicy(retries=3, base=20, cap=20)  # a 10-20 s backoff: the second attempt has 20-30 s left
    assert t.send("GET", API_URL + "/x").status == 200
    assert wire.timeouts[0] == 30 and 10 <= clock.slept[0] <= 20
    assert wire.timeouts[1] == pytest.approx(40 - clock.slept[0])


def test_backoff_never_sleeps_past_the_deadline():
    t, wire, clock = transport([RESET] * 20, retries=20, total_timeout=10)
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/x")
    error = caught.value
    assert error.fatal and sum(clock.slept) < 10
    assert str(error).startswith("gave up on https://graph.example.test after %d attempt(s), the last: " % len(wire.requests))
    assert "the total_timeout of 10 s would run out during the" in str(error)
    assert "raise total_timeout (AVEPOINT_TOTAL_TIMEOUT)" in str(error)


def test_a_retry_after_past_the_deadline_is_not_waited_for():
    t, wire, clock = transport([(503, {"Retry-After": "50"}), 200], total_timeout=30)
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/x")
    assert clock.slept == [] and len(wire.requests) == 1 and caught.value.status == 503 and caught.value.fatal
    assert "after 1 attempt(s), the last: HTTP 503: the total_timeout of 30 s would run out during the 50 s wait" in str(caught.value)


def test_a_shared_pause_past_the_deadline_is_not_waited_for():
    t, wire, clock = transport([200], total_timeout=30)
    t.throttle.pause(45)  # another worker saw a 429 with Retry-After: 45
    with pytest.raises(ApiError, match=r"^gave up on https://graph.example.test \(the service asked every request to wait \(HTTP 429 "
                                       r"or 503\)\): the total_timeout of 30 s would run out during the 45 s wait"):
        t.send("GET", API_URL + "/x")
    assert clock.slept == [] and wire.requests == []


def test_slow_attempts_use_up_the_deadline_and_the_error_says_so():
    clock = Clock()

    class SlowWire(ScriptedWire):
        def __call__(self, method, url, *, token, data, json_body, params, headers, timeout):
            super().__call__(method, url, token=token, data=data, json_body=json_body, params=params, headers=headers, timeout=timeout)
            clock.now += timeout  # the whole attempt's time passes, then it times out
            raise requests.exceptions.ReadTimeout("read timed out")

    wire = SlowWire([200] * 50)
    t = Transport(settings(timeout=4, total_timeout=10, retries=20), sleep=clock.sleep, clock=clock, wire=wire)
    started = clock.now
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/x")
    assert clock.now - started <= 10 + 1e-9 and caught.value.fatal
    assert re.search(r"after 3 attempt\(s\), the last: timed out after [0-9.]+ s", str(caught.value)), str(caught.value)
    assert "total_timeout of 10 s" in str(caught.value)


# ---------------------------------------------------------------- a host that cannot be reached

def test_a_refused_connection_is_retried_then_fatal_and_remembered():
    t, wire, _clock = transport([REFUSED] * 3 + [200, 200], retries=2)
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/a")
    assert caught.value.fatal and str(caught.value) == "could not reach https://graph.example.test after 3 attempt(s): Connection refused"
    with pytest.raises(ApiError, match="^could not reach https://graph.example.test after 3 attempt") as again:
        t.send("GET", API_URL + "/b")  # the same host: no new attempt
    assert again.value.fatal and len(wire.requests) == 3
    assert t.send("POST", TOKEN_URL).status == 200  # another host is tried


def test_a_new_task_has_a_fresh_deadline_and_tries_an_unreachable_host_again():
    t, wire, clock = transport([REFUSED] * 3 + [200], retries=2, total_timeout=60)
    with pytest.raises(ApiError):
        t.send("GET", API_URL + "/a")
    clock.now += 120  # the first task's budget is spent
    t.start_task()
    assert t.send("GET", API_URL + "/a").status == 200
    assert len(wire.requests) == 4


def test_a_dropped_connection_after_its_retries_is_not_fatal():
    t, _wire, _clock = transport([RESET] * 3, retries=2)
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/a")
    assert not caught.value.fatal and "Connection aborted" in str(caught.value)


class RefusingWire(ScriptedWire):
    """A thread-safe wire whose host refuses every connection."""

    def __init__(self):
        super().__init__([])
        self.lock = threading.Lock()
        self.calls = 0

    def __call__(self, method, url, *, token, data, json_body, params, headers, timeout):
        with self.lock:
            self.calls += 1
        time.sleep(0.001)  # let the workers interleave
        raise REFUSED


def test_a_bulk_fetch_from_a_dead_host_stops_after_the_first_request_has_used_its_retries():
    ids = [str(uuid.UUID(int=index + 1)) for index in range(1000)]
    wire = RefusingWire()
    options = settings(retries=3, concurrency=16)
    client = AvePointClient(options, transport=Transport(options, sleep=lambda seconds: None, wire=wire))
    with pytest.raises(ApiError) as caught:
        client.get_customers(ids)
    message = str(caught.value)
    assert not isinstance(caught.value, PartialFailureError)
    assert wire.calls <= 16 * 4 + 16, wire.calls  # each worker's retries at most, not 1000 x 4 attempts
    assert message.count("Connection refused") == 1 and message.count("could not reach") == 1, message
    assert "the bulk fetch of 1000 requests stopped here: the others would fail the same way" in message
    assert len(message) < 400


# ---------------------------------------------------------------- a response that drips in (17.4)

HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n"
        + b"".join(b"X-Padding-%d: %s\r\n" % (index, b"p" * 40) for index in range(10)) + b"\r\n")


def drip_server(drip_head):
    """A loopback server that sends 10 bytes every 0.2 s: of its 2000-byte body (40 s in all), or, with
    ``drip_head``, of its status line and headers first (about 11 s for the head alone). Its URL and a stop
    function; it serves one connection after the other."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def drip(connection, data):
        for start in range(0, len(data), 10):
            if start and stop.wait(0.2):
                return
            connection.sendall(data[start:start + 10])

    def serve():
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except OSError:
                return
            with connection:
                try:
                    connection.recv(65536)
                    if drip_head:
                        drip(connection, HEAD)
                    else:
                        connection.sendall(HEAD)
                    drip(connection, b" " * 2000)
                except OSError:
                    pass  # the client hung up, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def close():
        stop.set()
        server.close()
        thread.join(5)
    return "http://127.0.0.1:%d" % server.getsockname()[1], close


@pytest.fixture(params=["body", "head"])
def dripping_server(request):
    url, close = drip_server(request.param == "head")
    yield url
    close()


def test_a_dripping_response_is_cut_off_at_the_attempt_timeout(dripping_server):
    options = settings(api_url=dripping_server, token_url=dripping_server + "/connect/token", timeout=1, retries=0)
    wire = RequestsWire(options)
    started = time.monotonic()
    with pytest.raises(SlowResponse):
        wire("GET", dripping_server + "/partner/customers", token=None, data=None, json_body=None, params=None, headers=None,
             timeout=1.0)
    elapsed = time.monotonic() - started
    wire.close()
    assert 0.9 <= elapsed < 8, elapsed  # bounded by the 1 s budget, not by the 11 or 40 s the server would take


def test_a_dripping_response_fails_the_request_with_a_clear_message(dripping_server):
    options = settings(api_url=dripping_server, token_url=dripping_server + "/connect/token", timeout=1, retries=0)
    t = Transport(options)
    started = time.monotonic()
    try:
        with pytest.raises(ApiError) as caught:
            t.send("GET", dripping_server + "/partner/customers")
    finally:
        t.close()
    assert time.monotonic() - started < 8
    assert str(caught.value) == ("the response from %s was still incomplete after 1 s (1 attempt(s)): the server sends it too slowly; "
                                 "check the service or raise the timeout option" % dripping_server)


def test_the_total_timeout_cuts_a_dripping_response_too(dripping_server):
    options = settings(api_url=dripping_server, token_url=dripping_server + "/connect/token", timeout=30, total_timeout=1, retries=3)
    t = Transport(options)
    started = time.monotonic()
    try:
        with pytest.raises(ApiError) as caught:
            t.send("GET", dripping_server + "/partner/customers")
    finally:
        t.close()
    assert time.monotonic() - started < 8
    message = str(caught.value)
    assert caught.value.fatal and message.startswith(
        "gave up on %s after 1 attempt(s), the last: the response was still incomplete after " % dripping_server), message
    assert "the total_timeout of 1 s" in message


class KeepAliveServer:
    """A loopback HTTP/1.1 server keeping its connections open: /fast answers at once, /drip-head drips its head
    like ``drip_server``. It counts the connections it accepted."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(4)
        self.url = "http://127.0.0.1:%d" % self.socket.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop.is_set():
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.answer, args=(connection,), daemon=True).start()

    def answer(self, connection):
        with connection:
            try:
                pending = b""
                while not self.stop.is_set():
                    while b"\r\n\r\n" not in pending:
                        data = connection.recv(65536)
                        if not data:
                            return
                        pending += data
                    request, pending = pending.split(b"\r\n\r\n", 1)
                    if b" /fast " in request.split(b"\r\n", 1)[0]:
                        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                        continue
                    for start in range(0, len(HEAD), 10):
                        if start and self.stop.wait(0.2):
                            return
                        connection.sendall(HEAD[start:start + 10])
            except OSError:
                pass  # the client hung up

    def close(self):
        self.stop.set()
        try:
            self.socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() (closing alone does not)
        except OSError:
            pass
        self.socket.close()
        self.thread.join(5)


@pytest.fixture
def keep_alive_server():
    server = KeepAliveServer()
    yield server
    server.close()


def get(wire, url, timeout):
    return wire("GET", url, token=None, data=None, json_body=None, params=None, headers=None, timeout=timeout)


def test_a_pooled_connection_is_cut_when_its_next_answer_drips_its_head(keep_alive_server):
    url = keep_alive_server.url
    wire = RequestsWire(settings(api_url=url, token_url=url + "/connect/token"))
    try:
        assert get(wire, url + "/fast", 5).status == 200
        started = time.monotonic()
        with pytest.raises(SlowResponse):
            get(wire, url + "/drip-head", 1.0)
        elapsed = time.monotonic() - started
    finally:
        wire.close()
    assert 0.9 <= elapsed < 8, elapsed
    assert keep_alive_server.connections == 1  # the second request used the pooled connection


def test_a_connection_back_in_its_pool_is_never_cut(keep_alive_server):
    url = keep_alive_server.url
    wire = RequestsWire(settings(api_url=url, token_url=url + "/connect/token"))
    try:
        # The attempt's time runs out after its response was read (the connection went back to the pool) but
        # before the attempt ended: the connection may already serve another request, it must not be cut.
        environment = wire.environment_for(url)  # the wire's pool
        with wire._watchdog.attempt(0.2) as attempt:
            with wire.session.get(url + "/fast", stream=True, timeout=5, proxies=environment["proxies"],
                                  verify=environment["verify"]) as response:
                assert response.content == b"{}"
            deadline = time.monotonic() + 5
            while not attempt.fired and time.monotonic() < deadline:
                time.sleep(0.02)
        assert attempt.fired and not attempt.cut
        assert get(wire, url + "/fast", 5).status == 200
    finally:
        wire.close()
    assert keep_alive_server.connections == 1  # the pooled connection was still good


def test_an_https_answer_dripping_its_head_is_cut_off_too(tmp_path):
    with Simulator(SimulatorConfig(customers=1, https=True, tls_dir=str(tmp_path))) as sim:
        sim.set_faults([{"kind": "drip", "drip_bytes": 4, "drip_ms": 200, "drip_headers": True}])  # about 8 s for the head
        t = Transport(settings(api_url=sim.url, token_url=sim.token_url, ca_path=sim.ca_path, timeout=1, retries=0))
        started = time.monotonic()
        try:
            with pytest.raises(ApiError) as caught:
                t.send("GET", sim.url + "/partner/customers")
        finally:
            t.close()
        elapsed = time.monotonic() - started
    assert elapsed < 6, elapsed
    assert str(caught.value).startswith("the response from %s was still incomplete after 1 s (1 attempt(s))" % sim.url)


def test_a_server_that_never_answers_still_times_out_rather_than_being_too_slow():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)  # the kernel accepts the connection and the request; nothing answers
        url = "http://127.0.0.1:%d" % server.getsockname()[1]
        t = Transport(settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
        started = time.monotonic()
        try:
            with pytest.raises(ApiError) as caught:
                t.send("GET", url + "/partner/customers")
        finally:
            t.close()
    assert time.monotonic() - started < 8
    assert str(caught.value) == "request to %s timed out after 1 s (1 attempt(s)); check the network or raise the timeout option" % url


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

def test_errors_name_the_proxy_by_host_and_port():
    t, wire, _clock = transport([requests.exceptions.ConnectTimeout("timed out")] * 2, retries=1, timeout=5)
    wire.proxy = "'proxy.example.test:3128'"
    with pytest.raises(ApiError) as caught:
        t.send("GET", API_URL + "/x")
    assert str(caught.value).startswith(
        "request to https://graph.example.test through the proxy 'proxy.example.test:3128' timed out after 5 s (2 attempt(s))")


def test_a_requests_wire_names_the_proxy_without_credentials():
    wire = RequestsWire(settings(proxy="http://alice:s3cret@proxy.example.test:3128"))
    assert wire.proxy_for(API_URL + "/x") == "'proxy.example.test:3128'"
    wire.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_from_the_environment_is_refused_for_plain_http(monkeypatch, variable):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://bob:pw@proxy.example.test:3128")
    local = settings(api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token")
    with pytest.raises(ConfigurationError) as caught:
        RequestsWire(local)
    message = str(caught.value)
    assert "through the proxy 'proxy.example.test:3128' (from the HTTP_PROXY or ALL_PROXY environment variable)" in message
    assert "pw" not in message.replace("http://", "")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    RequestsWire(local).close()  # bypassed: allowed


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


@pytest.mark.parametrize("text, reason", [
    ("HTTPSConnectionPool(host='h', port=1): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, "
     "'[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))",
     "certificate verify failed: unable to get local issuer certificate"),
    ("HTTPSConnectionPool(host='h', port=1): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, "
     "\"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'h'. "
     "(_ssl.c:1006)\")))", "certificate verify failed: Hostname mismatch, certificate is not valid for 'h'"),
    ("HTTPSConnectionPool(host='h', port=1): Max retries exceeded with url: / (Caused by SSLError(SSLError(1, "
     "'[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)')))", "wrong version number"),
])
def test_the_tls_error_is_worded_with_balanced_parentheses(text, reason):
    message = _tls_message(API_URL + "/x", requests.exceptions.SSLError(text))
    assert message.startswith("TLS error talking to https://graph.example.test: %s. If the service" % reason)
    assert message.count("(") == message.count(")") and "_ssl.c" not in message


def test_a_bulk_fetch_with_a_working_host_is_unchanged():
    options = settings(concurrency=4)

    class Answering(ScriptedWire):
        def __call__(self, method, url, *, token, data, json_body, params, headers, timeout):
            return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(customer(url.rsplit("/", 1)[1])).encode(), url, 1)

    client = AvePointClient(options, transport=Transport(options, wire=Answering([])))
    ids = [str(uuid.UUID(int=index + 1)) for index in range(40)]
    assert [c["id"] for c in client.get_customers(ids).customers] == ids
