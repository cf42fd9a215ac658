# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values an API sent that this collection cannot interpret, reported once instead of per item.

The facts keep such a value (a name as sent, ``Unknown (<code>)``, U+FFFD for a lone surrogate)
or leave it null; the normalisers note it here, from any worker thread, and the client reports
at the end of each read: one warning per kind of value, listing each value once with how many
items carried it, and never a value warned about before by the same client. The warning texts do
not depend on the order items arrived in, so Ansible shows an identical one only once per run.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Hashable, Optional, Set, Tuple

from ._errors import Warn
from ._shown import printable


@dataclass(frozen=True)
class Kind:
    """One kind of value that can be unknown, and the warning that reports it.

    ``message`` has one ``%s`` for the listed values; ``shown(value, count, details)`` writes one
    of them; at most ``limit`` are listed (0: all), ordered by ``order(value)``.
    """

    name: str
    message: str
    shown: Callable[[Any, int, Tuple[str, ...]], str]
    order: Callable[[Any], Any] = str
    limit: int = 0


class UnknownValues:
    """Thread-safe: normalisers run in the client's worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Dict[Kind, Dict[Hashable, Tuple[int, Set[str]]]] = {}
        self._reported: Set[Tuple[str, Hashable]] = set()

    def note(self, kind: Kind, value: Hashable, detail: Optional[str] = None) -> None:
        """Count one item carrying ``value``; ``detail`` (e.g. the field) is listed with it."""
        with self._lock:
            values = self._pending.setdefault(kind, {})
            count, details = values.get(value, (0, set()))
            if detail is not None:
                details.add(detail)
            values[value] = (count + 1, details)

    def report(self, warn: Warn) -> None:
        """One warning per kind for the values noted since the last report and never reported before."""
        with self._lock:
            fresh = {
                kind: {value: seen for value, seen in values.items() if (kind.name, value) not in self._reported}
                for kind, values in self._pending.items()
            }
            self._reported.update((kind.name, value) for kind, values in self._pending.items() for value in values)
            self._pending.clear()
        for kind in sorted(fresh, key=lambda kind: kind.name):
            values = fresh[kind]
            if values:
                warn(printable(kind.message % _listing(kind, values)))  # the values are API text


def _listing(kind: Kind, values: Dict[Hashable, Tuple[int, Set[str]]]) -> str:
    ordered = sorted(values, key=kind.order)
    shown = ordered[:kind.limit] if kind.limit else ordered
    text = ", ".join(kind.shown(value, values[value][0], tuple(sorted(values[value][1]))) for value in shown)
    if len(ordered) > len(shown):
        text += " and %d more" % (len(ordered) - len(shown))
    return text


# A UTF-16 surrogate that JSON can carry as an escape ("\ud800") but no UTF-8 text can hold:
# left in, it makes the module's JSON output and every report fail. A valid pair arrives from
# json.loads already combined into one character, so any surrogate left is a lone one.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def replace_lone_surrogates(text: str) -> Tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD, and how many were replaced."""
    return _SURROGATE.subn(REPLACEMENT, text)


def cleaned_text(value: Any, notes: UnknownValues, kind: Kind, owner: Optional[str]) -> Any:
    """``value`` (facts: dicts, lists, strings) with every lone surrogate replaced, each noted under ``owner``
    (the item's ID) with the field it was in; ``value`` itself when it holds none (the usual case, told at C speed:
    UTF-8 cannot encode a lone surrogate)."""
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _cleaned(value, notes, kind, owner, "")


def _cleaned(value: Any, notes: UnknownValues, kind: Kind, owner: Optional[str], field: str) -> Any:
    if isinstance(value, dict):
        return {key: _cleaned(item, notes, kind, owner, "%s.%s" % (field, key) if field else key) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item, notes, kind, owner, field) for item in value]
    if isinstance(value, str):
        text, count = replace_lone_surrogates(value)
        if count and owner is not None:
            notes.note(kind, owner, field)
        return text
    return value


def bad_text_kind(noun: str) -> Kind:
    """The kind of a lone surrogate in the text of items that are ``noun`` (``customer``, ``job``)."""
    return Kind(
        "bad_text_%s" % noun,
        "the API returned text that is not valid Unicode (a lone UTF-16 surrogate) for %s(s) %%s; "
        "each such character was replaced by U+FFFD" % noun,
        shown=lambda owner, _count, fields: "%s (%s)" % (owner, ", ".join(fields)),
        limit=10,
    )
