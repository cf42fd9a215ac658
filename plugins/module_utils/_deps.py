# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guarded imports of third-party libraries, reported clearly when missing."""

from __future__ import annotations

import traceback
from typing import Optional

from ._errors import DependencyError

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - depends on the host
    requests = None
    HTTPAdapter = None
    REQUESTS_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

try:
    import jsonschema
except ImportError:  # pragma: no cover - depends on the host
    jsonschema = None
    JSONSCHEMA_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    JSONSCHEMA_IMPORT_ERROR = None

# library name -> import traceback, for every library the API layer needs.
REQUIRED_LIBRARIES = {
    "requests": REQUESTS_IMPORT_ERROR,
    "jsonschema": JSONSCHEMA_IMPORT_ERROR,
}


def missing_libraries() -> dict[str, str]:
    """Libraries that failed to import, with their import tracebacks."""
    return {name: error for name, error in REQUIRED_LIBRARIES.items() if error}


def require_libraries() -> None:
    """Raise DependencyError for the first missing library (plugins call this)."""
    for name, error in missing_libraries().items():
        raise DependencyError(name, "install it on the Ansible controller (pip install %s)" % name)
