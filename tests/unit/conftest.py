"""Unit tests import the collection as ansible_collections.avepoint.graph."""

from __future__ import annotations

import os

import pytest
from ansible import constants as C

from ansible_collections.avepoint.graph.plugins.module_utils import _auth


@pytest.fixture(autouse=True)
def fresh_token_cache(monkeypatch):
    """Tokens are cached per process; each test starts without one."""
    monkeypatch.setattr(_auth, "_cache", {})


@pytest.fixture
def ini_file(tmp_path, monkeypatch):
    """Point Ansible's already-loaded configuration at an ansible.cfg written by the test."""
    path = tmp_path / "ansible.cfg"

    def write(**settings):
        path.write_text("[avepoint_graph]\n" + "".join("%s = %s\n" % item for item in settings.items()))
        monkeypatch.setattr(C.config, "_config_file", str(path))
        C.config._parsers.pop(str(path), None)  # pylint: disable=protected-access

    yield write
    C.config._parsers.pop(str(path), None)  # pylint: disable=protected-access


@pytest.fixture
def clean_env(monkeypatch):
    """No AVEPOINT_* variable of the calling shell reaches the test."""
    for name in [name for name in os.environ if name.startswith("AVEPOINT_")]:
        monkeypatch.delenv(name)
    return monkeypatch
