# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP seam: one pooled ``requests`` session with timeouts and polite retries.

Two declared seams: :class:`HttpTransport` is what the client and the token sources need
(``send`` with retries, ``close``), and :class:`Wire` is one exchange without retries, which
:class:`Transport` is given (tests script it; production uses :class:`RequestsWire`).

Transient failures (408, 429, 5xx, dropped connections, timeouts) are retried with
capped exponential backoff. A 429/503 pauses *every* worker thread, not just the one
that saw it, so concurrency never turns a rate limit into more load.

Time is bounded twice: each attempt, from connecting to the last byte of the body, by the
``timeout`` option (a server that drips its status line, headers or body is cut off; see
:mod:`._watchdog`), and the whole task by the ``total_timeout`` option (:class:`Deadline`):
attempts, backoff sleeps and Retry-After pauses never run past it. A host that cannot be
reached at all (refused connection, unknown name, TLS failure) is remembered by the transport,
so the other requests of a bulk fetch fail at once with the same error instead of each
retrying on its own.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Protocol
from urllib.parse import urljoin, urlsplit

from ._deadline import Deadline
from ._deps import requests
from ._errors import ApiError
from ._options import ConnectionSettings, check_plain_http_proxy, proxy_label
from ._watchdog import SlowResponse, Watchdog, WatchedAdapter

RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
SLOW_DOWN_STATUSES = frozenset((429, 503))
MAX_BODY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    attempts: int


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before attempt ``n + 1``; ``Retry-After`` is honoured up to a cap."""

    retries: int
    base: float = 0.5
    cap: float = 20.0
    retry_after_cap: float = 60.0

    def delay(self, attempt: int, retry_after: Optional[float]) -> float:
        if retry_after is not None:
            # A server asking for hours would stall a pipeline silently: cap it.
            return min(max(retry_after, 0.0), self.retry_after_cap)
        backoff = min(self.cap, self.base * (2 ** attempt))
        return backoff * random.uniform(0.5, 1.0)  # jitter spreads out the retries of parallel workers


class Throttle:
    """A pause shared by all threads of one client."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._resume_at = 0.0

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, self._clock() + seconds)

    def remaining(self) -> float:
        """Seconds until the pause ends (0 when there is none)."""
        with self._lock:
            return max(0.0, self._resume_at - self._clock())

    def wait(self) -> None:
        while True:
            remaining = self.remaining()
            if remaining <= 0:
                return
            self._sleep(remaining)


class _NoAuth(requests.auth.AuthBase if requests else object):  # type: ignore[misc]
    """Stops requests from adding ~/.netrc credentials to our requests."""

    def __call__(self, request: Any) -> Any:
        return request


class BearerAuth(_NoAuth):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = "Bearer " + self._token
        return request

    def __repr__(self) -> str:
        return "BearerAuth(********)"


class Wire(Protocol):
    """One HTTP exchange, without retries: the final response, or a ``requests`` exception on a network failure.

    ``token`` is sent as a bearer token; redirects are never followed. The whole exchange, from
    connecting to the last byte of the body, takes at most ``timeout`` seconds (else a Timeout).
    """

    def __call__(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str],
        data: Optional[Mapping[str, str]],
        json_body: Any,
        params: Optional[Mapping[str, Any]],
        headers: Optional[Mapping[str, str]],
        timeout: float,
    ) -> HttpResponse:
        ...

    def proxy_for(self, url: str) -> Optional[str]:
        """The proxy a request to ``url`` goes through, named by host and port only (never its credentials), or None."""


class HttpTransport(Protocol):
    """What the client and the token sources need from the HTTP layer: :class:`Transport` or a test double."""

    def send(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str] = None,
        data: Optional[Mapping[str, str]] = None,
        json_body: Any = None,
        params: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> HttpResponse:
        """The final response after retries; raises ApiError when the service cannot be reached."""

    def close(self) -> None:
        """Release pooled connections."""

    def start_task(self) -> None:
        """Begin a new task on the same pooled connections: a fresh ``total_timeout`` budget, and hosts
        found unreachable before are tried again (a long-lived client, such as the event source, polls)."""


class RequestsWire:
    """The :class:`Wire` of production: one pooled ``requests`` session."""

    def __init__(self, settings: ConnectionSettings, pool_size: Optional[int] = None) -> None:
        self.settings = settings
        self.session = requests.Session()
        adapter = WatchedAdapter(pool_connections=2, pool_maxsize=pool_size or settings.concurrency, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = "avepoint.graph-ansible-collection"
        self.session.headers["Accept"] = "application/json"
        if settings.proxy:
            self.session.proxies = {"http": settings.proxy, "https": settings.proxy}
        # requests would read the proxy and CA bundle variables of the (large) environment again
        # for every request, about 1-2 ms each; they are read once per host instead (environment_for).
        self._environment_reader = requests.Session()
        self._environment_reader.proxies = self.session.proxies
        self._environment: dict[str, dict[str, Any]] = {}
        self.session.trust_env = False
        self._watchdog = Watchdog()
        for url in (settings.api_url, settings.token_url):
            # A proxy from HTTP_PROXY / ALL_PROXY would see a plain-http request, credentials included (the
            # proxy option is checked with the other options).
            proxy = self._proxy_url(url)
            if proxy and urlsplit(url).scheme == "http":
                check_plain_http_proxy(proxy_label(proxy), urlsplit(proxy).hostname or "", [url],
                                       "from the HTTP_PROXY or ALL_PROXY environment variable")

    def close(self) -> None:
        self.session.close()
        self._environment_reader.close()
        self._watchdog.close()

    def environment_for(self, url: str) -> dict[str, Any]:
        """Proxies and certificate verification for ``url``, as requests derives them from the environment
        (HTTP(S)_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE...) and the settings; computed once per host."""
        origin = _origin(url)
        found = self._environment.get(origin)
        if found is None:
            found = self._environment_reader.merge_environment_settings(url, {}, None, self.settings.verify, None)
            if self.settings.proxy:
                # The proxy option wins over HTTP(S)_PROXY and NO_PROXY, as documented.
                found["proxies"] = dict(self.session.proxies)
            self._environment[origin] = found
        return found

    def proxy_for(self, url: str) -> Optional[str]:
        proxy = self._proxy_url(url)
        return proxy_label(proxy) if proxy else None

    def _proxy_url(self, url: str) -> Optional[str]:
        return requests.utils.select_proxy(url, self.environment_for(url)["proxies"])

    def __call__(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str],
        data: Optional[Mapping[str, str]],
        json_body: Any,
        params: Optional[Mapping[str, Any]],
        headers: Optional[Mapping[str, str]],
        timeout: float,
    ) -> HttpResponse:
        environment = self.environment_for(url)
        # requests' timeout bounds each socket read, so a server sending a few bytes at a time could
        # keep one request going for ever; the watchdog cuts the connection when the attempt's time is up.
        with self._watchdog.attempt(timeout) as attempt:
            try:
                with self.session.request(
                    method,
                    url,
                    auth=BearerAuth(token) if token else _NoAuth(),
                    headers=headers,
                    data=data,
                    json=json_body,
                    params=params,
                    timeout=timeout,
                    proxies=environment["proxies"],
                    verify=environment["verify"],
                    allow_redirects=False,  # a redirect must never carry the bearer token elsewhere
                    stream=True,
                ) as raw:
                    body = _read_limited(raw)
            except requests.exceptions.RequestException as exc:
                if attempt.cut and not isinstance(exc, SlowResponse):
                    raise SlowResponse(timeout) from None  # whatever the cut broke, the time was up
                raise
            if attempt.cut:  # the response may have been cut short
                raise SlowResponse(timeout)
            return HttpResponse(raw.status_code, raw.headers, body, raw.url, 1)


class Transport:
    """Sends requests through a :class:`Wire` with retries; returns the final response or raises ApiError.

    ``wire`` defaults to a pooled ``requests`` session (:class:`RequestsWire`), which ``close`` releases;
    tests give a scripted one.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        pool_size: Optional[int] = None,
        policy: Optional[RetryPolicy] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        warn: Optional[Callable[[str], None]] = None,
        wire: Optional[Wire] = None,
        deadline: Optional[Deadline] = None,
    ) -> None:
        self.settings = settings
        insecure = insecure_tls_warning(settings)
        if insecure and warn is not None:
            warn(insecure)  # once per client, not once per request
        self.policy = policy or RetryPolicy(retries=settings.retries)
        self._sleep = sleep
        self._clock = clock
        self.throttle = Throttle(sleep=sleep, clock=clock)
        self.deadline = deadline or Deadline(settings.total_timeout, clock)
        self._owned_wire = RequestsWire(settings, pool_size) if wire is None else None
        self._wire: Wire = wire or self._owned_wire  # type: ignore[assignment]
        # Origins that cannot be reached at all, with the error: the other requests fail at once with it.
        self._unreachable: dict[str, str] = {}
        self._unreachable_lock = threading.Lock()

    def close(self) -> None:
        if self._owned_wire is not None:
            self._owned_wire.close()

    def start_task(self) -> None:
        self.deadline = Deadline(self.settings.total_timeout, self._clock)
        with self._unreachable_lock:
            self._unreachable.clear()

    def send(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str] = None,
        data: Optional[Mapping[str, str]] = None,
        json_body: Any = None,
        params: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> HttpResponse:
        origin = _origin(url)
        attempt = 0
        last: Optional[str] = None  # what went wrong with the attempt before, for an error about giving up
        while True:
            self._fail_if_unreachable(origin)
            self._wait_for_throttle(url, attempt, last)
            budget = min(self.settings.timeout, self.deadline.remaining())
            if budget <= 0:
                raise self._gave_up(url, attempt, last)
            try:
                response = self._wire(method, url, token=token, data=data, json_body=json_body, params=params, headers=headers,
                                      timeout=budget)
            except requests.exceptions.SSLError as exc:
                raise self._unreachable_now(origin, _tls_message(url, exc, self._wire.proxy_for(url))) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                message = _network_message(url, exc, attempt + 1, budget, self._wire.proxy_for(url))
                if _is_name_resolution_failure(exc):
                    # A host name that does not resolve will not resolve in a second either.
                    raise self._unreachable_now(origin, message) from None
                if attempt >= self.policy.retries:
                    if _is_connect_failure(exc):
                        # Refused or unroutable after every retry: the same for every other request of the task.
                        raise self._unreachable_now(origin, message) from None
                    raise ApiError(message) from None
                last = _failure(exc, budget)
                self._wait(self.policy.delay(attempt, None), url, attempt + 1, last)
                attempt += 1
                continue
            if response.status not in RETRY_STATUSES or attempt >= self.policy.retries:
                return HttpResponse(response.status, response.headers, response.body, response.url, attempt + 1)
            last = "HTTP %d" % response.status
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            delay = self.policy.delay(attempt, retry_after)
            if response.status in SLOW_DOWN_STATUSES:
                if not self.deadline.allows(delay):
                    raise self._gave_up(url, attempt + 1, last, delay, response.status)
                self.throttle.pause(delay)
            else:
                self._wait(delay, url, attempt + 1, last, response.status)
            attempt += 1

    def _wait_for_throttle(self, url: str, attempts: int, last: Optional[str]) -> None:
        """Wait while a 429/503 pauses every worker (another worker may extend the pause meanwhile), within the deadline."""
        while True:
            pause = self.throttle.remaining()
            if pause <= 0:
                return
            if not self.deadline.allows(pause):
                raise self._gave_up(url, attempts, last or "the service asked every request to wait (HTTP 429 or 503)", pause)
            self._sleep(pause)

    def _wait(self, seconds: float, url: str, attempts: int, last: str, status: Optional[int] = None) -> None:
        """Sleep before a retry, unless the sleep would pass the deadline."""
        if not self.deadline.allows(seconds):
            raise self._gave_up(url, attempts, last, seconds, status)
        self._sleep(seconds)

    def _gave_up(self, url: str, attempts: int, last: Optional[str], wait: Optional[float] = None,
                 status: Optional[int] = None) -> ApiError:
        """The error when total_timeout ends the work: fatal, since every other request has no time left either."""
        if wait is None:
            when = "ran out"
        else:
            when = "would run out during the %s s wait before the next attempt" % _plain(wait)
        if attempts and last:
            done = " after %d attempt(s), the last: %s" % (attempts, last)
        else:
            done = " (%s)" % last if last else ""
        return ApiError(
            "gave up on %s%s: the total_timeout of %s s %s; raise total_timeout (AVEPOINT_TOTAL_TIMEOUT) for a very large "
            "fetch, or check the service" % (_origin(url), done, _plain(self.deadline.seconds), when),
            status=status, fatal=True)

    def _unreachable_now(self, origin: str, message: str) -> ApiError:
        with self._unreachable_lock:
            self._unreachable.setdefault(origin, message)
        return ApiError(message, fatal=True)

    def _fail_if_unreachable(self, origin: str) -> None:
        with self._unreachable_lock:
            message = self._unreachable.get(origin)
        if message is not None:
            raise ApiError(message, fatal=True)


def insecure_tls_warning(settings: ConnectionSettings) -> Optional[str]:
    """The warning to show when certificate checks are off, or None when they are on."""
    if settings.validate_certs:
        return None
    hosts = sorted({_origin(url) for url in (settings.api_url, settings.token_url) if url.startswith("https://")})
    if not hosts:
        return None  # plain http to loopback: there is no certificate to check
    return (
        "validate_certs is false: the TLS certificates of %s are not checked, so anyone on the network path "
        "could read the credentials and tokens; for a private CA set ca_path (AVEPOINT_CA_PATH) instead" % ", ".join(hosts)
    )


def _read_limited(raw: Any) -> bytes:
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(raw.url)  # refuse before reading anything
    chunks = []
    size = 0
    for chunk in raw.iter_content(chunk_size=256 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(raw.url)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(url: str) -> ApiError:
    return ApiError("the response from %s is larger than %d MiB; refusing to read it" % (_origin(url), MAX_BODY_BYTES // (1024 * 1024)))


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if re.match(r"\A\d+(\.\d+)?\Z", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _is_name_resolution_failure(exc: Exception) -> bool:
    text = repr(exc)
    return "NameResolutionError" in text or "Name or service not known" in text or "nodename nor servname" in text


def _is_connect_failure(exc: Exception) -> bool:
    """No connection could be made at all (refused, unroutable, connect timeout, proxy unreachable), as opposed
    to a connection that broke or a server that was slow to answer one request."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError)):
        return True
    text = repr(exc)
    return any(mark in text for mark in ("NewConnectionError", "Failed to establish a new connection", "Connection refused",
                                         "No route to host", "Network is unreachable"))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc.rsplit("@", 1)[-1])


def _plain(number: float) -> str:
    """Seconds for a message: 30, 2.5, 0.04."""
    return "%g" % (round(number, 1) if number >= 1 else float("%.2g" % number))


def _failure(exc: Exception, seconds: float) -> str:
    """What went wrong with one attempt, in a few words."""
    if isinstance(exc, SlowResponse):
        return "the response was still incomplete after %s s" % _plain(exc.seconds)
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out after %s s" % _plain(seconds)
    return _reason(exc)


def redirect_note(response: HttpResponse) -> str:
    """For a 3xx answer: where it pointed (without credentials, query or fragment), and that redirects are not followed."""
    if not 300 <= response.status < 400:
        return ""
    location = response.headers.get("Location")
    if location:
        target = urlsplit(urljoin(response.url, location.strip()))
        host = target.hostname or ""
        host = "[%s]" % host if ":" in host else host
        shown = "%s://%s%s%s" % (target.scheme, host, ":%d" % target.port if _port(target) else "", target.path)
        where = "to %s" % (shown if len(shown) <= 200 else shown[:200] + "...")
    else:
        where = "without a Location header"
    return ("; the service redirected %s, and redirects are not followed (credentials are never sent elsewhere): "
            "check api_url, token_url and cloud" % where)


def _port(parts: Any) -> Optional[int]:
    try:
        return parts.port
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    text = str(exc)
    # urllib3 nests reasons; the last "(...: reason)" part is the useful one.
    if "RemoteDisconnected" in text:
        return "the server closed the connection without a response"
    match = re.search(r"(certificate verify failed[^'\"(]*|Connection refused|Name or service not known|"
                      r"timed out|Connection reset by peer|RemoteDisconnected[^'\")]*|Connection aborted)", text)
    if match:
        return match.group(1).strip()
    if "IncompleteRead" in text or "Connection broken" in text:
        return "the connection closed before the whole response arrived"
    return text if len(text) <= 200 else text[:200] + "..."


def _tls_reason(exc: Exception) -> str:
    """What OpenSSL said, e.g. 'certificate verify failed: unable to get local issuer certificate', without
    its source location or the nesting of urllib3's message."""
    text = str(exc)
    match = re.search(r"\[SSL(?:: [A-Z0-9_]+)?\] (.+?)(?: \(_ssl\.c:\d+\))?['\"]?\)", text)
    if match:
        return match.group(1).strip().rstrip(".")
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", text)
    return _reason(Exception(text))


def _tls_message(url: str, exc: Exception, proxy: Optional[str] = None) -> str:
    return (
        "TLS error talking to %s%s: %s. If the service uses a private or test CA, set ca_path "
        "(AVEPOINT_CA_PATH) to its CA bundle; validate_certs: false disables the check, which is not recommended"
        % (_origin(url), _through(proxy), _tls_reason(exc))
    )


def _through(proxy: Optional[str]) -> str:
    return " through the proxy %s" % proxy if proxy else ""


def _network_message(url: str, exc: Exception, attempts: int, timeout: float, proxy: Optional[str] = None) -> str:
    tries = "%d attempt(s)" % attempts
    if isinstance(exc, SlowResponse):
        return ("the response from %s%s was still incomplete after %s s (%s): the server sends it too slowly; "
                "check the service or raise the timeout option" % (_origin(url), _through(proxy), _plain(exc.seconds), tries))
    if isinstance(exc, requests.exceptions.Timeout):
        return "request to %s%s timed out after %s s (%s); check the network or raise the timeout option" % (
            _origin(url), _through(proxy), _plain(timeout), tries)
    if isinstance(exc, requests.exceptions.ProxyError) and proxy:
        return "could not reach %s: the proxy %s could not be reached or refused the request after %s (%s)" % (
            _origin(url), proxy, tries, _reason(exc))
    return "could not reach %s%s after %s: %s" % (_origin(url), _through(proxy), tries, _reason(exc))
