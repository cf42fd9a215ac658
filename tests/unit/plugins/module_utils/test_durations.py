"""Durations (module_utils/_durations.py) as users write them, and ages as reports show them."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._durations import format_age, parse_duration


@pytest.mark.parametrize("text, seconds", [
    ("48h", 48 * 3600), ("7d", 7 * 86400), ("1d12h", 36 * 3600), ("30m", 1800), ("2w", 14 * 86400),
    ("17m39s", 1059), ("2m33s", 153), ("38s", 38), ("0 S", 0), ("1h2m5s", 3725), ("1.5h", 5400),
    ("2 days", 2 * 86400), ("3 Hours 10 MIN", 3 * 3600 + 600), ("250ms", 0.25),
    ("PT48H", 48 * 3600), ("P7D", 7 * 86400), ("P1DT12H", 36 * 3600), ("PT17M39S", 1059), ("p2w", 14 * 86400),
    ("00:17:39", 1059), ("1.02:03:04", 86400 + 7384), ("12:00:00.5", 43200.5),
])
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text, reason", [
    ("48", "without a unit"), ("", "empty"), ("   ", "empty"), ("yesterday", "not a duration"), ("48x", "unknown unit"),
    ("1h1h", "twice"), ("-5h", "not a duration"), ("P", "not a duration"), ("PT", "not a duration"),
    ("1 month", "unknown unit"), ("25:61:00", "hh:mm:ss"), ("1.24:00:00", "hh:mm:ss"), ("h", "not a duration"),
])
def test_not_durations(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


def test_a_duration_must_be_text():
    with pytest.raises(ValueError, match="not a string"):
        parse_duration(48)


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (59.9, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (74 * 3600 + 59, "74h"), (7 * 86400 - 1, "167h"),
    (7 * 86400, "7d"), (30 * 86400 + 5, "30d"), (-5, "0s"),
])
def test_ages_for_reports(seconds, text):
    assert format_age(seconds) == text
