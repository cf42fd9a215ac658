# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retries of the HTTP transport, run by urllib3's ``Retry``, and what the requests of one task share.

urllib3 runs the attempts of one request inside one call of its connection pool, with the ``Retry``
requests' adapter hands it. :class:`TaskRetry` is that ``Retry`` with the collection's policy, through its public
methods only (``new``, ``increment``, ``sleep``, ``get_backoff_time``, ``parse_retry_after``):

* 408, 429, 500, 502, 503 and 504, dropped connections and timeouts are retried, whatever the method
  (the batch reads of the elements API are POSTs); TLS failures and unknown host names never are;
  the last 5xx/429 answer is returned, for the client to word;
* capped exponential backoff with jitter; ``Retry-After`` honoured up to a cap;
* a 429 or 503 pauses every worker thread (:class:`Throttle`), so concurrency never turns a rate
  limit into more load;
* nothing sleeps or starts past the task's ``total_timeout`` (:class:`Task`): one fatal error says
  what the task was waiting for;
* a host that cannot be reached (refused or unroutable after the retries, unknown, TLS failure) is
  remembered by the task, so the other requests of a bulk fetch fail at once with the same error.

Its errors are :class:`ApiError`, which urllib3 and requests let through as they are.
One :class:`Exchange` per request holds its state: the ``Retry`` so far (a body that breaks off
after urllib3 returned the response is retried by the transport, and counts on), and the attempt of the
watchdog, which begins again after each retry's sleep.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ._deadline import Deadline
from ._deps import Retry, urllib3
from ._errors import ApiError
from ._http_failures import (
    SlowResponse, failure_words, is_connect_failure, is_name_resolution_failure, is_tls_failure, network_message, plain, tls_message)
from ._shown import origin
from ._watchdog import Attempt, Watchdog

RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
SLOW_DOWN_STATUSES = frozenset((429, 503))

_current = threading.local()  # .exchange: the Exchange of this thread's request, if one is running


def current_exchange() -> Optional["Exchange"]:
    return getattr(_current, "exchange", None)


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


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when it says neither."""
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


class Task:
    """What the requests of one task share: its ``total_timeout`` budget, the hosts found unreachable, and the
    pause after a 429/503 (which the transport keeps from one task to the next)."""

    def __init__(self, total_timeout: float, throttle: Throttle, clock: Callable[[], float]) -> None:
        self.deadline = Deadline(total_timeout, clock)
        self.throttle = throttle
        self._unreachable: dict[str, str] = {}  # origin -> the error the other requests fail with at once
        self._lock = threading.Lock()

    def unreachable(self, host: str, message: str) -> ApiError:
        """``host`` (an origin: scheme, host and port) cannot be reached: the error, remembered for the other requests."""
        with self._lock:
            self._unreachable.setdefault(host, message)
        return ApiError(message, fatal=True)

    def fail_if_unreachable(self, host: str) -> None:
        with self._lock:
            message = self._unreachable.get(host)
        if message is not None:
            raise ApiError(message, fatal=True)


class Exchange:
    """One request of a task, from its first attempt to its last: the current thread's while it runs (``with``)."""

    def __init__(self, task: Task, url: str, proxy_for: Callable[[str], Optional[str]], *, policy: RetryPolicy,
                 timeout: float, watchdog: Watchdog, sleep: Callable[[float], None]) -> None:
        self.task = task
        self.url = url
        self.host = origin(url)
        self._proxy_for = proxy_for  # how messages name the proxy of a URL, if any: asked only for a message
        self.policy = policy
        self.timeout = timeout
        self.watchdog = watchdog
        self._sleep = sleep
        self.retry = TaskRetry.first(self, policy.retries)  # the Retry so far
        self.attempt: Optional[Attempt] = None
        self.last: Optional[str] = None  # what went wrong with the attempt before, for an error about giving up

    def __enter__(self) -> "Exchange":
        _current.exchange = self
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _current.exchange = None
        if self.attempt is not None:
            self.attempt.finish()

    @property
    def proxy(self) -> Optional[str]:
        return self._proxy_for(self.url)

    @property
    def attempts(self) -> int:
        """Attempts made so far, the running one included."""
        return len(self.retry.history) + 1

    def begin_attempt(self) -> Attempt:
        """Before each attempt: the host is not known to be unreachable, the shared pause is over and there is time."""
        self.task.fail_if_unreachable(self.host)
        made = self.attempts - 1
        while True:
            # Another worker may extend the pause meanwhile.
            pause = self.task.throttle.remaining()
            if pause <= 0:
                break
            if not self.task.deadline.allows(pause):
                raise self._gave_up(made, self.last or "the service asked every request to wait (HTTP 429 or 503)", pause)
            self._sleep(pause)
        budget = min(self.timeout, self.task.deadline.remaining())
        if budget <= 0:
            raise self._gave_up(made, self.last)
        if self.attempt is not None:
            self.attempt.finish()
        self.attempt = self.watchdog.attempt(budget).start()
        return self.attempt

    def failed(self, error: BaseException) -> BaseException:
        """An attempt failed with ``error``: what it counts as (the watchdog may have cut it); raises at once when
        no retry can help."""
        if self.attempt is None:
            raise AssertionError("a failure before the first attempt began")
        if self.attempt.cut and not isinstance(error, SlowResponse):
            error = SlowResponse(self.attempt.seconds)  # whatever the cut broke, the time was up
        elif is_tls_failure(error):
            raise self.task.unreachable(self.host, tls_message(self.url, error, self.proxy))
        elif is_name_resolution_failure(error):
            raise self.given_up(error)
        self.last = failure_words(error, self.attempt.seconds)
        return error

    def given_up(self, error: BaseException) -> ApiError:
        """The error when ``error`` ended the last attempt; the host is remembered as unreachable when no connection
        could be made (refused, unroutable, unknown), since that holds for every other request of the task too."""
        if self.attempt is None:
            raise AssertionError("a failure before the first attempt began")
        if is_tls_failure(error):
            return self.task.unreachable(self.host, tls_message(self.url, error, self.proxy))
        message = network_message(self.url, error, self.attempts, self.attempt.seconds, self.proxy)
        if is_name_resolution_failure(error) or is_connect_failure(error):
            return self.task.unreachable(self.host, message)
        return ApiError(message)

    def wait_before_retry(self, retry: "TaskRetry", response: Any) -> None:
        """The sleep before the next attempt, then its start; never past the deadline."""
        made = len(retry.history)
        status = getattr(response, "status", None)
        retry_after = retry.get_retry_after(response) if response is not None else None
        delay = self.policy.delay(made - 1, retry_after) if retry_after is not None else retry.get_backoff_time()
        if not self.task.deadline.allows(delay):
            raise self._gave_up(made, self.last, delay, status)
        if status in SLOW_DOWN_STATUSES:
            self.task.throttle.pause(delay)  # every worker waits, this one too (begin_attempt)
        else:
            self._sleep(delay)
        self.begin_attempt()

    def _gave_up(self, attempts: int, last: Optional[str], wait: Optional[float] = None,
                 status: Optional[int] = None) -> ApiError:
        """The error when total_timeout ends the work: fatal, since every other request has no time left either."""
        if wait is None:
            when = "ran out"
        else:
            when = "would run out during the %s s wait before the next attempt" % plain(wait)
        if attempts and last:
            done = " after %d attempt(s), the last: %s" % (attempts, last)
        else:
            done = " (%s)" % last if last else ""
        return ApiError(
            "gave up on %s%s: the total_timeout of %s s %s; raise total_timeout (AVEPOINT_TOTAL_TIMEOUT) for a very large "
            "fetch, or check the service" % (self.host, done, plain(self.task.deadline.seconds), when),
            status=status, fatal=True)


class TaskRetry(Retry if Retry else object):  # type: ignore[misc]
    """urllib3's Retry for one :class:`Exchange`, which each copy carries along."""

    def __init__(self, *args: Any, exchange: Optional[Exchange] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exchange = exchange

    @classmethod
    def first(cls, exchange: Exchange, retries: int) -> "TaskRetry":
        return cls(
            total=retries, connect=None, read=None, status=None, other=None,
            redirect=False,  # requests asks urllib3 not to follow redirects; nor does the transport
            allowed_methods=None,  # every method
            status_forcelist=RETRY_STATUSES,
            raise_on_status=False,  # the last answer goes back to the client, which words it
            respect_retry_after_header=False,  # sleep() reads Retry-After; else urllib3 would retry a 413 that sends one
            exchange=exchange)

    def new(self, **kwargs: Any) -> "TaskRetry":
        kwargs.setdefault("exchange", self.exchange)
        return super().new(**kwargs)  # type: ignore[no-any-return]

    def increment(self, method: Optional[str] = None, url: Optional[str] = None, response: Any = None,
                  error: Optional[Exception] = None, _pool: Any = None, _stacktrace: Any = None) -> "TaskRetry":
        exchange = self.exchange
        if exchange is None:
            raise AssertionError("TaskRetry used outside an exchange of the transport")
        if error is not None:
            error = exchange.failed(error)  # type: ignore[assignment]
        else:
            exchange.last = "HTTP %d" % response.status
        try:
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
        except urllib3.exceptions.MaxRetryError:
            if error is None:
                raise  # out of retries on a status: urllib3 returns the answer
            raise exchange.given_up(error) from None
        exchange.retry = retry
        return retry  # type: ignore[no-any-return]

    def get_backoff_time(self) -> float:
        return self.exchange.policy.delay(len(self.history) - 1, None)  # type: ignore[union-attr]

    def parse_retry_after(self, retry_after: str) -> Optional[float]:  # type: ignore[override]
        return parse_retry_after(retry_after)  # lenient: an unreadable value means the usual backoff

    def sleep(self, response: Any = None) -> None:
        self.exchange.wait_before_retry(self, response)  # type: ignore[union-attr]
