"""Unit tests import the collection as ansible_collections.avepoint.graph."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils import _auth


@pytest.fixture(autouse=True)
def fresh_token_cache():
    """Tokens are cached per process; each test starts without one."""
    _auth.clear_token_cache()
    yield
    _auth.clear_token_cache()
