"""Customer compliance: declaration validation and the comparison."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.avepoint.graph.plugins.filter.compliance import FilterModule
from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import from_name
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance import declaration as declaration_module
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import declaration_of, parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.rules import RULES_BY_KEY, Comparison

from collection_docs import ROOT

A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "16fd2706-8baf-433b-82eb-8c7fada847da"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def facts(customer_id, organization, job_status="Working", country="Vietnam"):
    name, code = from_name(job_status)
    return {"id": customer_id, "organization": organization, "owner_email": "admin@example.com",
            "job_status": name, "job_status_code": code, "country_or_region": country}


CUSTOMERS = [facts(A, "Contoso"), facts(B, "Fabrikam", job_status="Failed", country="France"), facts(C, "Northwind", country="Viet Nam")]


def check(customers, expected, **kwargs):
    return check_compliance(customers, parse_declaration(expected, **kwargs))


@pytest.mark.parametrize("expected, kwargs, message", [
    ([{"id": A, "job_stauts": "Working"}], {}, "customer_compliance_expected[0] has unknown key(s) job_stauts"),
    ([{"id": "contoso"}], {}, "invalid customer ID in customer_compliance_expected[0] 'contoso'"),
    ([{"id": A, "job_status": []}], {}, "customer_compliance_expected[0].job_status is an empty list"),
    ([{"id": A, "country_or_region": ["Vietnam", 7]}], {}, "customer_compliance_expected[0].country_or_region must contain only strings"),
    ([{"id": A, "job_status": True}], {}, "must be a value or a list of values"),
    ([{"id": A, "job_status": [1, -2]}], {}, "customer_compliance_expected[0].job_status must contain only status names"),
    ([{"id": A, "job_status": {"code": 1}}], {}, "must be a value or a list of values"),
    ([{"id": A}], {"country_aliases": ["Vietnam"]}, "customer_compliance_country_aliases must be a dictionary"),
    ([{"id": A}], {"country_aliases": {"Vietnam": ["Viet Nam", 3]}}, "every name must be a non-empty string"),
    ([{"id": A}], {"country_aliases": {"Vietnam": "VN", "Viet Nam": ["vn"]}}, "'vn' is already an alias of 'vietnam'"),
    ([{"id": A}], {"allow_empty": "yes"}, "customer_compliance_allow_empty must be a boolean"),
    ([{"name": "Contoso"}], {}, "customer_compliance_expected[0] has no id"),
    (["just-a-string"], {}, "customer_compliance_expected[0] must be a dictionary"),
    ([{"id": A}, {"id": A.upper()}], {}, "customer_compliance_expected[1]: customer %s is already listed in customer_compliance_expected[0]" % A),
    ([{"id": A, "name": 5}], {}, "customer_compliance_expected[0].name must be a string"),
    ([], {}, "customer_compliance_expected is empty"),
    ({"id": A}, {}, "must be a list"),
    ([{"id": A}], {"scope": "some"}, "customer_compliance_scope must be one of listed, all, got 'some'"),
    ([{"id": A}], {"match": "fuzzy"}, "customer_compliance_match must be one of forgiving, exact"),
    ([{"id": A}], {"defaults": {"status": "Working"}}, "customer_compliance_defaults has unknown key(s) status"),
    ([{"id": A}], {"defaults": {"job_status": []}}, "customer_compliance_defaults.job_status is an empty list"),
])
def test_bad_declarations_name_the_problem(expected, kwargs, message):
    with pytest.raises(ConfigurationError) as error:
        parse_declaration(expected, **kwargs)
    assert message in str(error.value)


def test_declaration_is_normalised():
    declaration = parse_declaration([{"id": A.upper(), "name": "Contoso", "job_status": "Working"}, {"id": B, "job_status": None}],
                                    defaults={"country_or_region": ["Vietnam", "Viet Nam"]})
    assert declaration.ids == [A, B]
    assert declaration.as_dict()["expected"] == [{"id": A, "name": "Contoso", "job_status": ["Working"]}, {"id": B, "name": None}]
    assert declaration.expected_for(declaration.entries[1]) == {"country_or_region": ["Vietnam", "Viet Nam"]}


def test_scope_all_needs_no_entries():
    assert parse_declaration([], defaults={"job_status": "Working"}, scope="all").ids == []


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


@pytest.mark.parametrize("actual, declared, ok", [
    ("Viet Nam", "Vietnam", True), ("VIETNAM", "viet  nam", True), ("Turkey", "Türkiye", True),
    ("Korea, Republic of", "South Korea", True), ("Vietnam", "Laos", False), ("Viet Nam", "Viet", False),
])
def test_country_aliases(actual, declared, ok):
    result = check([dict(facts(A, "Contoso"), country_or_region=actual)], [{"id": A, "country_or_region": declared}])
    assert (result["summary"]["compliant"] == 1) is ok
    exact = check([dict(facts(A, "Contoso"), country_or_region=actual)], [{"id": A, "country_or_region": declared}], match="exact")
    assert (exact["summary"]["compliant"] == 1) is (actual == declared)


def test_country_aliases_can_be_extended_and_overridden():
    customer = [dict(facts(A, "Contoso"), country_or_region="Holland")]
    assert check(customer, [{"id": A, "country_or_region": "Netherlands"}])["summary"]["drifted"] == 1
    added = {"Netherlands": ["Holland", "The Netherlands"]}
    assert check(customer, [{"id": A, "country_or_region": "the netherlands"}], country_aliases=added)["summary"]["compliant"] == 1
    # a user group takes its names out of the built-in ones: "Viet Nam" standing alone
    viet_nam = [dict(facts(A, "Contoso"), country_or_region="Viet Nam")]
    assert check(viet_nam, [{"id": A, "country_or_region": "Vietnam"}], country_aliases={"Viet Nam": []})["summary"]["drifted"] == 1
    assert check(viet_nam, [{"id": A, "country_or_region": "Vietnam"}], country_aliases={})["summary"]["compliant"] == 1


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


# ---------------------------------------------------------------- the parsed declaration as input

JOBS = {"customers": [{"customer_id": A, "last_success": "2026-11-28T08:00:00Z"},
                      {"customer_id": C, "last_success": "2026-11-20T08:00:00Z"}], "missing_ids": [B]}
ROUND_TRIPS = {
    "listed": ([{"id": A.upper(), "name": "Contoso", "job_status": "working"}, {"id": B, "job_status": [1, "No Backup Update"]},
                {"id": UNKNOWN, "name": "Ghost"}], {"defaults": {"country_or_region": "Vietnam"}}),
    "all, exact": ([{"id": B, "job_status": "Failed"}],
                   {"defaults": {"job_status": 1, "country_or_region": "viet nam"}, "scope": "all", "match": "exact"}),
    "aliases": ([{"id": B, "country_or_region": "Francia"}, {"id": C, "country_or_region": "Vietnam"}],
                {"country_aliases": {"France": ["Francia"], "Viet Nam": []}}),
    "recency": ([{"id": A, "last_successful_backup_within": " 36h "}, {"id": C}],
                {"defaults": {"last_successful_backup_within": "P2D"}, "now": "2026-11-29T08:00:00+01:00"}),
    "empty": ([], {"scope": "all", "allow_empty": True, "defaults": {"job_status": ["Working", 9, "Backup paused"]}}),
}


@pytest.fixture
def filters():
    return FilterModule().filters()


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_the_declaration_of_compliance_declaration_gives_the_same_result(filters, name):
    expected, options = ROUND_TRIPS[name]
    customers = [] if name == "empty" else CUSTOMERS
    declared = filters["compliance_declaration"](expected, **options)
    assert declared["format_version"] == 1
    travelled = json.loads(json.dumps(declared))  # as a fact of a play keeps it
    direct = filters["compliance_check"](customers, expected, jobs=JOBS, now=options.get("now", "2026-11-29T08:00:00Z"),
                                         **{k: v for k, v in options.items() if k != "now"})
    if "now" not in options:  # a declaration without a reference time is checked at the time of the check
        travelled["now"] = "2026-11-29T08:00:00Z"
    assert filters["compliance_check"](customers, travelled, jobs=JOBS) == direct


def test_the_declaration_is_complete_and_documented(filters):
    declared = filters["compliance_declaration"]([{"id": A, "job_status": "working"}], defaults={"last_successful_backup_within": "24h"},
                                                 country_aliases={"France": "Francia"}, now="2026-11-29T09:00:00+01:00")
    assert declared == {"format_version": 1, "scope": "listed", "match": "forgiving", "allow_empty": False, "ids": [A],
                        "jobs_for": "all", "subscriptions_for": [], "protection_for": [],
                        "defaults": {"last_successful_backup_within": ["24h"]},
                        "expected": [{"id": A, "name": None, "job_status": ["Working"]}],
                        "country_aliases": {"France": ["Francia"]}, "now": "2026-11-29T08:00:00Z"}
    documented = yaml.safe_load((ROOT / "plugins" / "filter" / "compliance_declaration.yml").read_text())["RETURN"]["_value"]["contains"]
    assert sorted(documented) == sorted(declared)


def test_a_declaration_is_taken_as_it_is_without_validating_each_value_again(monkeypatch):
    declared = parse_declaration(*ROUND_TRIPS["listed"][:1], **ROUND_TRIPS["listed"][1]).as_dict()

    def parsed_again(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(declaration_module, "_parse_entry", parsed_again)
    monkeypatch.setattr(declaration_module, "_parse_fields", parsed_again)
    monkeypatch.setattr(declaration_module, "normalize_customer_id", parsed_again)
    result = check_compliance(CUSTOMERS, declaration_of(declared))
    assert result["summary"] == {"total": 3, "compliant": 1, "drifted": 1, "missing": 1}


@pytest.mark.parametrize("change, message", [
    ({"format_version": 2}, "format_version 2, this collection reads 1"),
    ({"format_version": None}, "format_version None"),
    ({"scope": "some"}, "TypeError: scope, match or allow_empty"),
    ({"expected": [{"name": "no id"}]}, "KeyError: 'id'"),
    ({"defaults": {"job_status": "Working"}}, "TypeError: allowed values that are not a list"),
    ({"country_aliases": {"Vietnam": 3}}, "country_aliases['Vietnam'] must be a list of names"),
    ({"now": "Monday"}, "ValueError"),
])
def test_a_broken_declaration_is_an_error_naming_the_filter_to_use(filters, change, message):
    declared = dict(filters["compliance_declaration"]([{"id": A}]), **change)
    with pytest.raises(AnsibleFilterError) as error:
        filters["compliance_check"](CUSTOMERS, declared)
    assert "is not a declaration returned by avepoint.graph.compliance_declaration" in str(error.value)
    assert message in str(error.value)


def test_options_cannot_be_given_again_with_a_declaration(filters):
    declared = filters["compliance_declaration"]([{"id": A}])
    with pytest.raises(AnsibleFilterError, match="match, scope cannot be given with a declaration returned by compliance_declaration"):
        filters["compliance_check"](CUSTOMERS, declared, scope="all", match="exact")
    # entries still take every option, with the same defaults and the same errors as before
    assert filters["compliance_check"](CUSTOMERS, [{"id": A}])["scope"] == "listed"
    with pytest.raises(AnsibleFilterError, match="customer_compliance_scope must be one of listed, all, got \\(none\\)"):
        filters["compliance_check"](CUSTOMERS, [{"id": A}], scope=None)
    with pytest.raises(AnsibleFilterError, match="customer_compliance_expected must be a list of customer entries, got dict"):
        filters["compliance_check"](CUSTOMERS, {"id": A})
