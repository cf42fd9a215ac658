"""Root pytest configuration: makes the checkout usable as the avepoint.graph collection.

Loaded before any conftest.py below tests/, so everything here is in place when test
modules import ``ansible_collections.avepoint.graph...`` or start ansible-playbook.

* The environment of scripts/checkout_env.py, which scripts/env.sh gives shells too: the
  checkout as the collection for child Ansible processes, isolated from the user's Ansible
  configuration. ANSIBLE_HOME is a temp dir per session, shared by pytest-xdist workers.
* In this process: ``.build/collections`` and ``simulator/`` first on ``sys.path``, and
  Ansible's collection loader serving ``ansible_collections.*`` imports.

benchmarks/run.py loads this file for the same environment.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load_checkout_env():
    """scripts/checkout_env.py as a module (scripts/ is no package and stays off sys.path)."""
    spec = importlib.util.spec_from_file_location("checkout_env", REPO / "scripts" / "checkout_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checkout_env = load_checkout_env()


def configure_environment() -> None:
    """Set the environment for this process and its children, and this process's import path."""
    # xdist workers inherit the controller's environment: reuse its ANSIBLE_HOME
    if not os.environ.get("AVEPOINT_TEST_ANSIBLE_HOME"):
        home = tempfile.mkdtemp(prefix="avepoint-graph-ansible-home-")
        atexit.register(shutil.rmtree, home, True)
        os.environ["AVEPOINT_TEST_ANSIBLE_HOME"] = home
    checkout_env.apply(os.environ["AVEPOINT_TEST_ANSIBLE_HOME"])
    for entry in (str(checkout_env.SIMULATOR_DIR), str(checkout_env.COLLECTIONS_ROOT)):
        if entry not in sys.path:
            sys.path.insert(0, entry)


def install_collection_loader() -> None:
    """Let Ansible's collection finder serve ``ansible_collections.*`` imports, as ansible-test does.

    Without it the package still imports as a plain namespace package from .build/collections
    (set AVEPOINT_TEST_NO_COLLECTION_LOADER=1 to compare).
    """
    if os.environ.get("AVEPOINT_TEST_NO_COLLECTION_LOADER") == "1":
        return
    try:
        # pylint: disable=import-outside-toplevel
        from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    except ImportError:  # pragma: no cover - ansible-core missing; tests will say so
        return
    if any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path):
        return
    finder = _AnsibleCollectionFinder(paths=[str(checkout_env.COLLECTIONS_ROOT)])
    finder._install()  # pylint: disable=protected-access


configure_environment()
install_collection_loader()
