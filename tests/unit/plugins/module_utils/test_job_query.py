"""A jobs request is validated completely, with errors that name the problem, before any request."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._clouds import API_SCOPES, default_scope, permission
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import JOB_MODULE, JOB_TYPE, RUN_STATUS
from ansible_collections.avepoint.graph.plugins.module_utils._job_query import ELEMENTS_JOBS_PATH, elements_jobs_path, job_query, value_filter
from ansible_collections.avepoint.graph.plugins.module_utils._jobs import JOBS
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter


NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
A = "0f8fad5b-d9cb-469f-a165-70867728950e"
B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def test_query_with_every_part():
    query = job_query([A.upper(), B, A], since="48h", statuses=["failed", 7], job_types=["Microsoft 365"],
                      job_modules=["302", "Exchange Online"], now=NOW)
    assert query.customer_ids == [A, B]
    assert query.since_text == "2026-11-27T08:00:00Z"
    assert query.statuses.codes == {3, 7}
    assert query.job_types.single_code() == 7
    assert query.job_modules.codes == {302, 303} and query.job_modules.single_code() is None
    assert query.elements_path == ELEMENTS_JOBS_PATH


def test_query_without_options_selects_everything():
    query = job_query([A], now=NOW)
    assert (query.since, query.statuses, query.job_types, query.job_modules) == (None, None, None, None)


@pytest.mark.parametrize("kwargs, message", [
    ({"customer_ids": ["not-a-guid"]}, "invalid customer ID 'not-a-guid'"),
    ({"customer_ids": [A, "../customers"]}, "invalid customer ID '../customers'"),
    ({"customer_ids": []}, "no customer ID given"),
    ({"since": "48"}, "option 'since' has the value '48': a number without a unit"),
    ({"since": "last week"}, "option 'since' has the value 'last week'"),
    ({"since": "2027-01-01"}, "in the future"),
    ({"statuses": ["Finised"]}, "option 'status' has the value 'Finised', which is not a documented status"),
    ({"statuses": ["99"]}, "option 'status' has the value '99'"),
    ({"statuses": []}, "option 'status' is an empty list"),
    ({"statuses": "\u00b2"}, "option 'status' has the value '\\xb2', which is not a documented status"),
    ({"job_types": ["\u00b3"]}, "option 'job_type' has the value '\\xb3'"),
    ({"job_types": ["Microsft 365"]}, "option 'job_type' has the value 'Microsft 365'"),
    ({"job_modules": ["999"]}, "option 'job_module' has the value '999'"),
    ({"job_modules": [True]}, "option 'job_module' has the value True"),
    ({"elements_path": "/partner/jobs"}, "option 'elements_jobs_path' must be an absolute URL path with one {customer_id}"),
    ({"elements_path": "https://evil.example/{customer_id}/jobs"}, "elements_jobs_path"),
    ({"elements_path": "/a/{customer_id}/jobs?x=1"}, "elements_jobs_path"),
    ({"elements_path": "/a/../{customer_id}/jobs"}, "elements_jobs_path"),
    ({"elements_path": "/a/{customer_id}/{customer_id}"}, "elements_jobs_path"),
])
def test_bad_input_is_a_configuration_error(kwargs, message):
    options = {key: value for key, value in kwargs.items() if key != "customer_ids"}
    with pytest.raises(ConfigurationError) as caught:
        job_query(kwargs.get("customer_ids", [A]), now=NOW, **options)
    assert message in str(caught.value)


def test_the_error_for_an_unknown_value_lists_documented_ones():
    with pytest.raises(ConfigurationError, match=r"Finished \(2\).*Not Finished"):
        value_filter(["Done"], RUN_STATUS, "status")


def test_filters_match_codes_and_names_without_codes():
    statuses = value_filter(["Not Finished", "finished"], RUN_STATUS, "status")
    assert statuses.matches(2, "Finished") and not statuses.matches(3, "Failed")
    assert statuses.matches(None, "not  finished")  # a partner name without a code
    assert not statuses.matches(None, "Cancelled")
    onedrive = value_filter(["OneDrive"], JOB_MODULE, "job_module")
    assert onedrive.matches(305, "OneDrive") and not onedrive.matches(302, "SharePoint Online")
    assert value_filter(["onedrive for business"], JOB_MODULE, "job_module") == onedrive  # every spelling, one workload
    assert onedrive.matches(None, "OneDrive")
    assert value_filter("Microsoft 365", JOB_TYPE, "job_type").single_code() == 7


def test_elements_jobs_path_may_be_overridden_with_either_placeholder_spelling():
    assert elements_jobs_path(None) == ELEMENTS_JOBS_PATH
    assert elements_jobs_path("  ") == ELEMENTS_JOBS_PATH
    changed = elements_jobs_path("/partner/external/v3/general/customers/{customerId}/products/jobs/batch")
    assert changed == "/partner/external/v3/general/customers/{customer_id}/products/jobs/batch"
    assert JOBS.served("elements").of_customer.path_for(A, changed) == "/partner/external/v3/general/customers/%s/products/jobs/batch" % A


def test_the_customer_id_is_encoded_in_the_path():
    assert JOBS.served("partner").of_customer.path_for("a/b?c", "/x/{customer_id}/jobs") == "/x/a%2Fb%3Fc/jobs"
    assert JOBS.served("partner").of_customer.path_for("a/b?c") == "/partner/customers/a%2Fb%3Fc/jobs"


def test_scopes_follow_the_api_and_the_data():
    assert permission("partner", "jobs") == "partner.jobs.read.all"
    assert permission("elements", "jobs") == "elements.jobs.read.all"
    assert API_SCOPES == {"partner": "partner.customers.read.all", "elements": "elements.customers.read.all"}
    assert default_scope("elements", ("customers", "jobs", "jobs")) == "elements.customers.read.all elements.jobs.read.all"
    base = {"client_id": "app", "client_secret": "s"}
    assert settings_from_getter(base.get).scope == "partner.customers.read.all"
    assert settings_from_getter(base.get, ("jobs",)).scope == "partner.jobs.read.all"
    assert settings_from_getter(dict(base, api="elements").get, ("jobs",)).scope == "elements.jobs.read.all"
    explicit = dict(base, scope="partner.customers.read.all partner.jobs.read.all")
    assert settings_from_getter(explicit.get, ("jobs",)).scope == explicit["scope"]
