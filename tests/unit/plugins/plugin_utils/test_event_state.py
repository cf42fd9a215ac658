"""The state file of the event source (plugin_utils/_event_state.py)."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timezone

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._event_changes import Snapshot
from ansible_collections.avepoint.graph.plugins.plugin_utils._event_state import StateFile


AT = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
SCOPE = {"api": "partner", "api_url": "https://graph.avepointonlineservices.com", "ids": None}
RULE = {"*": "24h"}
LOG = logging.getLogger("test.event_state")


def customer(customer_id, **extra):
    facts = {"id": customer_id, "organization": "Contoso", "job_status": "Working", "job_status_code": 1}
    facts.update(extra)
    return facts


def state():
    return Snapshot({A: customer(A, last_success=None), B: customer(B, last_success="2026-12-01T07:00:00Z")},
                    {A: {"*": True}, B: {"*": False}})


def test_saved_and_loaded_again(tmp_path):
    path = tmp_path / "state.json"
    StateFile(str(path), LOG).save(state(), SCOPE, RULE, AT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    assert document["saved_at"] == "2026-12-01T08:00:00Z" and document["scope"] == SCOPE and document["recency"] == RULE
    loaded = StateFile(str(path), LOG).load(SCOPE, RULE)
    assert loaded == state() and list(loaded.customers) == [A, B]
    assert os.listdir(tmp_path) == ["state.json"]  # no temporary file left


def test_written_atomically_and_only_when_it_changed(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    store = StateFile(str(path), LOG)
    store.save(state(), SCOPE, RULE, AT)
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda source, target: replaced.append((source, target)) or real_replace(source, target))
    store.save(state(), SCOPE, RULE, datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    assert replaced == []
    changed = state()
    changed.customers[A] = customer(A, job_status="Failed", last_success=None)
    store.save(changed, SCOPE, RULE, AT)
    assert len(replaced) == 1 and os.path.dirname(replaced[0][0]) == str(tmp_path) and replaced[0][1] == str(path)
    assert json.loads(path.read_text())["customers"][0]["facts"]["job_status"] == "Failed"


def test_an_existing_file_readable_by_others_is_replaced_by_one_that_is_not(tmp_path):
    path = tmp_path / "state.json"
    StateFile(str(path), LOG).save(state(), SCOPE, RULE, AT)
    path.chmod(0o644)
    store = StateFile(str(path), LOG)
    store.load(SCOPE, RULE)
    changed = state()
    changed.customers.pop(B)
    store.save(changed, SCOPE, RULE, AT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_file_no_baseline(tmp_path):
    assert StateFile(str(tmp_path / "none.json"), LOG).load(SCOPE, RULE) is None


def test_another_scope_is_set_aside_with_a_warning(tmp_path, caplog):
    path = tmp_path / "state.json"
    StateFile(str(path), LOG).save(state(), SCOPE, RULE, AT)
    with caplog.at_level(logging.WARNING):
        assert StateFile(str(path), LOG).load(dict(SCOPE, api="elements"), RULE) is None
    assert "written for another scope" in caplog.text and '"api": "elements"' in caplog.text


def test_another_rule_keeps_the_facts_but_not_the_stale_states(tmp_path, caplog):
    path = tmp_path / "state.json"
    StateFile(str(path), LOG).save(state(), SCOPE, RULE, AT)
    with caplog.at_level(logging.WARNING):
        loaded = StateFile(str(path), LOG).load(SCOPE, {"*": "48h"})
    assert loaded.customers == state().customers and loaded.stale == {}
    assert "last_successful_backup_within" in caplog.text


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": 1}', '{"written_by": "avepoint.graph.customer_events", "format": 2}',
                                     '{"written_by": "avepoint.graph.customer_events", "format": 1, "scope": {}, "customers": [{"facts": {}}]}'])
def test_a_file_that_is_no_state_stops_the_source(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(ConfigurationError, match="is not a state file of avepoint.graph.customer_events .*remove it"):
        StateFile(str(path), LOG).load(SCOPE, RULE)


def test_place_checked_at_start(tmp_path):
    with pytest.raises(ConfigurationError, match="the directory .*missing does not exist"):
        StateFile(str(tmp_path / "missing" / "state.json"), LOG)
    with pytest.raises(ConfigurationError, match="is a directory"):
        StateFile(str(tmp_path), LOG)


def test_a_failed_write_is_logged_once_until_it_works_again(tmp_path, caplog, monkeypatch):
    path = tmp_path / "state.json"
    store = StateFile(str(path), LOG)

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with caplog.at_level(logging.WARNING):
        store.save(state(), SCOPE, RULE, AT)
        changed = state()
        changed.customers.pop(B)
        store.save(changed, SCOPE, RULE, AT)
    assert caplog.text.count("cannot write the state file") == 1 and not path.exists() and os.listdir(tmp_path) == []
    monkeypatch.undo()
    with caplog.at_level(logging.WARNING):
        store.save(changed, SCOPE, RULE, AT)
    assert "is written again" in caplog.text and path.exists()
