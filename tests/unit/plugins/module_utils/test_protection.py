"""Protection coverage: AvePoint's samples through the shipped schemas, the facts of a workload, and reading
them over both APIs with the real client against a scripted service (see test_jobs_api.py)."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._clouds import default_scope
from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import required_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, ConfigurationError, ContractError, NotFoundError
from ansible_collections.avepoint.graph.plugins.module_utils._protection import WORKLOAD_FIELDS, coverage_percent, protected_workloads, protection_facts
from ansible_collections.avepoint.graph.plugins.module_utils._resources import ItemContext
from ansible_collections.avepoint.graph.plugins.module_utils._unknown_values import UnknownValues

from api_samples_io import assert_matches_the_schemas, sample
from fakes import ScriptedClient


IDS = ["%08x-0000-4000-8000-%012x" % (n, n) for n in range(1, 6)]
PARTNER_CUSTOMER = "caf94a75-2cc6-43aa-b04b-794cb9af5ea3"  # of partner_protected.json
V3_CUSTOMER = "f1626c49-3b1e-4c55-9d2a-97db5a0cfc15"  # of v3_protected_overview.json
CB365 = "Cloud Backup for Microsoft 365"
PARTNER_PATH = "/partner/customers/%s/protected"
ELEMENTS_PATH = "/partner/external/v3/general/customers/%s/cloud-backup-m365/overview"


def item(customer_id, module, scanned=10, protected=10, avepoint="1 GB", byos="N/A", service=CB365):
    return {"customerId": customer_id, "customer": "admin@example.com", "serviceType": service, "serviceModule": module,
            "totalScannedObjects": scanned, "totalProtectedObjects": protected,
            "dataSizeStoredInAvePoint": avepoint, "dataSizeStoredInBYOS": byos}


def facts_of(raw, customer_id=IDS[0], unknown=None):
    return protection_facts(raw, ItemContext("protected workload 1 of the test", customer_id, unknown or UnknownValues()))


def warnings_of(unknown):
    warnings = []
    unknown.report(warnings.append)
    return warnings


def partner_service(answers, page_size=100):
    """GET /partner/customers/{id}/protected from ``answers`` (customer -> items), paged by next links."""
    def handler(method, url, params, body, what):
        assert method == "GET" and body is None and params is None
        path, _separator, offset = url.partition("?page=")
        customer = path.split("/")[3]
        assert path == PARTNER_PATH % customer
        if customer not in answers:
            raise NotFoundError("HTTP 404 Not Found for %s: not found" % what, status=404)
        start = int(offset or 0)
        document = {"value": answers[customer][start:start + page_size]}
        if start + page_size < len(answers[customer]):
            document["@odata.nextLink"] = "%s?page=%d" % (path, start + page_size)
        return document
    return handler


def elements_service(answers, page_cap=100, wrapped=False):
    """GET .../cloud-backup-m365/overview from ``answers``, ``page_cap`` items a page; ``wrapped``: in [ ] as published."""
    def handler(method, path, params, body, what):
        assert method == "GET" and body is None and params["pageSize"] == 100
        customer = path.split("/")[6]
        assert path == ELEMENTS_PATH % customer
        if customer not in answers:
            raise NotFoundError("HTTP 404 Not Found for %s: not found" % what, status=404)
        start = (params["pageIndex"] - 1) * page_cap
        document = {"data": answers[customer][start:start + page_cap],
                    "metadata": {"pageIndex": params["pageIndex"], "pageSize": page_cap, "totalCount": len(answers[customer])}}
        return [document] if wrapped else document
    return handler


def service_for(api, answers, **options):
    return partner_service(answers, **options) if api == "partner" else elements_service(answers, **options)


@pytest.mark.parametrize("file_name, page_schema, key", [
    ("partner_protected.json", "partner_protection_list", "value"),
    ("v3_protected_overview.json", "elements_protection_page", "data"),
])
def test_samples_match_the_shipped_schema_files_and_the_client_schemas(file_name, page_schema, key):
    assert_matches_the_schemas(file_name, page_schema, (key, "protection_item"))


def test_the_partner_sample_gives_the_documented_facts():
    document = sample("partner_protected.json")
    client = ScriptedClient("partner", lambda *args: document)
    report = client.client.get_protection([PARTNER_CUSTOMER.upper()])
    assert report.missing_ids == [] and client.warnings == []
    assert report.customers == [{"customer_id": PARTNER_CUSTOMER, "protected_workloads": [], "workloads": [
        {"workload": "Exchange Online", "service": CB365, "scanned_objects": 0, "protected_objects": 0,
         "coverage_percent": None, "last_job_size_bytes": 0},
        {"workload": "Microsoft 365 Groups", "service": CB365, "scanned_objects": 0, "protected_objects": 0,  # "Microsoft 365 Group"
         "coverage_percent": None, "last_job_size_bytes": 0},
    ]}]
    assert [request.path for request in client.requests] == [PARTNER_PATH % PARTNER_CUSTOMER]


V3_FACTS = [{"customer_id": V3_CUSTOMER, "protected_workloads": ["Exchange Online", "Microsoft 365 Groups"], "workloads": [
    {"workload": "Exchange Online", "service": CB365, "scanned_objects": 25, "protected_objects": 25,
     "coverage_percent": 100.0, "last_job_size_bytes": 0},
    {"workload": "Microsoft 365 Groups", "service": CB365, "scanned_objects": 7, "protected_objects": 7,
     "coverage_percent": 100.0, "last_job_size_bytes": 0},
]}]


@pytest.mark.parametrize("wrapped", [False, True], ids=["unwrapped", "as-published-in-a-list"])
def test_the_v3_sample_gives_the_documented_facts_also_wrapped_in_a_list_as_published(wrapped):
    document = sample("v3_protected_overview.json")
    client = ScriptedClient("elements", lambda *args: [document] if wrapped else document)
    report = client.client.get_protection([V3_CUSTOMER])
    assert report.customers == V3_FACTS and report.missing_ids == [] and client.warnings == []
    assert client.requests[0].params == {"pageIndex": 1, "pageSize": 100}


@pytest.mark.parametrize("answer, message", [
    ([], "is a list of 0 items where one page"),
    ([{"data": [], "metadata": {"totalCount": 0}}] * 2, "is a list of 2 items where one page"),
    ([["not a page"]], "the body is .* expected type object"),
])
def test_a_list_that_is_not_one_page_is_refused(answer, message):
    client = ScriptedClient("elements", lambda *args: answer)
    with pytest.raises(ContractError, match=message):
        client.client.get_protection([IDS[0]])


def test_the_partner_api_takes_no_list_for_a_page():
    client = ScriptedClient("partner", lambda *args: [sample("partner_protected.json")])
    with pytest.raises(ContractError, match="the body is .* expected type object"):
        client.client.get_protection([PARTNER_CUSTOMER])


def test_a_workload_has_the_documented_facts_in_order():
    facts = facts_of(item(IDS[0], "OneDrive for Business", scanned=250, protected=248, avepoint="N/A", byos="1.5 GB"))
    assert list(facts) == list(WORKLOAD_FIELDS)
    assert facts == {"workload": "OneDrive", "service": CB365, "scanned_objects": 250, "protected_objects": 248,
                     "coverage_percent": 99.2, "last_job_size_bytes": 1610612736}


@pytest.mark.parametrize("scanned, protected, expected", [
    (10000, 9999, 99.99), (3, 2, 66.66), (3, 1, 33.33), (7, 7, 100.0), (100000, 99999, 99.99), (4, 5, 125.0),
    (0, 0, None), (0, 3, None), (None, 3, None), (5, None, None),
])
def test_coverage_is_rounded_down_so_it_never_shows_more_than_is_protected(scanned, protected, expected):
    assert coverage_percent(scanned, protected) == expected


@pytest.mark.parametrize("avepoint, byos, expected", [
    ("0 GB", "N/A", 0),
    ("N/A", "2 MB", 2 * 1024 ** 2),
    ("1 GB", "0 GB", 1024 ** 3),
    ("1 GB", "512 MB", 1024 ** 3 + 512 * 1024 ** 2),  # each storage's part: the last job's size wherever it went
    ("N/A", "N/A", None),
    (None, "", None),
])
def test_the_last_job_size_is_the_sum_of_both_storages(avepoint, byos, expected):
    unknown = UnknownValues()
    assert facts_of(item(IDS[0], "Exchange Online", avepoint=avepoint, byos=byos), unknown=unknown)["last_job_size_bytes"] == expected
    assert warnings_of(unknown) == []


def test_a_size_that_cannot_be_read_gives_no_size_and_one_warning_never_a_part():
    unknown = UnknownValues()
    for _workload in range(2):
        assert facts_of(item(IDS[0], "Exchange Online", avepoint="1,5 GB", byos="1 GB"), unknown=unknown)["last_job_size_bytes"] is None
    assert facts_of(item(IDS[0], "Exchange Online", avepoint="N/A", byos="lots"), unknown=unknown)["last_job_size_bytes"] is None
    (warning,) = warnings_of(unknown)
    assert "'1,5 GB' in dataSizeStoredInAvePoint (2 workload(s))" in warning and "'lots' in dataSizeStoredInBYOS (1 workload(s))" in warning


@pytest.mark.parametrize("spelling, name", [
    ("Microsoft 365 Group", "Microsoft 365 Groups"), ("Exchange Online", "Exchange Online"),
    ("OneDrive for Business", "OneDrive"), ("  sharepoint   online ", "SharePoint Online"), ("Teams", "Microsoft Teams"),
])
def test_modules_are_named_as_the_jobs_api_names_them(spelling, name):
    unknown = UnknownValues()
    assert facts_of(item(IDS[0], spelling), unknown=unknown)["workload"] == name
    assert warnings_of(unknown) == []


def test_an_unknown_module_is_kept_verbatim_and_warned_about_once_for_every_customer():
    answers = {customer: [item(customer, "Copilot  Notebooks"), item(customer, "Exchange Online")] for customer in IDS[:3]}
    client = ScriptedClient("elements", elements_service(answers))
    report = client.client.get_protection(IDS[:3])
    assert {workload["workload"] for entry in report.customers for workload in entry["workloads"]} == {
        "Copilot  Notebooks", "Exchange Online"}
    assert all(entry["protected_workloads"] == ["Copilot  Notebooks", "Exchange Online"] for entry in report.customers)
    assert len(client.warnings) == 1 and "'Copilot  Notebooks' (3 customer(s))" in client.warnings[0]
    client.client.get_protection(IDS[:1])
    assert len(client.warnings) == 1  # the same client never warns about it again


def test_an_item_of_another_customer_is_refused():
    with pytest.raises(ContractError) as caught:
        facts_of(item(IDS[1].upper(), "Exchange Online"))
    assert str(caught.value) == ("the API answered with data of customer %s for protected workload 1 of the test: a contract "
                                 "error; refusing to report another customer's protection" % IDS[1])


def test_the_customer_in_any_letter_case_or_null_is_accepted():
    assert facts_of(item(IDS[0].upper(), "Exchange Online"))["workload"] == "Exchange Online"
    assert facts_of(item(None, "Exchange Online"))["workload"] == "Exchange Online"


@pytest.mark.parametrize("change, message", [
    ({"totalScannedObjects": "25"}, "field 'totalScannedObjects' is '25', expected type integer or null"),
    ({"totalProtectedObjects": -1}, "field 'totalProtectedObjects' is -1, expected minimum 0"),
    ({"serviceModule": None}, "field 'serviceModule' is None, expected type string"),
    ({"serviceModule": ""}, "field 'serviceModule' is '', expected minLength 1"),
    ({"customerId": "caf94a75"}, "field 'customerId' is 'caf94a75', expected a GUID"),
])
def test_an_item_against_the_contract_is_refused_naming_the_field(change, message):
    client = ScriptedClient("partner", partner_service({IDS[0]: [dict(item(IDS[0], "Exchange Online"), **change)]}))
    with pytest.raises(ContractError) as caught:
        client.client.get_protection([IDS[0]])
    assert "protected workload" in str(caught.value) and message in str(caught.value)


def test_null_counts_are_null_facts_and_not_protected():
    facts = facts_of(item(IDS[0], "OneDrive", scanned=None, protected=None))
    assert (facts["scanned_objects"], facts["protected_objects"], facts["coverage_percent"]) == (None, None, None)
    assert protected_workloads([facts]) == []


def test_protected_workloads_are_those_with_a_protected_object():
    workloads = [facts_of(item(IDS[0], name, protected=count)) for name, count in (
        ("Microsoft Teams", 1), ("OneDrive", 0), ("Exchange Online", 3), ("Exchange Online", 2))]
    assert protected_workloads(workloads) == ["Exchange Online", "Microsoft Teams"]


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_both_apis_page_sort_and_agree(api):
    modules = ["SharePoint Online", "Exchange Online", "OneDrive", "Microsoft Teams", "Microsoft 365 Group"]
    answers = {IDS[0]: [item(IDS[0], module, scanned=100, protected=90 + n) for n, module in enumerate(modules)],
               IDS[1]: []}
    paging = {"page_size": 2} if api == "partner" else {"page_cap": 2}
    client = ScriptedClient(api, service_for(api, answers, **paging), concurrency=2)
    report = client.client.get_protection([IDS[1], IDS[0], IDS[1]])
    assert [entry["customer_id"] for entry in report.customers] == [IDS[1], IDS[0]]
    assert report.customers[0]["workloads"] == [] and report.customers[0]["protected_workloads"] == []
    workloads = report.customers[1]["workloads"]
    assert [w["workload"] for w in workloads] == [
        "Exchange Online", "Microsoft 365 Groups", "Microsoft Teams", "OneDrive", "SharePoint Online"]
    assert [w["coverage_percent"] for w in workloads] == [91.0, 94.0, 93.0, 92.0, 90.0]
    assert len([request for request in client.requests if IDS[0] in request.path]) == 3  # three pages of two
    assert client.warnings == []
    other = ScriptedClient("elements" if api == "partner" else "partner",
                           service_for("elements" if api == "partner" else "partner", answers))
    assert other.client.get_protection([IDS[1], IDS[0]]).customers == report.customers


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_a_404_is_a_missing_customer_and_404_for_all_warns_that_the_endpoint_may_be_elsewhere(api):
    client = ScriptedClient(api, service_for(api, {IDS[1]: [item(IDS[1], "Exchange Online")]}))
    report = client.client.get_protection(IDS[:2])
    assert report.missing_ids == [IDS[0]] and [entry["customer_id"] for entry in report.customers] == [IDS[1]]
    assert client.warnings == []
    client = ScriptedClient(api, service_for(api, {}))
    report = client.client.get_protection(IDS[:2])
    assert report.missing_ids == IDS[:2] and report.customers == []
    path = "/partner/customers/{customer_id}/protected" if api == "partner" else "{customer_id}/cloud-backup-m365/overview"
    (warning,) = client.warnings
    assert "protection API answered HTTP 404 for every customer asked (2)" in warning and path in warning


@pytest.mark.parametrize("api", ["partner", "elements"])
def test_one_workload_of_one_service_twice_is_refused_and_two_services_are_two_workloads(api):
    twice = {IDS[0]: [item(IDS[0], "Microsoft 365 Group"), item(IDS[0], "Microsoft 365 Groups", protected=0)]}
    with pytest.raises(ContractError, match="more than once"):
        ScriptedClient(api, service_for(api, twice)).client.get_protection([IDS[0]])
    two = {IDS[0]: [item(IDS[0], "OneDrive"), item(IDS[0], "OneDrive", service="Cloud Backup Express", protected=0)]}
    report = ScriptedClient(api, service_for(api, two)).client.get_protection([IDS[0]])
    assert [(w["workload"], w["service"]) for w in report.customers[0]["workloads"]] == [
        ("OneDrive", "Cloud Backup Express"), ("OneDrive", CB365)]
    assert report.customers[0]["protected_workloads"] == ["OneDrive"]


def test_a_short_elements_listing_is_refused():
    def handler(method, path, params, body, what):
        return {"data": [item(IDS[0], "Exchange Online")] if params["pageIndex"] == 1 else [], "metadata": {"totalCount": 2}}
    client = ScriptedClient("elements", handler)
    with pytest.raises(ContractError, match="no new protected workloads although metadata.totalCount is 2"):
        client.client.get_protection([IDS[0]])


def test_a_service_that_ignores_the_page_index_is_refused_naming_the_workload():
    def handler(method, path, params, body, what):
        return {"data": [item(IDS[0], "Exchange Online")], "metadata": {"totalCount": 2}}
    with pytest.raises(ContractError, match=r"listed protected workload Exchange Online of %s more than once in the "
                       r"protected workloads of customer %s \(on pages 1 and 2\)" % (CB365, IDS[0])):
        ScriptedClient("elements", handler).client.get_protection([IDS[0]])


@pytest.mark.parametrize("api, permission", [("partner", "partner.cbprotected.read.all"),
                                             ("elements", "elements.cbprotected.read.all")])
def test_a_403_names_the_protection_permission_and_stops_the_bulk_read(api, permission):
    def handler(*args):
        raise ApiError("forbidden", status=403, server_message="token lacks scope")
    client = ScriptedClient(api, handler)
    with pytest.raises(ApiError) as caught:
        client.client.get_protection(IDS)
    assert str(caught.value).startswith("HTTP 403 Forbidden for the protected workloads of customer")
    assert "needs the permission '%s' for the %s API" % (permission, api) in str(caught.value)
    assert len(client.requests) < len(IDS)


def test_the_default_scope_is_the_protection_permission():
    assert default_scope("partner", ("protection",)) == "partner.cbprotected.read.all"
    assert default_scope("elements", ("customers", "protection")) == "elements.customers.read.all elements.cbprotected.read.all"


def test_ids_are_checked_before_any_request():
    client = ScriptedClient("partner", partner_service({}))
    with pytest.raises(ConfigurationError, match="invalid customer ID 'nope'"):
        client.client.get_protection([IDS[0], "nope"])
    with pytest.raises(ConfigurationError, match="no customer ID given"):
        required_customer_ids([])
    assert client.requests == []
    assert client.client.get_protection([]).customers == []
