"""Thread-safe request counters exposed via Simulator.counters() and /_sim/counters."""
from __future__ import annotations

import threading
from typing import Any


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.token_requests = 0
            self.token_failures = 0
            self.api_requests = 0
            self.by_path: dict[str, int] = {}
            self.by_status: dict[str, int] = {}
            self.connections = 0
            self.faults_injected = 0
            # Peak restarts from what is currently running, not from zero.
            self.max_in_flight = self._in_flight

    def connection(self) -> None:
        with self._lock:
            self.connections += 1

    def token_request(self, ok: bool) -> None:
        with self._lock:
            self.token_requests += 1
            if not ok:
                self.token_failures += 1

    def api_begin(self, route: str) -> None:
        with self._lock:
            self.api_requests += 1
            self.by_path[route] = self.by_path.get(route, 0) + 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def api_end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def status(self, code: str) -> None:
        with self._lock:
            self.by_status[code] = self.by_status.get(code, 0) + 1

    def fault(self, n: int = 1) -> None:
        with self._lock:
            self.faults_injected += n

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "token_requests": self.token_requests,
                "token_failures": self.token_failures,
                "api_requests": self.api_requests,
                "by_path": dict(self.by_path),
                "by_status": dict(self.by_status),
                "connections": self.connections,
                "faults_injected": self.faults_injected,
                "max_in_flight": self.max_in_flight,
                "in_flight": self._in_flight,
            }
