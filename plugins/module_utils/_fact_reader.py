# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning validated API objects into customer facts, for both backends.

One place reads jobStatus (an integer code from the Elements v3 API, a name from the partner
API, see _job_status.py) and cleans API text. What it cannot read cleanly it still returns
(an unknown status verbatim, a lone UTF-16 surrogate replaced by U+FFFD) and reports in one
warning per kind when the backend calls ``report()`` at the end of a fetch. The warning texts
do not depend on the order of customers, so Ansible shows an identical one only once per run.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Optional

from ._customers import customer_facts
from ._job_status import JOB_STATUS_NAMES, from_code, from_name
from ._printable import printable

Warn = Callable[[str], None]

# A UTF-16 surrogate that JSON can carry as an escape ("\ud800") but no UTF-8 text can hold:
# left in, it makes the module's JSON output and every report fail. A valid pair arrives from
# json.loads already combined into one character, so any surrogate left is a lone one.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_MAX_NAMED = 10  # customers named in one warning


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD, and how many were replaced."""
    return _SURROGATE.subn(REPLACEMENT, text)


class FactReader:
    """Builds customer facts; thread-safe (batches run in worker threads)."""

    def __init__(self, warn: Warn) -> None:
        self._warn = warn
        self._lock = threading.Lock()
        self._unknown_codes: dict[int, int] = {}  # value -> customers seen with it since the last report
        self._unknown_names: dict[str, int] = {}
        self._bad_text: dict[str, list[str]] = {}  # customer ID -> fields with lone surrogates
        self._reported: set[Any] = set()  # unknown statuses already warned about by this reader

    def facts(self, customer_id: str, organization: Optional[str], owner_email: Optional[str], job_status: Any,
              country_or_region: Optional[str], **extra: Any) -> dict[str, Any]:
        """Customer facts with the status named and every string made valid Unicode."""
        name, code = self.job_status(job_status)
        facts = customer_facts(customer_id, organization, owner_email, name, code, country_or_region, **extra)
        return self._cleaned(facts)

    def job_status(self, value: Any) -> tuple[Optional[str], Optional[int]]:
        """(name, code) for a jobStatus of either API; unknown values are counted for the warning."""
        if value is None:
            return None, None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())  # a v3 code sent as a string ("1")
        if isinstance(value, int) and not isinstance(value, bool):
            if value not in JOB_STATUS_NAMES:
                self._count(self._unknown_codes, value)
            return from_code(value)
        name, known = from_name(value if isinstance(value, str) else str(value))
        if known is None:
            self._count(self._unknown_names, name)  # the warning shows it printable, surrogates and all
        return name, known

    def report(self) -> None:
        """One warning per kind of problem seen since the last report (statuses: only new ones)."""
        with self._lock:
            codes = {k: v for k, v in self._unknown_codes.items() if ("code", k) not in self._reported}
            names = {k: v for k, v in self._unknown_names.items() if ("name", k) not in self._reported}
            self._reported.update(("code", k) for k in self._unknown_codes)
            self._reported.update(("name", k) for k in self._unknown_names)
            bad_text = dict(self._bad_text)
            self._unknown_codes.clear()
            self._unknown_names.clear()
            self._bad_text.clear()
        if codes:
            seen = ", ".join("%d (%d customer(s))" % (code, codes[code]) for code in sorted(codes))
            self._warn(
                "the elements API returned jobStatus code(s) this collection does not know: %s. They are returned as "
                "job_status 'Unknown (<code>)' with job_status_code set to the code; a newer avepoint.graph may name them" % seen
            )
        if names:
            seen = ", ".join("'%s' (%d customer(s))" % (printable(name), names[name]) for name in sorted(names))
            self._warn(
                "the API returned jobStatus name(s) this collection does not know: %s. They are returned verbatim as "
                "job_status with job_status_code null and compared exactly (character for character) by the "
                "compliance filters; a newer avepoint.graph may map them" % seen
            )
        if bad_text:
            ids = sorted(bad_text)
            shown = ", ".join("%s (%s)" % (cid, ", ".join(sorted(set(bad_text[cid])))) for cid in ids[:_MAX_NAMED])
            more = "" if len(ids) <= _MAX_NAMED else " and %d more" % (len(ids) - _MAX_NAMED)
            self._warn(
                "the API returned text that is not valid Unicode (a lone UTF-16 surrogate) for customer(s) %s%s; "
                "each such character was replaced by U+FFFD" % (shown, more)
            )

    def _count(self, counts: dict[Any, int], value: Any) -> None:
        with self._lock:
            counts[value] = counts.get(value, 0) + 1

    def _cleaned(self, value: Any, customer_id: Optional[str] = None, field: str = "") -> Any:
        """A copy of facts with every lone surrogate replaced, noting where (IDs are GUIDs: never affected)."""
        if isinstance(value, dict):
            owner = customer_id or value.get("id")
            return {key: self._cleaned(item, owner, "%s.%s" % (field, key) if field else key) for key, item in value.items()}
        if isinstance(value, list):
            return [self._cleaned(item, customer_id, field) for item in value]
        if isinstance(value, str):
            return self._clean_text(value, customer_id, field)
        return value

    def _clean_text(self, text: str, customer_id: Optional[str], field: str) -> str:
        cleaned, count = replace_lone_surrogates(text)
        if count and customer_id is not None:
            with self._lock:
                self._bad_text.setdefault(customer_id, []).append(field)
        return cleaned
