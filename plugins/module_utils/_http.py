# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP seam: one pooled ``requests`` session with timeouts and polite retries.

:class:`HttpTransport` is the declared seam the client and the token sources need (``send`` with
retries, ``close``, ``start_task``); :class:`Transport` implements it on a ``requests`` session
whose adapter hands urllib3 the ``Retry`` of the running request (:mod:`._retry`): urllib3 runs
the attempts, and the collection's policy (which failures are retried, backoff, ``Retry-After``,
the pause a 429/503 imposes on every worker, ``total_timeout``, hosts found unreachable) lives in
that ``Retry``'s public methods. Failures are told apart by the types of their exceptions
(:mod:`._http_failures`).

Time is bounded twice: each attempt, from connecting to the last byte of the body, by the
``timeout`` option (a server that drips its status line, headers or body is cut off; see
:mod:`._watchdog`, which the adapter installs through the pools' ``ConnectionCls``), and the whole
task by the ``total_timeout`` option: attempts, backoff sleeps and Retry-After pauses never run
past it. The body is read streamed, at most :data:`MAX_BODY_BYTES`; one that breaks off is retried
by the transport with the same ``Retry``, which counts on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Protocol
from urllib.parse import urljoin, urlsplit

from ._deps import HTTPAdapter, requests, urllib3
from ._errors import ApiError
from ._http_failures import BrokenBody, SlowResponse
from ._shown import origin
from ._options import ConnectionSettings, check_plain_http_proxy, proxy_label
from ._retry import Exchange, RetryPolicy, Task, Throttle, current_exchange
from ._watchdog import Watchdog, watch

MAX_BODY_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    attempts: int


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


class _TaskAdapter(HTTPAdapter if HTTPAdapter else object):  # type: ignore[misc]
    """requests' adapter of the transport: its pools make connections the watchdog can cut, and urllib3 gets the
    ``Retry`` of the request running in the calling thread (it counts on after a body that broke off)."""

    def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None, cert: Any = None) -> Any:
        return watch(super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert))

    @property
    def max_retries(self) -> Any:
        exchange = current_exchange()
        return self._idle_retries if exchange is None else exchange.retry

    @max_retries.setter
    def max_retries(self, value: Any) -> None:
        self._idle_retries = value  # what requests' constructor sets; only used outside a send


class Transport:
    """Sends requests with retries over one pooled ``requests`` session; returns the final response or raises ApiError.

    ``sleep`` and ``clock`` (of the retry waits and of ``total_timeout``) and ``policy`` are for tests.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        pool_size: Optional[int] = None,
        policy: Optional[RetryPolicy] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        warn: Optional[Callable[[str], None]] = None,
    ) -> None:
        self.settings = settings
        insecure = insecure_tls_warning(settings)
        if insecure and warn is not None:
            warn(insecure)  # once per client, not once per request
        self.policy = policy or RetryPolicy(retries=settings.retries)
        self._sleep = sleep
        self._clock = clock
        self.throttle = Throttle(sleep=sleep, clock=clock)
        self.task = Task(settings.total_timeout, self.throttle, clock)
        self.watchdog = Watchdog()
        self.session = requests.Session()
        adapter = _TaskAdapter(pool_connections=2, pool_maxsize=pool_size or settings.concurrency)
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
        self.watchdog.close()

    def start_task(self) -> None:
        self.task = Task(self.settings.total_timeout, self.throttle, self._clock)

    def environment_for(self, url: str) -> dict[str, Any]:
        """Proxies and certificate verification for ``url``, as requests derives them from the environment
        (HTTP(S)_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE...) and the settings; computed once per host."""
        key = origin(url)
        found = self._environment.get(key)
        if found is None:
            found = self._environment_reader.merge_environment_settings(url, {}, None, self.settings.verify, None)
            if self.settings.proxy:
                # The proxy option wins over HTTP(S)_PROXY and NO_PROXY, as documented.
                found["proxies"] = dict(self.session.proxies)
            self._environment[key] = found
        return found

    def proxy_for(self, url: str) -> Optional[str]:
        """The proxy a request to ``url`` goes through, named by host and port only (never its credentials), or None."""
        proxy = self._proxy_url(url)
        return proxy_label(proxy) if proxy else None

    def _proxy_url(self, url: str) -> Optional[str]:
        return requests.utils.select_proxy(url, self.environment_for(url)["proxies"])

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
        environment = self.environment_for(url)
        exchange = Exchange(self.task, url, self.proxy_for, policy=self.policy, timeout=self.settings.timeout,
                            watchdog=self.watchdog, sleep=self._sleep)
        with exchange:
            attempt = exchange.begin_attempt()
            while True:
                try:
                    with self.session.request(
                        method,
                        url,
                        auth=BearerAuth(token) if token else _NoAuth(),
                        headers=headers,
                        data=data,
                        json=json_body,
                        params=params,
                        timeout=attempt.seconds,  # each step of connecting and each read; the watchdog bounds the whole
                        proxies=environment["proxies"],
                        verify=environment["verify"],
                        allow_redirects=False,  # a redirect must never carry the bearer token elsewhere
                        stream=True,
                    ) as raw:
                        body = _read_body(raw, exchange)
                    return HttpResponse(raw.status_code, raw.headers, body, raw.url, exchange.attempts)
                except BrokenBody as broken:
                    # urllib3's attempts ended with this answer: the retry of its body counts on from there.
                    exchange.retry.increment(method, url, error=broken).sleep()
                    attempt = exchange.attempt  # type: ignore[assignment]
                except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
                    raise exchange.given_up(error) from None  # an error urllib3 raised without asking its Retry


def insecure_tls_warning(settings: ConnectionSettings) -> Optional[str]:
    """The warning to show when certificate checks are off, or None when they are on."""
    if settings.validate_certs:
        return None
    hosts = sorted({origin(url) for url in (settings.api_url, settings.token_url) if url.startswith("https://")})
    if not hosts:
        return None  # plain http to loopback: there is no certificate to check
    return (
        "validate_certs is false: the TLS certificates of %s are not checked, so anyone on the network path "
        "could read the credentials and tokens; for a private CA set ca_path (AVEPOINT_CA_PATH) instead" % ", ".join(hosts)
    )


def _read_body(raw: Any, exchange: Exchange) -> bytes:
    """The whole body of ``raw`` (a streamed requests response), at most MAX_BODY_BYTES; BrokenBody when it breaks off."""
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(raw.url)  # refuse before reading anything
    chunks = []
    size = 0
    answer = raw.raw  # urllib3's response: its errors are urllib3's, not yet wrapped by requests
    try:
        for chunk in answer.stream(_CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _too_large(raw.url)
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise BrokenBody(error) from error
    if answer.length_remaining:
        # The connection closed early (urllib3 1.26 does not check the Content-Length).
        raise BrokenBody(urllib3.exceptions.ProtocolError("the connection closed before the whole response arrived"))
    attempt = exchange.attempt
    if attempt is not None and attempt.cut and answer.length_remaining is None and not answer.chunked:
        raise BrokenBody(SlowResponse(attempt.seconds))  # it ends with the connection: cut short, or not?
    return b"".join(chunks)


def _too_large(url: str) -> ApiError:
    return ApiError("the response from %s is larger than %d MiB; refusing to read it" % (origin(url), MAX_BODY_BYTES // (1024 * 1024)))


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
