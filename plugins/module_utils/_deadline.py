# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The total time budget of one task (option ``total_timeout``), so a pipeline never hangs.

One :class:`Deadline` per client (a module task, one lookup run, one inventory source) bounds
every attempt, every retry wait and every shared pause of its transport; the clock is injected,
so the logic is tested without waiting.
"""

from __future__ import annotations

import time
from typing import Callable


class Deadline:
    """The moment the budget of ``seconds`` runs out, on a monotonic ``clock``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left (0 once it has run out)."""
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self.remaining() <= 0

    def allows(self, wait: float) -> bool:
        """Whether waiting ``wait`` seconds still leaves time to do something afterwards."""
        return wait < self.remaining()
