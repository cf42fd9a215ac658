"""Third-party libraries (module_utils/_deps.py): an HTTP library too old is named with the release needed; the
certificate libraries are imported only when a certificate credential needs them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils import _deps
from ansible_collections.avepoint.graph.plugins.module_utils._errors import DependencyError


def test_too_old_http_libraries_are_named_with_the_release_needed(monkeypatch):
    assert _deps.outdated("urllib3", "1.25.11") == "urllib3 1.25.11 is installed, 1.26 or later is needed"
    assert _deps.outdated("urllib3", "1.26.0") is None and _deps.outdated("urllib3", "2.8.0") is None
    assert _deps.outdated("requests", "2.32.2") == "requests 2.32.2 is installed, 2.32.3 or later is needed"
    assert _deps.outdated("requests", "2.32.3") is None and _deps.outdated("requests", "2.100.0") is None
    assert "urllib3" not in _deps.missing_libraries()  # this environment's release is supported
    monkeypatch.setitem(_deps.REQUIRED_LIBRARIES, "urllib3", _deps.outdated("urllib3", "1.25.11"))
    with pytest.raises(DependencyError, match=r"^the Python library 'urllib3' is required: urllib3 1.25.11 is installed, 1.26 or "
                                              r"later is needed; upgrade it on the Ansible controller \(pip install 'urllib3>=1.26'\)$"):
        _deps.require_libraries()


def test_cryptography_and_pyjwt_are_imported_only_for_a_certificate_credential():
    # A fresh interpreter: this test process may have imported them for other tests already.
    probe = ("import sys\n"
             "from ansible_collections.avepoint.graph.plugins.module_utils import _client, _deps\n"
             "before = sorted(name for name in ('cryptography', 'jwt') if name in sys.modules)\n"
             "libraries = _deps.certificate_libraries()\n"
             "print(before, libraries.jwt.__name__, libraries.x509.__name__)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "jwt", "cryptography.x509"]
