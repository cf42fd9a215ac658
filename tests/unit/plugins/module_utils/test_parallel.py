"""Bounded concurrency (module_utils/_parallel.py): a failure names the customer it happened to, once."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, AvePointError
from ansible_collections.avepoint.graph.plugins.module_utils._parallel import map_bounded


API = "https://graph.example.test"


def test_a_single_customer_network_error_names_the_customer():
    def work(item):
        raise ApiError("could not reach %s after 3 attempt(s): Connection refused" % API)

    with pytest.raises(AvePointError) as error:
        map_bounded(work, ["0f8fad5b-d9cb-469f-a165-70867728950e"], 4, lambda e: e.fatal)
    assert str(error.value) == "0f8fad5b-d9cb-469f-a165-70867728950e: could not reach %s after 3 attempt(s): Connection refused" % API


def test_an_error_that_names_the_customer_is_not_prefixed_twice():
    item = "0f8fad5b-d9cb-469f-a165-70867728950e"

    def work(item):
        raise ApiError("HTTP 503 for customer %s" % item)

    with pytest.raises(AvePointError) as error:
        map_bounded(work, [item], 4, lambda e: e.fatal)
    assert str(error.value) == "HTTP 503 for customer %s" % item
