"""Customer ID validation."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import normalize_customer_id, normalize_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError


GOOD = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.mark.parametrize("bad", [
    None, "", " ", 42, 4.2, True, [GOOD], {"id": GOOD}, "not-a-guid", "../x", "%2e%2e", GOOD + "/../x",
    GOOD + "?$filter=x", GOOD + "\n", " " + GOOD, "{%s}" % GOOD, GOOD.replace("-", ""), GOOD[:-1],
    GOOD.replace("0", "\u0030\u0338", 1), GOOD.replace("a", "\u0430"), GOOD.replace("f", "\uff46"), "x" * 10000,
])
def test_bad_ids_are_rejected_with_a_clear_message(bad):
    with pytest.raises(ConfigurationError) as error:
        normalize_customer_id(bad)
    message = str(error.value)
    assert message.startswith("invalid customer ID")
    assert len(message) < 250
    assert message.isascii()  # look-alike characters are shown escaped


def test_ids_are_lowercased_and_deduplicated_in_order():
    other = "11111111-2222-3333-4444-555555555555"
    assert normalize_customer_ids([GOOD.upper(), other, GOOD]) == [GOOD, other]


def test_all_ids_are_checked_before_any_is_used():
    with pytest.raises(ConfigurationError, match="'oops'"):
        normalize_customer_ids([GOOD, "oops"])
