"""Customer filters of the avepoint_customers inventory."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._filters import matches, parse_filters


WORKING_VN = {"job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"}
FAILED_DE = {"job_status": "Failed", "job_status_code": 2, "country_or_region": "Germany"}
UNKNOWN_STATUS = {"job_status": "Something new", "job_status_code": None, "country_or_region": None}


@pytest.mark.parametrize("raw", [None, {}, {"job_status": []}, {"job_status": None, "country_or_region": []}])
def test_no_filter_allows_everything(raw):
    filters = parse_filters(raw)
    assert all(matches(c, filters) for c in (WORKING_VN, FAILED_DE, UNKNOWN_STATUS))


def test_case_and_white_space_are_ignored():
    filters = parse_filters({"country_or_region": ["  VIETNAM ", "united   states"]})
    assert matches(WORKING_VN, filters)
    assert matches({"country_or_region": "United States"}, filters)
    assert not matches(FAILED_DE, filters)
    assert not matches(UNKNOWN_STATUS, filters)  # a missing value matches nothing


def test_job_status_by_name_or_code():
    assert matches(FAILED_DE, parse_filters({"job_status": ["failed"]}))
    assert matches(FAILED_DE, parse_filters({"job_status": [2]}))
    assert matches(FAILED_DE, parse_filters({"job_status": "2"}))
    assert not matches(WORKING_VN, parse_filters({"job_status": [2, "failed"]}))
    assert matches(UNKNOWN_STATUS, parse_filters({"job_status": ["something NEW"]}))


def test_every_field_must_match():
    filters = parse_filters({"job_status": ["Working", "Failed"], "country_or_region": ["Germany"]})
    assert [matches(c, filters) for c in (WORKING_VN, FAILED_DE)] == [False, True]


@pytest.mark.parametrize("raw, message", [
    (["Working"], "must be a dictionary"),
    ({"status": ["Working"]}, "unknown key(s) status; supported: job_status, country_or_region"),
    ({"job_status": {"a": 1}}, "'filters.job_status' must be a list"),
    ({"job_status": [True]}, "invalid value"),
    ({"country_or_region": [""]}, "invalid value"),
    ({"country_or_region": [["x"]]}, "invalid value"),
])
def test_bad_filters_are_named(raw, message):
    with pytest.raises(ConfigurationError) as error:
        parse_filters(raw)
    assert message in str(error.value)


def test_job_status_in_any_known_spelling():
    no_updates = {"job_status": "No backup updates", "job_status_code": 6, "country_or_region": "Vietnam"}
    for spelling in ("No Backup Update", "NoBackupUpdates", "no_backup_updates", 6, "6"):
        assert matches(no_updates, parse_filters({"job_status": [spelling]})), spelling
    assert not matches(no_updates, parse_filters({"job_status": ["No backups"]}))
