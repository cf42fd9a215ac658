# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Points in time: ISO 8601 text in, timezone-aware UTC datetimes inside, one text form out.

Every time this collection returns is ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds), so such
strings sort and compare correctly as plain text, in Jinja as well as in Python. A time
written without a UTC offset is taken as UTC: AvePoint documents its times in UTC (``Z``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from ._durations import EXAMPLES as DURATION_EXAMPLES, parse_duration

UTC = timezone.utc

# What the API writes for a time that does not exist (a job that never started or ended).
ABSENT = frozenset(("", "n/a"))

_ISO_TIME = re.compile(
    r"\A(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?\Z"
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(text: Any) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime; ValueError for anything else."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    match = _ISO_TIME.match(text.strip())
    if not match:
        raise ValueError("not an ISO 8601 time")
    date = match.group("date")
    try:
        # The constructor checks the ranges as strptime would, several times faster (jobs have three times each).
        moment = datetime(
            int(date[0:4]), int(date[5:7]), int(date[8:10]),
            int(match.group("hour") or 0), int(match.group("minute") or 0), int(match.group("second") or 0),
            int((match.group("fraction") or "0")[:6].ljust(6, "0")), tzinfo=_zone(match.group("zone")),
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise ValueError("not a valid date or time (%s)" % error) from None


def _zone(text: Optional[str]) -> timezone:
    if not text or text in ("Z", "z"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("UTC offset %s out of range" % text)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def optional_time(value: Any) -> Optional[datetime]:
    """A time from an API field: None for null and the API's "N/A"; ValueError for other non-times."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ABSENT):
        return None
    return parse_time(value)


_CANONICAL = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def time_text(value: Any) -> Optional[str]:
    """An API time in the one text form (None for null and "N/A"); ValueError for other non-times. A time the API
    already writes in that form (the usual case: jobs carry three each) is only checked, not parsed and written again."""
    if isinstance(value, str) and _CANONICAL.match(value):
        try:
            datetime(int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), int(value[14:16]), int(value[17:19]))
        except ValueError as error:
            raise ValueError("not a valid date or time (%s)" % error) from None
        return value
    moment = optional_time(value)
    return format_time(moment) if moment is not None else None


def format_time(moment: datetime) -> str:
    """The one text form of a time: ``2026-11-29T08:00:00Z``, always with four digits of year, so that
    times sort as text (strftime writes the year 999 as ``999``, which would sort after 2026)."""
    utc = moment.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


# .NET's DateTime.MinValue and MaxValue: what a .NET service writes for "no date". Their local
# dates, whatever the offset or fraction that follows (9999-12-31T23:59:59.9999999).
PLACEHOLDER_DATES = ("0001-01-01", "9999-12-31")


def is_placeholder(value: Any) -> bool:
    """Whether an API time is a placeholder for "no time" (PLACEHOLDER_DATES) rather than a time."""
    return isinstance(value, str) and value.strip()[:10] in PLACEHOLDER_DATES


def resolve_since(value: Any, now: datetime) -> datetime:
    """The start of a time window: ``now`` minus a duration (``48h``, ``7d``) or an ISO 8601 time.

    ValueError (naming the accepted forms) for anything else, a window that is empty or starts
    in the future.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a duration such as %s, or an ISO 8601 time" % DURATION_EXAMPLES)
    text = value.strip()
    if _ISO_TIME.match(text):
        start = parse_time(text)
        if start > now:
            raise ValueError("the time %s is in the future" % format_time(start))
        return start
    try:
        seconds = parse_duration(text)
    except ValueError as error:
        raise ValueError("%s; expected a duration such as %s, or an ISO 8601 time such as 2026-11-29T08:00:00Z"
                         % (error, DURATION_EXAMPLES)) from None
    if seconds <= 0:
        raise ValueError("the duration must be longer than zero")
    try:
        return now - timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError("the duration is too long") from None


def age_seconds(moment: Any, now: datetime) -> float:
    """Seconds from ``moment`` (a datetime or a time text this collection returned) to ``now``."""
    when = moment if isinstance(moment, datetime) else parse_time(moment)
    return (now - when).total_seconds()
