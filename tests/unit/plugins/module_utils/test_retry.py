"""Retry policy (module_utils/_retry.py): backoff, Retry-After and the pause every worker shares."""

from __future__ import annotations

import email.utils
import time

from ansible_collections.avepoint.graph.plugins.module_utils._retry import RetryPolicy, Throttle, parse_retry_after


def test_backoff_is_exponential_capped_and_jittered():
    policy = RetryPolicy(retries=10, base=0.5, cap=4.0)
    delays = [policy.delay(attempt, None) for attempt in range(8)]
    assert all(0.25 <= d <= 4.0 for d in delays)
    assert max(delays[5:]) <= 4.0 and min(delays[5:]) >= 2.0


def test_parse_retry_after():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after(later) <= 31


def test_throttle_pauses_every_worker():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(sleep=sleep, clock=lambda: now[0])
    throttle.pause(3)
    throttle.pause(1)  # a shorter pause never shortens a longer one
    throttle.wait()
    throttle.wait()
    assert slept == [3.0]
