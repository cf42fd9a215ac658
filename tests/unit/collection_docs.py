"""Reading the collection's documentation blocks without importing the plugin files."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def documentation(path: Path, block: str = "DOCUMENTATION") -> dict:
    """A YAML block (DOCUMENTATION, RETURN...) of a plugin file, parsed."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == block for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no %s" % (path, block))


def plugin_files(kind: str) -> list[Path]:
    return sorted(p for p in (ROOT / "plugins" / kind).glob("*.py") if not p.name.startswith("_"))


def load_yaml(relative: str):
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))
