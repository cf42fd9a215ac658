# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who is asking, and where: the one identity every cache keys on.

The token cache, the lookup's result cache and the inventory cache must never answer one
caller with what another caller obtained; so they all key on :func:`requester_identity`,
a one-way digest of the options that decide which credential is used where. Certificate
credentials count by the content of their files too, so a replaced, different or unreadable
certificate or key never matches what an earlier one obtained.
"""

from __future__ import annotations

import hashlib
import json
from typing import Optional

from ._options import ConnectionSettings

# The settings that identify the caller and the service; transport tuning (timeouts, retries,
# TLS checks, proxy, concurrency) changes how the answer travels, not what it is.
IDENTITY_OPTIONS = (
    "cloud", "api", "api_url", "token_url", "scope", "client_id",
    "client_secret", "access_token", "certificate_path", "private_key_path", "private_key_passphrase",
)
_FILE_OPTIONS = ("certificate_path", "private_key_path")
_MAX_FILE_BYTES = 1024 * 1024  # PEM files are a few KiB; the credential loader refuses anything odd


def requester_identity(settings: ConnectionSettings) -> str:
    """A SHA-256 hex digest of who is asking (every credential) and where (cloud, URLs, API, scope)."""
    parts = {name: getattr(settings, name) for name in IDENTITY_OPTIONS}
    for name in _FILE_OPTIONS:
        parts[name + ":content"] = _file_digest(getattr(settings, name))
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def _file_digest(path: Optional[str]) -> Optional[str]:
    """The SHA-256 of a credential file's content; an unreadable file gets a value no content has."""
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read(_MAX_FILE_BYTES)).hexdigest()
    except OSError as error:
        return "unreadable: %s" % (error.strerror or type(error).__name__)
