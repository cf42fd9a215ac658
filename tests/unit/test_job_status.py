"""jobStatus spellings, codes and comparison keys; the fact reader both backends share."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._customers import job_status_code
from ansible_collections.avepoint.graph.plugins.module_utils._fact_reader import FactReader, replace_lone_surrogates
from ansible_collections.avepoint.graph.plugins.module_utils._job_status import (
    JOB_STATUS_NAMES, actual_key, declared_key, from_code, from_name)

ID = "0f8fad5b-d9cb-469f-a165-70867728950e"

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
    assert from_name(spelling) == (JOB_STATUS_NAMES[code], code)
    assert job_status_code(spelling) == code
    assert declared_key(spelling) == code


@pytest.mark.parametrize("spelling", ["Backup paused", "Work", "No backups", "Failing", "", "Unknown (9)", "Working!?x"])
def test_other_spellings_are_unknown_and_kept_verbatim(spelling):
    assert from_name(spelling) == (spelling, None)
    assert job_status_code(spelling) is None


def test_codes():
    assert [from_code(code) for code in range(7)] == [(JOB_STATUS_NAMES[code], code) for code in range(7)]
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


def test_lone_surrogates_are_replaced():
    assert replace_lone_surrogates("a\ud800b\udfffc") == ("a\ufffdb\ufffdc", 2)
    assert replace_lone_surrogates("emoji \U0001F600 ok") == ("emoji \U0001F600 ok", 0)


def reader_with_warnings():
    warnings = []
    return FactReader(warnings.append), warnings


def test_reader_names_statuses_of_both_apis():
    reader, warnings = reader_with_warnings()
    assert reader.facts(ID, "Org", "a@b.example", 6, "Vietnam")["job_status"] == "No backup updates"
    facts = reader.facts(ID.upper(), "Org", "a@b.example", "No Backup Update", "Vietnam", tenants=[])
    assert facts == {"id": ID, "organization": "Org", "owner_email": "a@b.example", "job_status": "No backup updates",
                     "job_status_code": 6, "country_or_region": "Vietnam", "tenants": []}
    reader.report()
    assert warnings == []


def test_reader_warns_once_per_unknown_value_and_kind():
    reader, warnings = reader_with_warnings()
    for value in ("Backup paused", "Backup paused", 9, "Working"):
        reader.facts(ID, "Org", None, value, None)
    reader.report()
    assert len(warnings) == 2
    assert "code(s) this collection does not know: 9 (1 customer(s))" in warnings[0]
    assert "name(s) this collection does not know: 'Backup paused' (2 customer(s))" in warnings[1]
    assert "compared exactly" in warnings[1]
    reader.facts(ID, "Org", None, "Backup paused", None)
    reader.report()
    assert len(warnings) == 2  # already reported by this reader


def test_reader_replaces_lone_surrogates_everywhere_and_names_the_customer():
    reader, warnings = reader_with_warnings()
    facts = reader.facts(ID, "Bad\ud800Org", "x\udc00@y.example", "Odd\ud801", "Viet Nam",
                         tenants=[{"id": "t", "name": "t\ud802.onmicrosoft.com"}])
    assert facts["organization"] == "Bad\ufffdOrg" and facts["owner_email"] == "x\ufffd@y.example"
    assert facts["job_status"] == "Odd\ufffd" and facts["tenants"][0]["name"] == "t\ufffd.onmicrosoft.com"
    reader.facts("11111111-2222-3333-4444-555555555555", "Clean", None, 1, None)
    reader.report()
    assert len(warnings) == 2
    surrogate_warning = [w for w in warnings if "surrogate" in w][0]
    assert "%s (job_status, organization, owner_email, tenants.name)" % ID in surrogate_warning
    assert "11111111" not in surrogate_warning
    for warning in warnings:
        warning.encode("utf-8")  # a warning itself never carries the bad character


def test_reader_is_thread_safe():
    reader, warnings = reader_with_warnings()

    def read_many():
        for _number in range(200):
            reader.facts(ID, "O", None, 42, None)

    threads = [threading.Thread(target=read_many) for _thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.report()
    assert warnings and "42 (800 customer(s))" in warnings[0]
