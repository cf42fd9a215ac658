"""The attempt watchdog (module_utils/_watchdog.py): one thread, firing only attempts still running."""

from __future__ import annotations

import time

from ansible_collections.avepoint.graph.plugins.module_utils._watchdog import Watchdog


def test_one_watchdog_thread_fires_only_the_attempts_still_running():
    watchdog = Watchdog()
    finished, running = watchdog.attempt(0.05), watchdog.attempt(0.05)
    finished.finish()
    deadline = time.monotonic() + 5
    while not running.fired and time.monotonic() < deadline:
        time.sleep(0.01)
    watchdog.close()
    assert running.fired and not running.cut  # no response was being read: nothing to cut
    assert not finished.fired
