"""A customer's backup status (jobStatus): spellings, codes and comparison keys."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import (
    BACKUP_STATUS_NAMES, actual_key, code_for_name, declared_key, from_code, from_name)


# Every spelling AvePoint's documents used, and the forms a service could plausibly send.
SPELLINGS = [
    ("N/A", 0), ("n/a", 0), ("NA", 0),
    ("Working", 1), ("working", 1), ("WORKING", 1), ("  Working\t", 1),
    ("Failed", 2), ("failed", 2),
    ("Waiting for configuration", 3), ("Waiting for Configuration", 3), ("WaitingForConfiguration", 3),
    ("waiting_for_configuration", 3),
    ("Multiple issues found", 4), ("Multiple Issues Found", 4), ("MultipleIssuesFound", 4), ("multiple-issue-found", 4),
    ("Finished with exception", 5), ("Finished with Exception", 5), ("FinishedWithExceptions", 5),
    ("No backup updates", 6), ("No Backup Update", 6), ("NoBackupUpdates", 6), ("NoBackupUpdate", 6),
    ("no  backup\nupdates", 6), ("NO_BACKUP_UPDATES", 6),
]


@pytest.mark.parametrize("spelling, code", SPELLINGS)
def test_every_known_spelling_maps_to_the_code_and_the_canonical_name(spelling, code):
    assert from_name(spelling) == (BACKUP_STATUS_NAMES[code], code)
    assert code_for_name(spelling) == code
    assert declared_key(spelling) == code


@pytest.mark.parametrize("spelling", ["Backup paused", "Work", "No backups", "Failing", "", "Unknown (9)", "Working!?x"])
def test_other_spellings_are_unknown_and_kept_verbatim(spelling):
    assert from_name(spelling) == (spelling, None)
    assert code_for_name(spelling) is None


def test_codes():
    assert [from_code(code) for code in range(7)] == [(BACKUP_STATUS_NAMES[code], code) for code in range(7)]
    assert from_code(9) == ("Unknown (9)", 9)


@pytest.mark.parametrize("value, key", [
    (6, 6), ("6", 6), (" 6 ", 6), (0, 0), (9, 9), ("No Backup Update", 6), ("Backup paused", "Backup paused"),
    (True, None), (-1, None), (1.5, None), ("", None), ("  ", None), (None, None), ([], None),
])
def test_declared_keys(value, key):
    assert declared_key(value) == key


@pytest.mark.parametrize("facts, key", [
    ({"job_status": "No backup updates", "job_status_code": 6}, 6),
    ({"job_status": "Unknown (9)", "job_status_code": 9}, 9),
    ({"job_status": "No Backup Update", "job_status_code": None}, 6),  # facts written by hand
    ({"job_status": "Backup paused", "job_status_code": None}, "Backup paused"),
    ({"job_status": None, "job_status_code": None}, None),
    ({}, None),
])
def test_actual_keys(facts, key):
    assert actual_key(facts) == key


@pytest.mark.parametrize("name, code", [("Working", 1), (" working ", 1), ("Failed", 2), ("No backup updates", 6),
                                        ("N/A", 0), ("Something new", None)])
def test_names_map_to_codes(name, code):
    assert code_for_name(name) == code
