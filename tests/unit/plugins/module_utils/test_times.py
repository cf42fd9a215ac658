"""Times (module_utils/_times.py) as the AvePoint API writes them: parsed, checked and compared."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._times import (
    age_seconds, format_time, is_placeholder, optional_time, parse_time, resolve_since, time_text)


NOW = datetime(2026, 11, 29, 8, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("2025-09-11T03:21:16Z", "2025-09-11T03:21:16Z"),
    ("2025-09-11T03:21:16.123456789Z", "2025-09-11T03:21:16Z"),
    ("2025-09-11T05:21:16+02:00", "2025-09-11T03:21:16Z"),
    ("2025-09-10T22:21:16-0500", "2025-09-11T03:21:16Z"),
    ("2025-09-11T03:21:16", "2025-09-11T03:21:16Z"),  # no offset: UTC
    ("2025-09-11 03:21", "2025-09-11T03:21:00Z"),
    ("2025-09-11", "2025-09-11T00:00:00Z"),
    (" 2025-09-11T03:21:16z ", "2025-09-11T03:21:16Z"),
])
def test_times_in_one_text_form(text, expected):
    assert format_time(parse_time(text)) == expected


@pytest.mark.parametrize("text", ["11/09/2025 03:21", "2025-13-01", "2025-02-30T00:00:00Z", "2025-09-11T25:00:00Z",
                                  "2025-09-11T03:21:16+25:00", "yesterday", "", "2025-09-11T03:21:16ZZ"])
def test_not_times(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize("value", [None, "N/A", "n/a", " N/A ", ""])
def test_absent_times(value):
    assert optional_time(value) is None


def test_times_sort_as_text():
    earlier, later = format_time(parse_time("2025-09-11T23:59:59+05:00")), format_time(parse_time("2025-09-11T19:00:00Z"))
    assert earlier < later


@pytest.mark.parametrize("value, start", [
    ("48h", NOW - timedelta(hours=48)), ("7d", NOW - timedelta(days=7)), ("PT30M", NOW - timedelta(minutes=30)),
    ("2026-11-28T08:00:00Z", datetime(2026, 11, 28, 8, tzinfo=timezone.utc)),
    ("2026-11-28", datetime(2026, 11, 28, tzinfo=timezone.utc)),
    (" 2026-11-29T10:00+02:00 ", NOW),
])
def test_since(value, start):
    assert resolve_since(value, NOW) == start


@pytest.mark.parametrize("value, reason", [
    ("48", "without a unit"), ("yesterday", "ISO 8601 time"), ("0h", "longer than zero"), ("", "expected a duration"),
    (None, "expected a duration"), ("2026-11-30T00:00:00Z", "in the future"), ("2026-02-30", "not a valid date"),
    ("99999999999d", "too long"),
])
def test_bad_since(value, reason):
    with pytest.raises(ValueError, match=reason):
        resolve_since(value, NOW)


def test_age_of_a_returned_time():
    assert age_seconds("2026-11-26T06:00:00Z", NOW) == 74 * 3600
    assert age_seconds(NOW - timedelta(seconds=5), NOW) == 5


@pytest.mark.parametrize("moment, text", [
    (datetime(999, 6, 1, tzinfo=timezone.utc), "0999-06-01T00:00:00Z"),
    (datetime(1, 1, 1, tzinfo=timezone.utc), "0001-01-01T00:00:00Z"),
    (datetime(2026, 11, 29, 8, 0, 5, 999999, tzinfo=timezone.utc), "2026-11-29T08:00:05Z"),
])
def test_times_always_have_four_digits_of_year(moment, text):
    assert format_time(moment) == text
    assert parse_time(text) == moment.replace(microsecond=0)


@pytest.mark.parametrize("value, placeholder", [
    ("0001-01-01T00:00:00", True), ("9999-12-31T23:59:59.9999999", True), (" 9999-12-31", True),
    ("0999-06-01T00:00:00Z", False), ("2026-11-29T08:00:00Z", False), (None, False), ("N/A", False),
])
def test_placeholders_of_no_time(value, placeholder):
    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize("value", ["2026-11-29T08:00:00Z", "0999-06-01T00:00:00Z", "2026-11-29T08:00:00+01:00", "2026-11-29t08:00:00z",
                                   "2026-11-29", "2026-11-29T08:00:00.123Z", None, "N/A", " n/a "])
def test_time_text_is_the_one_text_form_of_an_api_time(value):
    moment = optional_time(value)
    assert time_text(value) == (format_time(moment) if moment is not None else None)


@pytest.mark.parametrize("value", ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-29T24:00:00Z", "soon"])
def test_time_text_refuses_what_is_no_time(value):
    with pytest.raises(ValueError):
        time_text(value)
