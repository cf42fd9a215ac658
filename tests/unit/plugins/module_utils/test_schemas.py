"""The schema files in schemas/ are the one source of the contracts the client checks with."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from ansible_collections.avepoint.graph.plugins.module_utils._schema_documents import SCHEMAS


REPO = Path(__file__).resolve().parents[4]
SCHEMA_DIR = REPO / "schemas"


def embedder():
    spec = importlib.util.spec_from_file_location("embed_schemas", REPO / "scripts" / "embed_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_client_checks_with_the_shipped_schema_files():
    files = {path.name[: -len(".schema.json")]: json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.schema.json")}
    assert files == SCHEMAS


def test_the_generated_module_is_what_make_schemas_writes():
    module = embedder()
    assert module.TARGET.read_text(encoding="utf-8") == module.rendered(), "run: make schemas"


def test_every_schema_names_itself_and_its_file():
    for name, schema in SCHEMAS.items():
        assert schema["$id"] == "avepoint.graph/%s.schema.json" % name
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
