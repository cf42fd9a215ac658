# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source's state file: the last snapshot whose events were delivered, so a restart
compares with what was seen before the stop instead of taking a new baseline.

It holds customer facts (organization, owner e-mail, country, job status, last success), the
recency state per customer, and the scope it was taken with (API, API URL, customer IDs, rule),
never a credential. It is written atomically (a temporary file in the same directory, then a
rename) with mode 0600, and only when its content changes. A state of another scope (another
API, URL or ID list) would report false changes: it is set aside with a warning and a new
baseline taken; a file that is not such a state at all stops the source at start.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from typing import Any, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time

from ._event_changes import Snapshot

FORMAT = 1
WRITER = "avepoint.graph.customer_events"


class StateFile:
    def __init__(self, path: str, log: logging.Logger) -> None:
        self.path = os.path.abspath(os.path.expanduser(path))
        self.log = log
        self._saved: Optional[str] = None  # the content last written, without its time
        self._failing = False
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            raise ConfigurationError("option 'state_file': the directory %s does not exist" % directory)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ConfigurationError("option 'state_file': the directory %s is not writable" % directory)
        if os.path.isdir(self.path):
            raise ConfigurationError("option 'state_file': %s is a directory, not a file" % self.path)

    def load(self, scope: dict[str, Any], recency: Optional[dict[str, str]]) -> Optional[Snapshot]:
        """The saved snapshot, None when there is none to compare with; ConfigurationError for a file that is no state."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ConfigurationError("option 'state_file': cannot read %s (%s)" % (self.path, error.strerror)) from None
        data = self._parsed(text)
        if data["scope"] != scope:
            self.log.warning("the state file %s was written for another scope (%s, now %s): its customers are not compared, "
                             "the first poll takes a new baseline", self.path, _shown(data["scope"]), _shown(scope))
            return None
        snapshot = Snapshot()
        for entry in data["customers"]:
            facts = entry["facts"]
            snapshot.customers[facts["id"]] = facts
            if entry.get("stale"):
                snapshot.stale[facts["id"]] = entry["stale"]
        if data.get("recency") != recency:
            # Stale states under another rule are no baseline: the recency kinds start again from the next poll.
            self.log.warning("the state file %s was written with last_successful_backup_within %s, now %s: backup_stale and "
                             "backup_recovered start from a new baseline", self.path, _shown(data.get("recency")), _shown(recency))
            snapshot.stale = {}
        self._saved = _content(snapshot, scope, recency)
        return snapshot

    def save(self, snapshot: Snapshot, scope: dict[str, Any], recency: Optional[dict[str, str]], at: datetime) -> None:
        """Write ``snapshot`` when it differs from the content last written; a failure is logged (once until it works again)."""
        content = _content(snapshot, scope, recency)
        if content == self._saved:
            return
        document = json.loads(content)
        document["saved_at"] = format_time(at)
        try:
            self._write(json.dumps(document, indent=1, sort_keys=True) + "\n")
        except OSError as error:
            if not self._failing:
                self.log.error("cannot write the state file %s (%s): a restart may report changes again", self.path, error)
            self._failing = True
            return
        if self._failing:
            self.log.warning("the state file %s is written again", self.path)
        self._failing = False
        self._saved = content

    def _write(self, text: str) -> None:
        directory, name = os.path.split(self.path)
        handle, temporary = tempfile.mkstemp(prefix=".%s." % name, suffix=".tmp", dir=directory)  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def _parsed(self, text: str) -> dict[str, Any]:
        problem = ConfigurationError("option 'state_file': %s is not a state file of %s (format %d); remove it (or choose another "
                                     "path) to start with a new baseline" % (self.path, WRITER, FORMAT))
        try:
            data = json.loads(text)
        except ValueError:
            raise problem from None
        if not isinstance(data, dict) or data.get("written_by") != WRITER or data.get("format") != FORMAT:
            raise problem
        customers = data.get("customers")
        if not isinstance(data.get("scope"), dict) or not isinstance(customers, list):
            raise problem
        for entry in customers:
            if not (isinstance(entry, dict) and isinstance(entry.get("facts"), dict) and isinstance(entry["facts"].get("id"), str)
                    and isinstance(entry.get("stale", {}), dict)):
                raise problem
        return data


def _content(snapshot: Snapshot, scope: dict[str, Any], recency: Optional[dict[str, str]]) -> str:
    customers = []
    for customer_id, facts in snapshot.customers.items():
        entry: dict[str, Any] = {"facts": facts}
        if customer_id in snapshot.stale:
            entry["stale"] = snapshot.stale[customer_id]
        customers.append(entry)
    return json.dumps({"format": FORMAT, "written_by": WRITER, "scope": scope, "recency": recency, "customers": customers},
                      sort_keys=True)


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
