"""The comparison of customers with their declaration (plugin_utils/_compliance/check.py)."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.rules import Comparison, RULES_BY_KEY

from compliance_cases import A, B, C, UNKNOWN, facts, CUSTOMERS, check


@pytest.mark.parametrize("actual, allowed, mode, ok", [
    ("Working", ["Working"], "exact", True),
    ("working", ["Working"], "exact", False),
    (" Working ", ["Working"], "exact", False),
    ("working", ["Working"], "forgiving", True),
    ("  UNITED   states\t", ["United States"], "forgiving", True),
    ("United States", ["  united  STATES "], "forgiving", True),
    ("UnitedStates", ["United States"], "forgiving", False),
    ("Viet Nam", ["Vietnam", "Viet Nam"], "exact", True),
    (None, ["Working"], "forgiving", False),
    (1, ["1"], "forgiving", False),
])
def test_match_modes(actual, allowed, mode, ok):
    rule = RULES_BY_KEY["country_or_region"]
    assert rule.check({"country_or_region": actual}, allowed, Comparison(match=mode)) is ok


def test_listed_compliant_drifted_and_missing():
    result = check({"customers": CUSTOMERS, "missing_ids": [UNKNOWN]}, [
        {"id": A, "job_status": "working"},
        {"id": B.upper(), "name": "Fabrikam EU", "job_status": ["Working", "No backup updates"], "country_or_region": "france"},
        {"id": UNKNOWN, "name": "Ghost"},
    ], defaults={"country_or_region": "Vietnam"})
    assert result["summary"] == {"total": 3, "compliant": 1, "drifted": 1, "missing": 1}
    assert result["compliant"] == [A]
    assert result["missing"] == [UNKNOWN]
    assert result["drifted"] == [{"id": B, "name": "Fabrikam EU", "organization": "Fabrikam",
                                  "fields": [{"field": "job_status", "expected": ["Working", "No backup updates"], "actual": "Failed"}]}]
    assert [row["status"] for row in result["customers"]] == ["compliant", "drifted", "missing"]
    assert result["customers"][2]["name"] == "Ghost"


def test_listed_ignores_unlisted_customers_and_accepts_a_plain_list():
    result = check(CUSTOMERS, [{"id": A, "job_status": "Working"}])
    assert result["summary"] == {"total": 1, "compliant": 1, "drifted": 0, "missing": 0}


def test_scope_all_uses_defaults_and_overrides():
    result = check(CUSTOMERS, [{"id": B, "job_status": "Failed"}, {"id": UNKNOWN}],
                   defaults={"job_status": "Working", "country_or_region": "Vietnam"}, scope="all")
    assert [row["id"] for row in result["customers"]] == [A, B, C, UNKNOWN]
    assert result["compliant"] == [A, C]
    assert [(d["id"], [f["field"] for f in d["fields"]]) for d in result["drifted"]] == [(B, ["country_or_region"])]
    assert C in result["compliant"]  # "Viet Nam" is "Vietnam" (built-in country alias)
    assert result["missing"] == [UNKNOWN]


def test_exact_match_reports_case_drift():
    expected = [{"id": C, "country_or_region": "viet nam"}]
    assert check(CUSTOMERS, expected)["summary"]["compliant"] == 1
    exact = check(CUSTOMERS, expected, match="exact")
    assert exact["drifted"][0]["fields"] == [{"field": "country_or_region", "expected": ["viet nam"], "actual": "Viet Nam"}]


def test_no_expectation_means_only_existence_is_checked():
    result = check(CUSTOMERS, [{"id": B}])
    assert result["compliant"] == [B] and result["customers"][0]["fields"] == []


@pytest.mark.parametrize("bad", [{"value": []}, "text", [{"organization": "x"}], [None]])
def test_input_that_is_not_customer_facts(bad):
    with pytest.raises(ConfigurationError):
        check(bad, [{"id": A}])


NO_UPDATES = dict(facts(A, "Contoso"), job_status="No backup updates", job_status_code=6)
UNKNOWN_CODE = dict(facts(B, "Fabrikam"), job_status="Unknown (9)", job_status_code=9)
UNKNOWN_NAME = dict(facts(C, "Northwind"), job_status="Backup paused", job_status_code=None)


@pytest.mark.parametrize("declared", ["No backup updates", "No Backup Update", "NoBackupUpdates", 6, "6", ["Working", 6]])
@pytest.mark.parametrize("match", ["forgiving", "exact"])
def test_job_status_is_compared_on_the_code(declared, match):
    result = check([NO_UPDATES], [{"id": A, "job_status": declared}], match=match)
    assert result["compliant"] == [A], result


def test_declared_statuses_are_reported_by_their_canonical_name():
    result = check([NO_UPDATES], [{"id": A, "job_status": ["working", 2, "Backup paused", 9]}])
    assert result["drifted"][0]["fields"] == [
        {"field": "job_status", "expected": ["Working", "Failed", "Backup paused", 9], "actual": "No backup updates"}]


def test_unknown_codes_and_names():
    result = check([UNKNOWN_CODE, UNKNOWN_NAME], [{"id": B, "job_status": 9}, {"id": C, "job_status": "Backup paused"}])
    assert result["compliant"] == [B, C]
    # an unknown name is compared exactly, in both match modes
    for match in ("forgiving", "exact"):
        drifted = check([UNKNOWN_NAME], [{"id": C, "job_status": ["backup paused", "Backup  paused"]}], match=match)
        assert drifted["summary"]["drifted"] == 1
    assert check([UNKNOWN_CODE], [{"id": B, "job_status": "Unknown (9)"}])["summary"]["drifted"] == 1


def test_a_gate_reads_the_same_whichever_api_answered():
    partner = dict(NO_UPDATES)
    elements = dict(NO_UPDATES, tenants=[], management_mode=1)
    hand_written = dict(NO_UPDATES, job_status="No Backup Update", job_status_code=None)
    declaration = [{"id": A, "job_status": "no backup update", "country_or_region": "Viet Nam"}]
    results = [check([customer], declaration)["summary"] for customer in (partner, elements, hand_written)]
    assert results == [{"total": 1, "compliant": 1, "drifted": 0, "missing": 0}] * 3


def test_an_empty_scope_fails_unless_allowed_and_names_the_service():
    fetched = {"customers": [], "missing_ids": [],
               "service": {"cloud": "us_gov", "api": "partner", "api_url": "https://graph-gov.avepointonlineservices.com"}}
    with pytest.raises(ConfigurationError) as error:
        check(fetched, [], defaults={"job_status": "Working"}, scope="all")
    message = str(error.value)
    assert "the partner API at https://graph-gov.avepointonlineservices.com (cloud us_gov) returned no customers" in message
    assert "customer_compliance_allow_empty" in message
    with pytest.raises(ConfigurationError, match="the service returned no customers"):
        check([], [], scope="all")
    result = check(fetched, [], scope="all", allow_empty=True)
    assert result["summary"] == {"total": 0, "compliant": 0, "drifted": 0, "missing": 0}
    # a listed customer that is missing is something checked: no empty-scope error
    assert check(fetched, [{"id": A}], scope="all")["missing"] == [A]
