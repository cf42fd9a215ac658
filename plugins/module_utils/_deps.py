# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guarded imports of third-party libraries, reported clearly when missing."""

from __future__ import annotations

import importlib.util
import re
import traceback
from types import ModuleType
from typing import NamedTuple, Optional

from ansible.module_utils.basic import missing_required_lib

from ._errors import DependencyError

# Other modules import the libraries from here, guarded.
__all__ = [
    "HTTPAdapter", "MINIMUM_VERSIONS", "Retry", "outdated", "requests", "urllib3",
    "certificate_libraries", "missing_libraries", "require_libraries",
]

try:
    import requests
    import urllib3  # requests' own dependency: the transport uses its Retry, connections and exceptions
    import urllib3.connection
    import urllib3.exceptions
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:  # pragma: no cover - depends on the host
    requests = urllib3 = None
    HTTPAdapter = Retry = None
    REQUESTS_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

# jsonschema is only looked for here; _schemas imports it on first use: responses that pass the
# fast checks of _schema_fastpath never need it, and importing it costs 100-150 ms in every module
# process.
JSONSCHEMA_IMPORT_ERROR: Optional[str] = None if importlib.util.find_spec("jsonschema") else "No module named 'jsonschema'"

# Only certificate authentication needs cryptography and PyJWT: they are looked for here and imported
# when a certificate credential is loaded (certificate_libraries), which spares every module process
# that authenticates with a client secret about 35 ms.
CERTIFICATE_IMPORTS = {"cryptography": "cryptography", "PyJWT": "jwt"}  # pip name -> import name

# The oldest releases whose public API the transport uses (requests: the adapter's
# get_connection_with_tls_context; urllib3: Retry's allowed_methods and other). Keep in sync with
# meta/ee-requirements.txt and requirements-oldest.txt.
MINIMUM_VERSIONS = {"requests": (2, 32, 3), "urllib3": (1, 26)}


def outdated(name: str, version: str) -> Optional[str]:
    """Why ``version`` of library ``name`` is too old, or None when it is recent enough."""
    found = tuple(int(number) for number in re.findall(r"\d+", version)[:3])
    needed = MINIMUM_VERSIONS[name]
    if found >= needed:
        return None
    return "%s %s is installed, %s or later is needed" % (name, version, ".".join(str(number) for number in needed))


# library name -> import traceback (or why the installed release is too old), for every library the API layer needs.
REQUIRED_LIBRARIES = {
    "requests": REQUESTS_IMPORT_ERROR or (requests and outdated("requests", requests.__version__)),
    "urllib3": urllib3 and outdated("urllib3", urllib3.__version__),
    "jsonschema": JSONSCHEMA_IMPORT_ERROR,
}


# pip name -> why it cannot be imported (None when it can), for the libraries certificate authentication needs.
CERTIFICATE_LIBRARIES = {
    name: None if importlib.util.find_spec(module) else "No module named '%s'" % module for name, module in CERTIFICATE_IMPORTS.items()
}


class CertificateLibraries(NamedTuple):
    """The parts of cryptography and PyJWT that certificate authentication uses."""

    x509: ModuleType
    hashes: ModuleType
    serialization: ModuleType
    rsa: ModuleType
    jwt: ModuleType


def missing_libraries() -> dict[str, str]:
    """Libraries that failed to import, with their import tracebacks."""
    return {name: error for name, error in REQUIRED_LIBRARIES.items() if error}


def require_libraries() -> None:
    """Raise DependencyError for the first missing library (plugins call this)."""
    for name, error in missing_libraries().items():
        if name in MINIMUM_VERSIONS and urllib3 is not None:  # imported, but too old
            needed = ".".join(str(number) for number in MINIMUM_VERSIONS[name])
            raise DependencyError(name, "%s; upgrade it on the Ansible controller (pip install '%s>=%s')" % (error, name, needed))
        raise DependencyError(name, "install it on the Ansible controller (pip install %s)" % name)


def certificate_libraries() -> CertificateLibraries:
    """cryptography and PyJWT, imported on first use; DependencyError (with Ansible's usual wording) when
    certificate authentication cannot work here."""
    reason = "for certificate authentication (certificate_path, private_key_path)"

    def unavailable(name: str) -> DependencyError:
        return DependencyError(name, reason, message=missing_required_lib(name, reason=reason))

    for name, error in CERTIFICATE_LIBRARIES.items():
        if error:
            raise unavailable(name)
    # pylint: disable=import-outside-toplevel
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:  # pragma: no cover - a broken installation
        raise unavailable("cryptography") from None
    try:
        import jwt
    except ImportError:  # pragma: no cover - a broken installation
        raise unavailable("PyJWT") from None
    return CertificateLibraries(x509, hashes, serialization, rsa, jwt)
