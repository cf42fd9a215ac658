"""The schema files shipped in schemas/ are the schemas the client checks with."""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.avepoint.graph.plugins.module_utils._schemas import ALL_SCHEMAS

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def test_every_schema_is_shipped_as_a_file_with_the_same_content():
    files = {path.name[: -len(".schema.json")]: json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.schema.json")}
    assert files == ALL_SCHEMAS
