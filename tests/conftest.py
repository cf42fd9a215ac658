"""Root pytest configuration: makes the checkout usable as the avepoint.graph collection.

Loaded before any conftest.py below tests/, so everything here is in place when test
modules import ``ansible_collections.avepoint.graph...`` or start ansible-playbook.

* ``.build/collections/ansible_collections/avepoint/graph`` is a (relative) symlink to the
  repository root, created when missing; ``.build/collections`` goes first on ``sys.path``
  and into ANSIBLE_COLLECTIONS_PATH, so in-process imports and child ansible processes
  resolve ``avepoint.graph`` to this checkout without installing it.
* Ansible is isolated from the user's configuration: ANSIBLE_HOME is a per-session temp
  dir, colour/retry files/noisy warnings are off, ANSIBLE_CONFIG points to an empty file
  unless the caller set one.
* ``simulator/`` is on ``sys.path`` and PYTHONPATH (``import avepoint_simulator``).

scripts/env.sh does the same for shells (make demo, manual runs).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = REPO / ".build" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "avepoint" / "graph"
SIMULATOR_DIR = REPO / "simulator"


def ensure_collection_link() -> None:
    """Create .build/collections/ansible_collections/avepoint/graph -> ../../../.. if missing."""
    if COLLECTION_LINK.is_symlink() and COLLECTION_LINK.resolve() == REPO:
        return
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
    tmp = COLLECTION_LINK.with_name(f".graph.{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.join("..", "..", "..", ".."), tmp)
    os.replace(tmp, COLLECTION_LINK)  # atomic, safe with pytest-xdist workers


def _prepend_env_path(name: str, value: str) -> None:
    parts = [p for p in os.environ.get(name, "").split(os.pathsep) if p and p != value]
    os.environ[name] = os.pathsep.join([value] + parts)


def configure_environment() -> None:
    """Set the Ansible/simulator environment for this process and its children."""
    ensure_collection_link()

    # xdist workers inherit the controller's environment: reuse its ANSIBLE_HOME
    if not os.environ.get("AVEPOINT_TEST_ANSIBLE_HOME"):
        home = tempfile.mkdtemp(prefix="avepoint-graph-ansible-home-")
        atexit.register(shutil.rmtree, home, True)
        os.environ["AVEPOINT_TEST_ANSIBLE_HOME"] = home
    ansible_home = os.environ["AVEPOINT_TEST_ANSIBLE_HOME"]

    os.environ.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_ROOT),
        "ANSIBLE_HOME": ansible_home,
        "ANSIBLE_LOCAL_TEMP": os.path.join(ansible_home, "tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_DEPRECATION_WARNINGS": os.environ.get("ANSIBLE_DEPRECATION_WARNINGS", "True"),
        "ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH": "ignore",
    })
    if "ANSIBLE_CONFIG" not in os.environ:
        # an empty file: ansible-core 2.19 refuses /dev/null (no .cfg extension)
        empty_cfg = os.path.join(ansible_home, "ansible.cfg")
        open(empty_cfg, "a").close()
        os.environ["ANSIBLE_CONFIG"] = empty_cfg
    # a stale collections path from the caller must not shadow this checkout
    os.environ.pop("ANSIBLE_COLLECTIONS_PATHS", None)

    _prepend_env_path("PYTHONPATH", str(SIMULATOR_DIR))

    for entry in (str(SIMULATOR_DIR), str(COLLECTIONS_ROOT)):
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
    finder = _AnsibleCollectionFinder(paths=[str(COLLECTIONS_ROOT)])
    finder._install()  # pylint: disable=protected-access


configure_environment()
install_collection_loader()
