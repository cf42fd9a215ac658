# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A short-lived, in-process cache of lookup results.

Ansible templates a lookup again every time a variable that uses it is read (``vars:``,
``when:``, ``loop:``...), so one task can run the same lookup several times. The cache
answers those repeats from memory for ``cache_ttl`` seconds. It lives in the memory of
the process that runs the lookup only (never on disk), keyed by the requester identity
(a one-way digest of the URLs, API, scope, client ID and every credential, see
``module_utils._identity``) and the customer ID.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any, Callable, Iterable, Optional


class _Entry:
    __slots__ = ("facts", "expires_at")

    def __init__(self, facts: Optional[dict[str, Any]], expires_at: float) -> None:
        self.facts = facts  # None: the service does not know this customer
        self.expires_at = expires_at


class LookupCache:
    """Customer facts (or "not found") by connection and customer ID, each for a limited time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], _Entry] = {}

    def fresh(self, connection: str, ids: Iterable[str]) -> dict[str, Optional[dict[str, Any]]]:
        """The still-valid entries among ``ids``: ID -> facts (a copy), or None when not found."""
        now = self._clock()
        found: dict[str, Optional[dict[str, Any]]] = {}
        with self._lock:
            for customer_id in ids:
                entry = self._entries.get((connection, customer_id))
                if entry is None:
                    continue
                if now >= entry.expires_at:
                    del self._entries[(connection, customer_id)]
                    continue
                found[customer_id] = copy.deepcopy(entry.facts)
        return found

    def store(self, connection: str, results: dict[str, Optional[dict[str, Any]]], ttl: float) -> None:
        """Remember ``results`` (ID -> facts, or None when not found) for ``ttl`` seconds."""
        if ttl <= 0:
            return
        now = self._clock()
        expires_at = now + ttl
        with self._lock:
            self._drop_expired(now)
            for customer_id, facts in results.items():
                self._entries[(connection, customer_id)] = _Entry(copy.deepcopy(facts), expires_at)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _drop_expired(self, now: float) -> None:
        for key in [key for key, entry in self._entries.items() if now >= entry.expires_at]:
            del self._entries[key]


# One cache per process: every instance of the lookup plugin shares it.
RESULTS = LookupCache()
