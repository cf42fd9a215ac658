"""Country names and aliases in declarations (plugin_utils/_compliance/countries.py)."""

from __future__ import annotations

import pytest

from compliance_cases import A, check, facts


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
