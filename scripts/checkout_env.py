"""The environment that makes this checkout the avepoint.graph collection for Ansible.

One source of truth for every process started from the checkout: pytest (tests/conftest.py,
which the benchmark loads too) and shells (scripts/env.sh: make demo, manual runs).

* ``.build/collections/ansible_collections/avepoint/graph`` is a relative symlink to the
  checkout, created when missing; ANSIBLE_COLLECTIONS_PATH points at ``.build/collections``,
  so ``avepoint.graph`` resolves to the checkout without installing it.
* Ansible is isolated from the user's setup: ANSIBLE_HOME (and its temp dir) is given by the
  caller, ANSIBLE_CONFIG is an empty file in it unless the caller chose one, colour, retry
  files and noisy warnings are off.
* ``simulator/`` goes first on PYTHONPATH (``import avepoint_simulator``).

Usage from a shell: ``eval "$(python scripts/checkout_env.py [ANSIBLE_HOME])"`` prints
``export``/``unset`` lines (default ANSIBLE_HOME: .build/ansible-home).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Mapping, Optional

REPO = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = REPO / ".build" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "avepoint" / "graph"
SIMULATOR_DIR = REPO / "simulator"
SHELL_ANSIBLE_HOME = REPO / ".build" / "ansible-home"

# The same for every Ansible process started from the checkout.
ANSIBLE_SETTINGS = {
    "ANSIBLE_NOCOLOR": "1",
    "ANSIBLE_FORCE_COLOR": "0",
    "ANSIBLE_RETRY_FILES_ENABLED": "0",
    "ANSIBLE_LOCALHOST_WARNING": "False",
    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
    "ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH": "ignore",
}


def ensure_collection_link() -> None:
    """Create .build/collections/ansible_collections/avepoint/graph -> ../../../.. if missing."""
    if COLLECTION_LINK.is_symlink() and COLLECTION_LINK.resolve() == REPO:
        return
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
    tmp = COLLECTION_LINK.with_name(".graph.%d" % os.getpid())
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.join("..", "..", "..", ".."), tmp)
    os.replace(tmp, COLLECTION_LINK)  # atomic: pytest-xdist workers may race here


def checkout_environment(ansible_home: str, environ: Mapping[str, str]) -> dict[str, Optional[str]]:
    """The variables to set on top of ``environ`` (None: unset it); creates the link and ANSIBLE_HOME."""
    ensure_collection_link()
    os.makedirs(os.path.join(ansible_home, "tmp"), exist_ok=True)
    python_path = [str(SIMULATOR_DIR)] + [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(SIMULATOR_DIR)]
    env: dict[str, Optional[str]] = {
        "AVEPOINT_GRAPH_REPO": str(REPO),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_ROOT),
        "ANSIBLE_COLLECTIONS_PATHS": None,  # a stale path from the caller must not shadow the checkout
        "ANSIBLE_HOME": ansible_home,
        "ANSIBLE_LOCAL_TEMP": os.path.join(ansible_home, "tmp"),
        "ANSIBLE_DEPRECATION_WARNINGS": environ.get("ANSIBLE_DEPRECATION_WARNINGS", "True"),
        "PYTHONPATH": os.pathsep.join(python_path),
    }
    env.update(ANSIBLE_SETTINGS)
    if "ANSIBLE_CONFIG" not in environ:
        # an empty file: ansible-core 2.19 refuses /dev/null (no .cfg extension)
        empty_cfg = os.path.join(ansible_home, "ansible.cfg")
        with open(empty_cfg, "a", encoding="utf-8"):
            pass
        env["ANSIBLE_CONFIG"] = empty_cfg
    return env


def apply(ansible_home: str) -> None:
    """Set the environment in this process (and so for its children)."""
    for name, value in checkout_environment(ansible_home, os.environ).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main() -> int:
    """Print the environment as shell commands."""
    home = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else str(SHELL_ANSIBLE_HOME)
    for name, value in checkout_environment(home, os.environ).items():
        print("unset %s" % name if value is None else "export %s=%s" % (name, shlex.quote(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
