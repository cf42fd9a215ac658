"""The HTTP transport (module_utils/_http.py) against scripted loopback servers: retries, the shared
throttle, timeouts and deadlines, proxies and CA bundles from the environment, pooled connections."""

from __future__ import annotations

import email.utils
import re
import socket
import threading
import time
import uuid

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._auth import token_error
from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient, http_error
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, PartialFailureError
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse, Transport, insecure_tls_warning, redirect_note
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.module_utils._responses import ErrorDetails
from ansible_collections.avepoint.graph.plugins.module_utils._retry import RetryPolicy, parse_retry_after

from avepoint_simulator import Simulator, SimulatorConfig
from fakes import API_URL, TOKEN_URL, Clock, customer
from loopback import ClosedPort, ScriptedServer


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


def test_the_backoff_between_attempts_grows(server):
    t, sleeps = transport(server, retries=5, script=[500] * 5 + [200])
    t.policy = RetryPolicy(retries=5, base=1, cap=8)
    t.send("GET", server.url + "/x")
    assert [0.5 <= sleeps[0] <= 1, 1 <= sleeps[1] <= 2, 2 <= sleeps[2] <= 4, 4 <= sleeps[3] <= 8, 4 <= sleeps[4] <= 8] == [True] * 5


API = "https://graph.example.test"
ENVIRONMENT = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
               "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def environment_transport(**options):
    given = {"access_token": "t", "api_url": API}
    given.update(options)
    return Transport(settings_from_getter(given.get))


def test_proxy_from_the_environment_applies_unless_no_proxy_says_otherwise(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "identity.example.test")
    t = environment_transport()
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:3128"
    assert "https" not in t.environment_for("https://identity.example.test/connect/token")["proxies"]


def test_the_proxy_option_is_used_without_environment_variables():
    t = environment_transport(proxy="http://proxy.example.test:8080")
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:8080"


def test_ca_bundle_variable_applies_only_without_ca_path(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n(not read here)\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert environment_transport().environment_for(API)["verify"] == "/etc/ssl/certs/ca-certificates.crt"
    assert environment_transport(ca_path=str(ca)).environment_for(API)["verify"] == str(ca)


def test_the_environment_is_read_once_per_host_not_per_request(monkeypatch):
    t = environment_transport()
    assert t.session.trust_env is False  # requests itself no longer reads it for every request
    first = t.environment_for(API + "/partner/customers/1")
    monkeypatch.setenv("HTTPS_PROXY", "http://late.example.test:3128")
    assert t.environment_for(API + "/partner/customers/2") is first
    assert t.environment_for("https://other.example.test/x")["proxies"]["https"] == "http://late.example.test:3128"


def test_the_proxy_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "graph.example.test")
    t = environment_transport(proxy="http://proxy.example.test:8080")
    assert t.environment_for(API + "/partner/customers")["proxies"]["https"] == "http://proxy.example.test:8080"


def limit_settings(**options):
    values = {"access_token": "unit-access-token", "api_url": API_URL, "token_url": TOKEN_URL}
    values.update(options)
    return settings_from_getter(values.get)


def clock_transport(url, clock=None, **options):
    """A Transport to ``url`` (API and token URL) whose retry sleeps and deadline run on a fake clock."""
    clock = clock or Clock()
    return Transport(limit_settings(api_url=url, token_url=url + "/connect/token", **options), sleep=clock.sleep, clock=clock), clock


def failing_send(t, url):
    """The ApiError of ``t.send("GET", url)``; closes the transport. How long it took is not asserted (these machines are
    noisy): the messages say which limit ended the request, and pytest-timeout catches a request that never ends."""
    try:
        with pytest.raises(ApiError) as caught:
            t.send("GET", url)
    finally:
        t.close()
    return caught.value


def test_each_attempt_gets_at_most_the_time_that_is_left(server):
    clock = Clock()
    t, _clock = clock_transport(server.url, clock, timeout=30, total_timeout=40, retries=3)
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
    t, clock = clock_transport(server.url, retries=20, total_timeout=10)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/x")
    error = caught.value
    assert error.fatal and sum(clock.slept) < 10
    assert str(error).startswith("gave up on %s after %d attempt(s), the last: Connection aborted" % (server.url, len(server.requests)))
    assert "the total_timeout of 10 s would run out during the" in str(error)
    assert "raise total_timeout (AVEPOINT_TOTAL_TIMEOUT)" in str(error)


def test_a_retry_after_past_the_deadline_is_not_waited_for(server):
    server.script = [(503, {"Retry-After": "50"}), 200]
    t, clock = clock_transport(server.url, total_timeout=30)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/x")
    assert clock.slept == [] and len(server.requests) == 1 and caught.value.status == 503 and caught.value.fatal
    assert "after 1 attempt(s), the last: HTTP 503: the total_timeout of 30 s would run out during the 50 s wait" in str(caught.value)


def test_a_shared_pause_past_the_deadline_is_not_waited_for(server):
    t, clock = clock_transport(server.url, total_timeout=30)
    t.throttle.pause(45)  # another worker saw a 429 with Retry-After: 45
    with pytest.raises(ApiError, match=r"^gave up on %s \(the service asked every request to wait \(HTTP 429 "
                                       r"or 503\)\): the total_timeout of 30 s would run out during the 45 s wait" % re.escape(server.url)):
        t.send("GET", server.url + "/x")
    assert clock.slept == [] and server.requests == []


def test_a_429_pauses_the_other_workers_too(server):
    server.script = [(429, {"Retry-After": "7"}), 200, 200]
    t, clock = clock_transport(server.url)
    assert t.send("GET", server.url + "/a").attempts == 2
    assert clock.slept == [7.0]
    t.throttle.pause(5)  # as another worker's 429 would
    assert t.send("GET", server.url + "/b").attempts == 1
    assert clock.slept == [7.0, 5.0]  # this one waited before its first attempt


def test_slow_attempts_use_up_the_deadline_and_the_error_says_so(server):
    server.script = ["silent"] * 50
    t = Transport(limit_settings(api_url=server.url, token_url=server.url + "/connect/token", timeout=0.4, total_timeout=1, retries=20))
    error = failing_send(t, server.url + "/x")
    assert error.fatal
    assert re.search(r"after [1-4] attempt\(s\), the last: timed out after [0-9.]+ s", str(error)), str(error)
    assert "total_timeout of 1 s" in str(error)


def test_a_refused_connection_is_retried_then_fatal_and_remembered(server):
    with ClosedPort() as dead:
        t, clock = clock_transport(dead.url, retries=2)
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
    t, clock = clock_transport(dead.url, retries=2, total_timeout=60)
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
    t, _clock = clock_transport(server.url, retries=2)
    with pytest.raises(ApiError) as caught:
        t.send("GET", server.url + "/a")
    assert not caught.value.fatal and str(caught.value) == "could not reach %s after 3 attempt(s): Connection aborted" % server.url


def test_an_unknown_host_name_is_not_retried_and_remembered(server):
    url = "https://unknown-host.invalid"
    t, clock = clock_transport(url, retries=3)
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
        options = limit_settings(api_url=dead.url, retries=3, concurrency=16)
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
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    error = failing_send(t, url + path)
    assert str(error) == ("the response from %s was still incomplete after 1 s (1 attempt(s)): the server sends it too slowly; "
                          "check the service or raise the timeout option" % url)


@pytest.mark.parametrize("path", ["/drip-body", "/drip-head"])
def test_the_total_timeout_cuts_a_dripping_response_too(dripping_server, path):
    url = dripping_server.url
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=30, total_timeout=1, retries=3))
    error = failing_send(t, url + path)
    message = str(error)
    assert error.fatal and message.startswith(
        "gave up on %s after 1 attempt(s), the last: the response was still incomplete after " % url), message
    assert "the total_timeout of 1 s" in message


def test_a_dripping_response_is_retried_with_a_fresh_attempt(dripping_server):
    url = dripping_server.url
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=0.5, retries=1), sleep=lambda seconds: None)
    error = failing_send(t, url + "/drip-body")
    assert "still incomplete after 0.5 s (2 attempt(s))" in str(error)
    assert len(dripping_server.requests) == 2


def test_a_pooled_connection_is_cut_when_its_next_answer_drips_its_head(dripping_server):
    url = dripping_server.url
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    assert t.send("GET", url + "/fast").status == 200
    error = failing_send(t, url + "/drip-head")
    assert "still incomplete after 1 s" in str(error)
    assert dripping_server.connections == 1  # the second request used the pooled connection


def test_a_connection_serving_a_later_request_is_never_cut_for_an_earlier_attempt(dripping_server):
    # Attempt A's time runs out while the connection that read A's answer, back in its pool, serves request B.
    url = dripping_server.url
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=5, retries=0))
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
        t = Transport(limit_settings(api_url=sim.url, token_url=sim.token_url, ca_path=sim.ca_path, timeout=1, retries=0))
        error = failing_send(t, sim.url + "/partner/customers")
    assert str(error).startswith("the response from %s was still incomplete after 1 s (1 attempt(s))" % sim.url)


def test_a_server_that_never_answers_still_times_out_rather_than_being_too_slow(server):
    server.script = ["silent"]  # it reads the request; nothing answers
    url = server.url
    t = Transport(limit_settings(api_url=url, token_url=url + "/connect/token", timeout=1, retries=0))
    error = failing_send(t, url + "/partner/customers")
    assert str(error) == "request to %s timed out after 1 s (1 attempt(s)); check the network or raise the timeout option" % url


@pytest.fixture
def silent_proxy():
    """A loopback 'proxy' that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield "127.0.0.1:%d" % sock.getsockname()[1]


def test_errors_name_the_proxy_by_host_and_port(server, silent_proxy):
    t, _clock = clock_transport(server.url, retries=1, timeout=0.3, proxy="http://user:pw@%s" % silent_proxy)
    error = failing_send(t, server.url + "/x")
    assert str(error).startswith(
        "request to %s through the proxy '%s' timed out after 0.3 s (2 attempt(s))" % (server.url, silent_proxy))
    assert server.requests == []


def test_a_refusing_proxy_is_named_and_remembered(server):
    with ClosedPort() as proxy:
        t, _clock = clock_transport(server.url, retries=1, proxy=proxy.url)
        with pytest.raises(ApiError) as caught:
            t.send("GET", server.url + "/x")
        label = "'127.0.0.1:%d'" % proxy.port
        assert str(caught.value) == ("could not reach %s: the proxy %s could not be reached or refused the request after "
                                     "2 attempt(s) (Connection refused)" % (server.url, label))
        assert caught.value.fatal


def test_the_transport_names_the_proxy_without_credentials():
    t = Transport(limit_settings(proxy="http://alice:s3cret@proxy.example.test:3128"))
    assert t.proxy_for(API_URL + "/x") == "'proxy.example.test:3128'"
    t.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_from_the_environment_is_refused_for_plain_http(monkeypatch, variable):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://bob:pw@proxy.example.test:3128")
    local = limit_settings(api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token")
    with pytest.raises(ConfigurationError) as caught:
        Transport(local)
    message = str(caught.value)
    assert "through the proxy 'proxy.example.test:3128' (from the HTTP_PROXY or ALL_PROXY environment variable)" in message
    assert "pw" not in message.replace("http://", "")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    Transport(local).close()  # bypassed: allowed


def answer(status, headers=None, body=b"", url=API_URL + "/partner/customers/x"):
    return HttpResponse(status, headers or {}, body, url, 1)


def test_api_and_token_errors_of_a_redirect_show_it():
    response = answer(301, {"Location": "https://new.example.test/partner/customers/x"})
    message = str(http_error(response, "customer x", limit_settings(), "partner.customers.read.all"))
    assert message.startswith("HTTP 301 Moved Permanently for customer x; the service redirected to https://new.example.test/")
    token = token_error(302, ErrorDetails(answer(302)), limit_settings(), redirect_note(answer(302, {"Location": "/login"})))
    assert "HTTP 302 at the token URL" in str(token) and "redirected to https://graph.example.test/login" in str(token)


def test_a_bulk_fetch_with_a_working_host_is_unchanged():
    def answer(request):
        return (200, {}, customer(request["target"].rsplit("/", 1)[1]))

    with ScriptedServer(answer) as server:
        options = limit_settings(api_url=server.url, concurrency=4)
        client = AvePointClient(options, transport=Transport(options))
        ids = [str(uuid.UUID(int=index + 1)) for index in range(40)]
        assert [c["id"] for c in client.get_customers(ids).customers] == ids
        client.close()
    assert server.connections <= 4  # pooled


def settings(**options):
    values = {"access_token": "t", "api_url": API, "token_url": API + "/connect/token"}
    values.update(options)
    return settings_from_getter(values.get)


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
