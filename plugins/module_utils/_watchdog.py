# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The time limit of one HTTP attempt as a whole (option ``timeout``, within ``total_timeout``).

A socket timeout bounds each read, so a server sending a few bytes at a time, each just in time,
could keep one request going for ever: in its status line and headers as well as in its body.
Each attempt gets an end time here, and one watchdog thread shuts down the socket of an attempt
whose time is up, which ends a blocked read at once.

The seam is public urllib3 API only: :func:`watch` sets the ``ConnectionCls`` of a connection pool
(before the pool has made any connection) to a subclass of urllib3's connection class that overrides
public methods, ``connect``, ``request`` and ``getresponse``. urllib3 runs an exchange in the thread
that asked for it, so a connection finds its attempt in a thread-local:

* ``connect`` never waits past the attempt's time (the connect timeout is clamped to what is left);
* ``request`` makes the connection the attempt's: a pooled connection serving a later request is
  never cut for an earlier attempt;
* ``getresponse`` waits for the first byte of the answer within the attempt's time, then hands the
  socket to the attempt. A server that does not answer at all so still "timed out", while one that
  answers too slowly is cut off, and its request fails as "still incomplete".

The transport ends an attempt as soon as it has read the body.
"""

from __future__ import annotations

import heapq
import selectors
import socket
import threading
import time
from typing import Any, Callable, Optional

from ._deps import urllib3

_current = threading.local()  # .attempt: the Attempt of this thread's exchange, if one is running


def current_attempt() -> Optional["Attempt"]:
    return getattr(_current, "attempt", None)


class Attempt:
    """The time of one attempt: when it is up, the socket of the answer being read for it (if any) is shut down.

    :meth:`start` makes it the attempt of the current thread, :meth:`finish` ends it (a context manager does both).
    """

    def __init__(self, seconds: float, end: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.end = end
        self._clock = clock
        self.fired = False  # the time is up
        self.cut = False  # ...and the socket of its answer was shut down: the answer may be cut short
        self.done = False
        self._connection: Any = None
        self._sock: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> "Attempt":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.finish()

    def start(self) -> "Attempt":
        _current.attempt = self
        return self

    def remaining(self) -> float:
        return max(0.0, self.end - self._clock())

    def answering(self, connection: Any) -> None:
        """The answer has started on ``connection``: from now on its socket is cut when the time is up (at once if
        it is already). The socket is kept: http.client lets go of it for an answer ending with the connection."""
        with self._lock:
            if self.done:
                return
            self._connection = connection
            self._sock = connection.sock
            if self.fired:
                self._cut()

    def finish(self) -> None:
        """The attempt is over (it stays in the watchdog's heap, skipped when due)."""
        with self._lock:
            self.done = True
            self._connection = self._sock = None
        if current_attempt() is self:
            _current.attempt = None

    def fire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.fired = True
            self._cut()

    def _cut(self) -> None:
        # Called under the lock. A connection claimed by a later request since (back in its pool, then sent
        # again) is not ours to cut any more.
        if self._sock is None or getattr(self._connection, "attempt", None) is not self:
            return
        self.cut = True  # before the shutdown: the reading thread wakes up at once and looks at it
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):  # closed meanwhile, or no socket that can be shut down
            self.cut = False


class Watchdog:
    """One thread per transport that fires the attempts whose time is up (a timer thread per request would cost
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
            elif self._due[0][2] is attempt:
                self._condition.notify()  # due before the one the thread waits for (else it need not wake up)
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


def _wait_for_answer(sock: Any, seconds: float) -> None:
    """Wait for the first byte of the answer, at most ``seconds``; a socket.timeout (which urllib3 reports as
    a read timeout, like a read) when none came."""
    pending = getattr(sock, "pending", None)  # TLS: data already decrypted
    if not isinstance(sock, socket.socket) or (pending is not None and pending()):
        return  # not a socket selectors knows, or data is there: let the reads wait
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        if not selector.select(seconds):
            raise socket.timeout("timed out")


class _AttemptConnection:
    """Mixed into urllib3's connection classes: works for the attempt of the thread that uses it."""

    timeout: Any  # urllib3 sets the connect, then the read timeout here
    sock: Any
    attempt: Optional[Attempt] = None  # the attempt of the last request sent on this connection

    def connect(self) -> None:
        attempt = current_attempt()
        if attempt is not None and isinstance(self.timeout, (int, float)):
            # Each step of connecting is bounded by the connect timeout; none may last past the attempt.
            self.timeout = max(min(self.timeout, attempt.remaining()), 0.001)
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.attempt = current_attempt()
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def request_chunked(self, *args: Any, **kwargs: Any) -> Any:  # how urllib3 1.26 sends a chunked body
        self.attempt = current_attempt()
        return super().request_chunked(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        attempt = current_attempt()
        if attempt is not None and attempt is self.attempt:
            limit = attempt.remaining()
            if isinstance(self.timeout, (int, float)):
                limit = min(limit, self.timeout)
            _wait_for_answer(self.sock, limit)
            attempt.answering(self)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


_WATCHED: dict[type, type] = {}  # urllib3's connection class -> the same, watched

if urllib3 is not None:
    class WatchedHTTPConnection(_AttemptConnection, urllib3.connection.HTTPConnection):  # type: ignore[misc]
        pass

    class WatchedHTTPSConnection(_AttemptConnection, urllib3.connection.HTTPSConnection):  # type: ignore[misc]
        pass

    _WATCHED.update({urllib3.connection.HTTPConnection: WatchedHTTPConnection,
                     urllib3.connection.HTTPSConnection: WatchedHTTPSConnection})
    try:
        from urllib3.contrib.socks import SOCKSConnection, SOCKSHTTPSConnection
    except ImportError:  # without PySocks, requests refuses socks:// proxies itself
        pass
    else:
        class WatchedSOCKSConnection(_AttemptConnection, SOCKSConnection):  # type: ignore[misc]
            pass

        class WatchedSOCKSHTTPSConnection(_AttemptConnection, SOCKSHTTPSConnection):  # type: ignore[misc]
            pass

        _WATCHED.update({SOCKSConnection: WatchedSOCKSConnection, SOCKSHTTPSConnection: WatchedSOCKSHTTPSConnection})


def watch(pool: Any) -> Any:
    """Makes a urllib3 connection pool (HTTP, HTTPS, through any proxy) create watched connections; ``pool``.

    A pool makes its connections when it needs them, so setting its documented ``ConnectionCls`` before the pool
    is used covers every connection it will have."""
    watched = _WATCHED.get(pool.ConnectionCls)
    if watched is not None:
        pool.ConnectionCls = watched
    return pool
