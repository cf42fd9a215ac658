# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The time limit of one HTTP attempt as a whole (option ``timeout``, within ``total_timeout``).

requests' timeout bounds each socket read, so a server sending a few bytes at a time, each just in
time, could keep one request going for ever: in its status line and headers as well as in its body.
Each attempt gets an end time here, and one watchdog thread shuts down the connection of an attempt
whose time is up, which ends a blocked read at once.

The connection is handed to the attempt by the connection itself: :class:`WatchedAdapter` makes urllib3
use connection classes that report to the attempt of their thread (a thread-local; urllib3 runs the
whole exchange in the thread that asked for it) as soon as the first byte of the response arrives, new
and pooled connections alike, direct or through a proxy (http, https or SOCKS). Until then the read
timeout applies, so a server that does not answer at all still "timed out", while one that answers too
slowly is cut off with "still incomplete". urllib3 gives the connection back to its pool when the
response is complete; the attempt lets go of it then, so a finished connection, which may serve
another request, is never cut.

Connecting (TCP, a proxy's answer to CONNECT, the TLS handshake) is bounded step by step by the
connect timeout, as urllib3 does it; the attempt's time runs meanwhile, and a response that starts
after it is up is cut at once.
"""

from __future__ import annotations

import heapq
import selectors
import socket
import threading
import time
from typing import Any, Callable, Optional

from ._deps import HTTPAdapter, requests

_current = threading.local()  # .attempt: the Attempt of this thread's exchange, if one is running


class SlowResponse(requests.exceptions.ReadTimeout if requests else Exception):  # type: ignore[misc]
    """The response did not arrive completely within the attempt's time (sent too slowly)."""

    def __init__(self, seconds: float) -> None:
        super().__init__("the response did not arrive completely within %g s" % seconds)
        self.seconds = seconds


class Attempt:
    """The time of one exchange: when it is up, the connection working for it (if any) is shut down.

    Used as a context manager around the exchange, which makes it the attempt of the current thread.
    """

    def __init__(self, seconds: float, end: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.end = end
        self._clock = clock
        self.fired = False  # the time is up
        self.cut = False  # ...and a connection of the exchange was shut down: its response may be cut short
        self.done = False
        self._connection: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> "Attempt":
        _current.attempt = self
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _current.attempt = None
        self.finish()

    def remaining(self) -> float:
        return max(0.0, self.end - self._clock())

    def claim(self, connection: Any) -> None:
        """``connection`` works for this attempt now; if the time is already up, it is cut at once."""
        with self._lock:
            if self.done:
                return
            self._connection = connection
            if self.fired:
                self._cut()

    def release(self, connection: Any) -> None:
        """``connection`` went back to its pool, its response complete: it is never cut for this attempt."""
        with self._lock:
            if self._connection is connection:
                self._connection = None

    def finish(self) -> None:
        """The exchange is over (left in the watchdog's heap, skipped when due)."""
        with self._lock:
            self.done = True
            self._connection = None

    def fire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.fired = True
            self._cut()

    def _cut(self) -> None:
        # Called under the lock: the connection cannot go back to its pool, and to another request, meanwhile.
        sock = getattr(self._connection, "sock", None)
        if sock is None:
            return  # closed
        self.cut = True  # before the shutdown: the reading thread wakes up at once and looks at it
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            self.cut = False  # closed meanwhile


class Watchdog:
    """One thread per wire that fires the attempts whose time is up (a timer thread per request would cost
    about 0.2 ms each)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._due: list[tuple[float, int, Attempt]] = []  # a heap by end time
        self._condition = threading.Condition()
        self._thread: Optional[threading.Thread] = None
        self._closed = False

    def attempt(self, seconds: float) -> Attempt:
        attempt = Attempt(seconds, self._clock() + seconds, self._clock)
        with self._condition:
            heapq.heappush(self._due, (attempt.end, id(attempt), attempt))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="avepoint-watchdog", daemon=True)
                self._thread.start()
            self._condition.notify()
        return attempt

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            due = []
            with self._condition:
                if self._closed:
                    return
                now = self._clock()
                while self._due and self._due[0][0] <= now:
                    due.append(heapq.heappop(self._due)[2])
                if not due:
                    self._condition.wait(self._due[0][0] - now if self._due else None)
                    continue
            for attempt in due:
                attempt.fire()


def _attempt_of_this_thread() -> Optional[Attempt]:
    return getattr(_current, "attempt", None)


def _wait_for_answer(sock: Any, seconds: float) -> None:
    """Wait for the first byte of the response, at most ``seconds``; a socket.timeout (which urllib3 reports as
    a read timeout, like a read) when none came."""
    pending = getattr(sock, "pending", None)  # TLS: data already decrypted
    if not isinstance(sock, socket.socket) or (pending is not None and pending()):
        return  # not a socket selectors knows, or data is there: let the reads wait
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        if not selector.select(seconds):
            raise socket.timeout("timed out")


class _ReportingConnection:
    """Mixed into urllib3's connection classes: hands the connection to the attempt of this thread once the
    response has started."""

    timeout: Any  # urllib3 sets the read timeout here before reading a response
    sock: Any

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        attempt = _attempt_of_this_thread()
        if attempt is not None:
            limit = attempt.remaining()
            if isinstance(self.timeout, (int, float)):
                limit = min(limit, self.timeout)
            _wait_for_answer(self.sock, limit)
            attempt.claim(self)  # cut at once if the time is already up
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _ReportingPool:
    """Mixed into urllib3's connection pools: a connection coming back is complete, never to be cut."""

    def _put_conn(self, conn: Any) -> None:
        attempt = _attempt_of_this_thread()
        if attempt is not None and conn is not None:
            attempt.release(conn)
        super()._put_conn(conn)  # type: ignore[misc]


_watched_pools: dict[type, type] = {}
_watched_lock = threading.Lock()


def _watched(pool_class: type) -> type:
    """``pool_class`` (HTTP, HTTPS, SOCKS...) with connections that report to their attempt; made once per class."""
    if issubclass(pool_class, _ReportingPool) or not hasattr(pool_class.ConnectionCls, "getresponse"):
        return pool_class  # already watched, or urllib3's stand-in without the ssl module (it raises its own error)
    with _watched_lock:
        watched = _watched_pools.get(pool_class)
        if watched is None:
            connection_class = type("Watched" + pool_class.ConnectionCls.__name__, (_ReportingConnection, pool_class.ConnectionCls), {})
            watched = type("Watched" + pool_class.__name__, (_ReportingPool, pool_class), {"ConnectionCls": connection_class})
            _watched_pools[pool_class] = watched
    return watched


def _watch(manager: Any) -> Any:
    """Makes a urllib3 pool manager (or proxy manager) create watched pools; it has created none yet."""
    manager.pool_classes_by_scheme = {scheme: _watched(pool) for scheme, pool in manager.pool_classes_by_scheme.items()}
    return manager


class WatchedAdapter(HTTPAdapter if HTTPAdapter else object):  # type: ignore[misc]
    """requests' adapter whose connections, direct or through a proxy, can be cut by the :class:`Watchdog`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        fresh = proxy not in self.proxy_manager  # requests keeps one manager per proxy
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        return _watch(manager) if fresh else manager
