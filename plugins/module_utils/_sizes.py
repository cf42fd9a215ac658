# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data sizes as the AvePoint API writes them (``1.5 GB``, ``0 GB``), to bytes.

AvePoint does not say whether its ``GB`` is 10^9 or 2^30 bytes. The service is a Windows/.NET
product and shows sizes the way Windows and the Microsoft 365 admin centers do, so KB, MB, GB,
TB and PB are read as powers of 1024 (the same as KiB, MiB, GiB...). The service rounds the
number it shows, so the bytes are as precise as that number and no more.
"""

from __future__ import annotations

import re
from typing import Any

_MULTIPLIERS: dict[str, int] = dict(
    {"b": 1, "byte": 1, "bytes": 1},
    **{prefix + suffix: 1024 ** power for power, prefix in enumerate("kmgtp", 1) for suffix in ("b", "ib")}
)

# A comma is refused rather than guessed: "1,5 GB" (a decimal comma) and "1,500 GB" (a
# thousands separator) would differ a thousandfold.
_SIZE = re.compile(r"\A(\d+(?:\.\d+)?)\s*([a-z]+)\Z", re.IGNORECASE)


def parse_size(text: Any) -> int:
    """Bytes in a size such as ``1.5 GB``; ValueError for anything else (including a bare number)."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError("not a size such as 1.5 GB")
    multiplier = _MULTIPLIERS.get(match.group(2).lower())
    if multiplier is None:
        raise ValueError("unknown unit %r" % match.group(2))
    return int(round(float(match.group(1)) * multiplier))
