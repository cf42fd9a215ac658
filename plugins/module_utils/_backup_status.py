# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A customer's backup status (``jobStatus`` in the API, the fact ``job_status``): one canonical
name per code, every known spelling of it, and comparison keys. Not to be confused with the run
status of one backup job (_job_codes.RUN_STATUS).

The Elements v3 API sends an integer code, the partner API a name. AvePoint documents only
"Working" for the partner API; its September 2025 draft of the v3 page spelled the others
"Waiting for Configuration", "Multiple Issues Found", "Finished with Exception" and
"No Backup Update". A spelling that differs from a known one only in letter case, white
space, punctuation or word joining (``NoBackupUpdates``, ``no_backup_updates``) maps to the
code and the canonical name. Anything else is unknown: kept verbatim, without a code, and
compared exactly, because nothing tells which status it means.
"""

from __future__ import annotations

import re
from typing import Any, Optional, Union

from ._job_codes import unknown_name

# The canonical names (design.md, the facts' job_status) by v3 code.
BACKUP_STATUS_NAMES: dict[int, str] = {
    0: "N/A",
    1: "Working",
    2: "Failed",
    3: "Waiting for configuration",
    4: "Multiple issues found",
    5: "Finished with exception",
    6: "No backup updates",
}

# Further spellings seen in AvePoint's documents: the noun in singular or plural.
_OTHER_SPELLINGS: dict[int, tuple[str, ...]] = {
    3: ("Waiting for configurations",),
    4: ("Multiple issue found",),
    5: ("Finished with exceptions",),
    6: ("No backup update",),
}

_NOT_LETTERS = re.compile(r"[\W_]+")  # white space, punctuation, underscores
_DIGITS = re.compile(r"\A\s*[0-9]+\s*\Z")


def spelling_key(text: str) -> str:
    """What two spellings of one status share: letters and digits, case-folded."""
    return _NOT_LETTERS.sub("", text.casefold())


_CODES_BY_KEY: dict[str, int] = {
    spelling_key(name): code
    for code, canonical in BACKUP_STATUS_NAMES.items()
    for name in (canonical,) + _OTHER_SPELLINGS.get(code, ())
}


def code_for_name(name: str) -> Optional[int]:
    """The code of a known spelling, or None."""
    return _CODES_BY_KEY.get(spelling_key(name))


def from_code(code: int) -> tuple[str, int]:
    """(name, code) for a v3 code; a code without a name gets 'Unknown (<code>)'."""
    return BACKUP_STATUS_NAMES.get(code, unknown_name(code)), code


def from_name(name: str) -> tuple[str, Optional[int]]:
    """(canonical name, code) for a known spelling; (the name verbatim, None) otherwise."""
    code = code_for_name(name)
    return (name, None) if code is None else (BACKUP_STATUS_NAMES[code], code)


# How a declared or fetched status is compared: by code when it has one, else by the exact text.
StatusKey = Union[int, str]


def declared_key(value: Any) -> Optional[StatusKey]:
    """The comparison key of a declared job_status: a code (int or digits) or any known spelling.

    An unknown name is its own key (compared exactly); None for a value that is neither.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    if _DIGITS.match(value):
        return int(value)
    code = code_for_name(value)
    return value if code is None else code


def actual_key(facts: Any) -> Optional[StatusKey]:
    """The comparison key of a customer's facts: its job_status_code, else the code of a known
    spelling of its job_status (facts given by hand), else its job_status verbatim."""
    code = facts.get("job_status_code")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    name = facts.get("job_status")
    if not isinstance(name, str):
        return None
    known = code_for_name(name)
    return name if known is None else known
