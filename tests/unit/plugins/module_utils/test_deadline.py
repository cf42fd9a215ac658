"""The task deadline (module_utils/_deadline.py): it counts down on the clock it is given."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.module_utils._deadline import Deadline

from fakes import Clock


def test_a_deadline_counts_down_on_its_clock():
    clock = Clock()
    deadline = Deadline(30, clock)
    assert deadline.remaining() == 30 and deadline.allows(29.9) and not deadline.allows(30)
    clock.now += 31
    assert deadline.remaining() == 0 and deadline.expired()
