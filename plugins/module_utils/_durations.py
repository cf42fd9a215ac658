# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Durations as people and the AvePoint API write them, to seconds and back.

Accepted forms: unit sequences (``48h``, ``7d``, ``1d12h``, ``17m39s``, ``0 S``, ``2 days``),
ISO 8601 durations (``PT48H``, ``P7D``) and .NET TimeSpan text (``01:02:03``, ``1.02:03:04``).
A bare number is rejected: its unit would be a guess.
"""

from __future__ import annotations

import re
from typing import Any, Optional

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY

# Unit spellings (lowercase) and their length in seconds. "m" is minutes, never months.
_UNIT_NAMES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("w", "wk", "wks", "week", "weeks"), WEEK),
    (("d", "day", "days"), DAY),
    (("h", "hr", "hrs", "hour", "hours"), HOUR),
    (("m", "min", "mins", "minute", "minutes"), MINUTE),
    (("s", "sec", "secs", "second", "seconds"), 1),
    (("ms", "msec", "millisecond", "milliseconds"), 0.001),
)
UNITS: dict[str, float] = {name: seconds for names, seconds in _UNIT_NAMES for name in names}

_NUMBER = r"\d+(?:\.\d+)?"
_UNIT_SEQUENCE = re.compile(r"\A\s*(?:%s\s*[a-z]+\s*)+\Z" % _NUMBER, re.IGNORECASE)
_UNIT_PART = re.compile(r"(%s)\s*([a-z]+)" % _NUMBER, re.IGNORECASE)
_ISO = re.compile(
    r"\AP(?:(?P<w>%(n)s)W)?(?:(?P<d>%(n)s)D)?(?:T(?:(?P<h>%(n)s)H)?(?:(?P<m>%(n)s)M)?(?:(?P<s>%(n)s)S)?)?\Z" % {"n": _NUMBER},
    re.IGNORECASE,
)
_TIMESPAN = re.compile(r"\A(?:(?P<d>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)\Z")

EXAMPLES = "48h, 7d, 1d12h or PT48H"


def parse_duration(text: Any) -> float:
    """Seconds in a duration; ValueError (with a short reason) for anything else."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    value = text.strip()
    if not value:
        raise ValueError("empty")
    for parse in (_iso_duration, _timespan, _unit_sequence):
        seconds = parse(value)
        if seconds is not None:
            return seconds
    if re.match(r"\A%s\Z" % _NUMBER, value):
        raise ValueError("a number without a unit (write for example %sh or %sd)" % (value, value))
    raise ValueError("not a duration such as %s" % EXAMPLES)


def _iso_duration(value: str) -> Optional[float]:
    match = _ISO.match(value)
    if not match or value.upper() in ("P", "PT") or value.upper().endswith("T"):
        return None
    parts = match.groupdict()
    return sum(float(parts[key]) * UNITS[key] for key in ("w", "d", "h", "m", "s") if parts[key] is not None)


def _timespan(value: str) -> Optional[float]:
    match = _TIMESPAN.match(value)
    if not match:
        return None
    days = int(match.group("d") or 0)
    hours, minutes, seconds = int(match.group("h")), int(match.group("m")), float(match.group("s"))
    if (hours > 23 and match.group("d") is not None) or minutes > 59 or seconds >= 60:
        raise ValueError("not a valid hh:mm:ss time span")
    return days * DAY + hours * HOUR + minutes * MINUTE + seconds


def _unit_sequence(value: str) -> Optional[float]:
    if not _UNIT_SEQUENCE.match(value):
        return None
    total = 0.0
    seen: set[float] = set()
    for number, unit in _UNIT_PART.findall(value):
        seconds = UNITS.get(unit.lower())
        if seconds is None:
            raise ValueError("unknown unit %r (use w, d, h, m, s or ms)" % unit)
        if seconds in seen:
            raise ValueError("the unit %r appears twice" % unit)
        seen.add(seconds)
        total += float(number) * seconds
    return total


def format_age(seconds: float) -> str:
    """A compact, rounded-down age for reports: ``45s``, ``12m``, ``74h``, ``9d``."""
    seconds = max(0.0, seconds)
    if seconds < MINUTE:
        return "%ds" % seconds
    if seconds < HOUR:
        return "%dm" % (seconds // MINUTE)
    if seconds < WEEK:
        return "%dh" % (seconds // HOUR)
    return "%dd" % (seconds // DAY)
