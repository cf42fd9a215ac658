"""Declarations (plugin_utils/_compliance/declaration.py): validated once, normalised, errors that name the problem."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.avepoint.graph.plugins.filter.compliance import FilterModule
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance import declaration as declaration_module
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import declaration_of, parse_declaration

from collection_docs import ROOT
from compliance_cases import A, B, C, CUSTOMERS, UNKNOWN


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
