# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the shared AvePoint Graph API layer, and the callback that shows warnings.

Every message is meant to be shown to the user as is: it names the problem, never contains a
credential (the client redacts known secrets before raising) and is one printable line: it may
quote API text, whose control characters it shows as ``\\uXXXX`` (see _shown.py).
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional, Sequence

# How a warning reaches the user: module.warn, a plugin's display.warning, a list in tests.
Warn = Callable[[str], None]

from ._redaction import redact
from ._shown import printable


class AvePointError(Exception):
    """Base class; ``str(error)`` is safe to display."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.fatal = fatal  # would repeat for every request (credentials, TLS): stop bulk work

    def __str__(self) -> str:
        return self.message

    def redacted(self, secrets: Iterable[str]) -> "AvePointError":
        """Return this error with every known secret value masked in its message, in any spelling (see _redaction)."""
        self.message = redact(self.message, secrets)
        self.args = (self.message,)
        return self


class ConfigurationError(AvePointError):
    """Bad options or input: always raised before any network request."""


class DependencyError(AvePointError):
    """A required Python library is missing on the host running the code."""

    def __init__(self, library: str, detail: str, message: Optional[str] = None) -> None:
        super().__init__(message or "the Python library '%s' is required: %s" % (library, detail))
        self.library = library
        self.detail = detail


class ApiError(AvePointError):
    """The service (or the network in between) answered with an error."""

    def __init__(
        self,
        message: str,
        status: Optional[int] = None,
        server_message: Optional[str] = None,
        request_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        fatal: bool = False,
    ) -> None:
        super().__init__(message, fatal)
        self.status = status
        self.server_message = server_message
        self.request_id = request_id
        self.trace_id = trace_id


class NotFoundError(ApiError):
    """HTTP 404: the customer (or endpoint) does not exist for this app."""


class ContractError(AvePointError):
    """A response does not match the documented API contract."""


MAX_LISTED_FAILURES = 20


class PartialFailureError(ApiError):
    """Some customers of a bulk fetch could not be read; never a partial result."""

    def __init__(
        self,
        failures: Sequence[tuple[str, ApiError]],
        noun: str = "customer(s)",
        failed_ids: Optional[Sequence[str]] = None,
    ) -> None:
        lines = ["%s: %s" % (label, error) for label, error in failures[:MAX_LISTED_FAILURES]]
        if len(failures) > MAX_LISTED_FAILURES:
            # A storm of failures must not make a message of megabytes; failed_ids has them all.
            lines.append("and %d more (every ID is in failed_ids)" % (len(failures) - MAX_LISTED_FAILURES))
        super().__init__(
            "%d %s could not be fetched: %s" % (len(failures), noun, "; ".join(lines)),
            status=getattr(failures[-1][1], "status", None) if failures else None,
        )
        self.failures = list(failures)  # (label, error) per failed item
        # The customer IDs that could not be read (a failed batch names all of its IDs).
        self.failed_ids = list(failed_ids) if failed_ids is not None else [label for label, _error in failures]
