# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP seam: one pooled ``requests`` session with timeouts and polite retries.

Two declared seams: :class:`HttpTransport` is what the client and the token sources need
(``send`` with retries, ``close``), and :class:`Wire` is one exchange without retries, which
:class:`Transport` is given (tests script it; production uses :class:`RequestsWire`).

Transient failures (408, 429, 5xx, dropped connections, timeouts) are retried with
capped exponential backoff. A 429/503 pauses *every* worker thread, not just the one
that saw it, so concurrency never turns a rate limit into more load.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Protocol
from urllib.parse import urlsplit

from ._deps import HTTPAdapter, requests
from ._errors import ApiError
from ._options import ConnectionSettings

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

    def wait(self) -> None:
        while True:
            with self._lock:
                remaining = self._resume_at - self._clock()
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

    ``token`` is sent as a bearer token; redirects are never followed.
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
    ) -> HttpResponse:
        ...


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


class RequestsWire:
    """The :class:`Wire` of production: one pooled ``requests`` session."""

    def __init__(self, settings: ConnectionSettings, pool_size: Optional[int] = None) -> None:
        self.settings = settings
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size or settings.concurrency, max_retries=0)
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

    def close(self) -> None:
        self.session.close()
        self._environment_reader.close()

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
    ) -> HttpResponse:
        environment = self.environment_for(url)
        with self.session.request(
            method,
            url,
            auth=BearerAuth(token) if token else _NoAuth(),
            headers=headers,
            data=data,
            json=json_body,
            params=params,
            timeout=self.settings.timeout,
            proxies=environment["proxies"],
            verify=environment["verify"],
            allow_redirects=False,  # a redirect must never carry the bearer token elsewhere
            stream=True,
        ) as raw:
            body = _read_limited(raw)
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
    ) -> None:
        self.settings = settings
        insecure = insecure_tls_warning(settings)
        if insecure and warn is not None:
            warn(insecure)  # once per client, not once per request
        self.policy = policy or RetryPolicy(retries=settings.retries)
        self._sleep = sleep
        self.throttle = Throttle(sleep=sleep, clock=clock)
        self._owned_wire = RequestsWire(settings, pool_size) if wire is None else None
        self._wire: Wire = wire or self._owned_wire  # type: ignore[assignment]

    def close(self) -> None:
        if self._owned_wire is not None:
            self._owned_wire.close()

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
        attempt = 0
        while True:
            self.throttle.wait()
            try:
                response = self._wire(method, url, token=token, data=data, json_body=json_body, params=params, headers=headers)
            except requests.exceptions.SSLError as exc:
                raise ApiError(_tls_message(url, exc), fatal=True) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                if _is_name_resolution_failure(exc):
                    # A host name that does not resolve will not resolve in a second either.
                    raise ApiError(_network_message(url, exc, attempt + 1, self.settings.timeout), fatal=True) from None
                if attempt >= self.policy.retries:
                    raise ApiError(_network_message(url, exc, attempt + 1, self.settings.timeout)) from None
                self._sleep(self.policy.delay(attempt, None))
                attempt += 1
                continue
            if response.status not in RETRY_STATUSES or attempt >= self.policy.retries:
                return HttpResponse(response.status, response.headers, response.body, response.url, attempt + 1)
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            delay = self.policy.delay(attempt, retry_after)
            if response.status in SLOW_DOWN_STATUSES:
                self.throttle.pause(delay)
            else:
                self._sleep(delay)
            attempt += 1


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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def _reason(exc: Exception) -> str:
    text = str(exc)
    # urllib3 nests reasons; the last "(...: reason)" part is the useful one.
    if "RemoteDisconnected" in text:
        return "the server closed the connection without a response"
    match = re.search(r"(certificate verify failed[^'\")]*|Connection refused|Name or service not known|"
                      r"timed out|Connection reset by peer|RemoteDisconnected[^'\")]*|Connection aborted)", text)
    if match:
        return match.group(1).strip()
    if "IncompleteRead" in text or "Connection broken" in text:
        return "the connection closed before the whole response arrived"
    return text if len(text) <= 200 else text[:200] + "..."


def _tls_message(url: str, exc: Exception) -> str:
    return (
        "TLS error talking to %s: %s. If the service uses a private or test CA, set ca_path "
        "(AVEPOINT_CA_PATH) to its CA bundle; validate_certs: false disables the check (not recommended)"
        % (_origin(url), _reason(exc))
    )


def _network_message(url: str, exc: Exception, attempts: int, timeout: float) -> str:
    if isinstance(exc, requests.exceptions.Timeout):
        return "request to %s timed out after %g s (%d attempt(s)); check the network or raise the timeout option" % (
            _origin(url), timeout, attempts)
    return "could not reach %s after %d attempt(s): %s" % (_origin(url), attempts, _reason(exc))
