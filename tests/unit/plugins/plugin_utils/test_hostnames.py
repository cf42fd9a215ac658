"""Host names for the avepoint_customers inventory: safe, unique, independent of API order."""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.avepoint.graph.plugins.plugin_utils._hostnames import customer_host_names, is_reserved, safe_name


A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
C = "7c9e6679-0000-4000-8000-000000000001"  # same first 8 characters as B
D = "2c6a3b43-3d58-4b36-9a4e-6f3f0f7d7f61"


def customer(customer_id, organization):
    return {"id": customer_id, "organization": organization}


@pytest.mark.parametrize("text, expected", [
    ("Contoso", "contoso"),
    ("Contoso, Ltd.", "contoso-ltd"),
    ("  Fabrikam   Inc  ", "fabrikam-inc"),
    ("Müller & Söhne AG", "muller-sohne-ag"),
    ("Ærø Ø", "r"),  # letters without an ASCII decomposition are dropped
    ("ＡＢＣ Corp", "abc-corp"),  # full-width letters fold to ASCII
    ("東京株式会社", ""),
    ("../../etc/passwd", "etc-passwd"),
    ("{{ lookup('pipe', 'id') }}", "lookup-pipe-id"),
    ("a\nb\tc", "a-b-c"),
    ("", ""),
    (None, ""),
])
def test_safe_name(text, expected):
    assert safe_name(text) == expected


def test_id_names_are_lowercase_ids():
    assert customer_host_names([customer(A.upper(), "X"), customer(B, "X")], "id") == {A: A, B: B}


def test_unique_organizations_keep_their_safe_name():
    names = customer_host_names([customer(A, "Contoso"), customer(B, "Fabrikam Inc.")], "organization")
    assert names == {A: "contoso", B: "fabrikam-inc"}


def test_every_colliding_customer_gets_an_id_suffix():
    customers = [customer(A, "Contoso Ltd"), customer(B, "Contoso, Ltd."), customer(D, "Fabrikam")]
    assert customer_host_names(customers, "organization") == {
        A: "contoso-ltd-0f8fad5b",
        B: "contoso-ltd-7c9e6679",
        D: "fabrikam",
    }


def test_names_do_not_depend_on_api_order():
    customers = [customer(A, "Same"), customer(B, "same"), customer(C, "SAME"), customer(D, "")]
    results = {tuple(sorted(customer_host_names(list(order), "organization").items()))
               for order in itertools.permutations(customers)}
    assert len(results) == 1


def test_same_id_prefix_falls_back_to_the_full_id():
    names = customer_host_names([customer(B, "Same"), customer(C, "Same"), customer(A, "Same")], "organization")
    assert names == {A: "same-0f8fad5b", B: "same-" + B, C: "same-" + C}


def test_nothing_left_of_the_organization_uses_the_id():
    names = customer_host_names([customer(A, "東京"), customer(B, None), customer(D, "!!!")], "organization")
    assert names == {A: A, B: B, D: D}


def test_contrived_clashes_still_give_unique_names():
    # An organization literally named like another customer's suffixed host name.
    customers = [customer(A, "Contoso"), customer(B, "Contoso"), customer(D, "contoso 0f8fad5b")]
    names = customer_host_names(customers, "organization")
    assert len(set(names.values())) == 3
    assert names[B] == "contoso-7c9e6679"


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError):
        customer_host_names([customer(A, "X")], "email")


@pytest.mark.parametrize("organization, base", [
    ("All", "all"), ("ALL", "all"), (" all ", "all"), ("Ungrouped", "ungrouped"), ("UNGROUPED!", "ungrouped"),
    ("LocalHost", "localhost"), ("localhost", "localhost"),
])
def test_names_ansible_reserves_get_the_id_suffix(organization, base):
    names = customer_host_names([customer(A, organization), customer(D, "Fabrikam")], "organization")
    assert names == {A: "%s-0f8fad5b" % base, D: "fabrikam"}


def test_reserved_names_in_any_case_and_addresses():
    for name in ("all", "All", "UNGROUPED", "localhost", "LOCALHOST", "127.0.0.1", "::1"):
        assert is_reserved(name)
    for name in ("all-0f8fad5b", "alls", "local-host", "127-0-0-1", "1", "ungrouped-x"):
        assert not is_reserved(name)
    # organizations spelled like addresses never become one: dots and colons turn into dashes
    names = customer_host_names([customer(A, "127.0.0.1"), customer(B, "::1"), customer(C, "All"), customer(D, "all")],
                                "organization")
    assert names == {A: "127-0-0-1", B: "1", C: "all-7c9e6679", D: "all-2c6a3b43"}
    assert not any(is_reserved(name) for name in names.values())


def test_reserved_and_colliding_names_stay_unique():
    # "All 0f8fad5b" is literally the suffixed name "All" would get.
    names = customer_host_names([customer(A, "All"), customer(B, "All 0f8fad5b"), customer(D, "all-0F8FAD5B")], "organization")
    assert len({name.casefold() for name in names.values()}) == 3
    assert not any(is_reserved(name) for name in names.values())
