"""The fast schema check never accepts what jsonschema rejects, and accepts the usual documents."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ContractError
from ansible_collections.avepoint.graph.plugins.module_utils._schema_fastpath import fast_predicate
from ansible_collections.avepoint.graph.plugins.module_utils._schemas import FAST_CHECKS, SCHEMAS, check


COLLECTIONS_ROOT = Path(__file__).resolve().parents[4] / ".build" / "collections"
GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
PARTNER = {"id": GUID, "organization": "Contoso", "ownerEmail": "a@contoso.example", "jobStatus": "Working",
           "countryOrRegion": "Vietnam"}
ELEMENTS = {"id": GUID, "organization": "Contoso", "ownerEmail": "a@contoso.example", "jobStatus": 1,
            "countryOrRegion": "Vietnam", "managementMode": 1,
            "tenants": [{"id": GUID, "name": "contoso.onmicrosoft.com"}, {"id": GUID, "name": None}]}


# Shapes the documentation leaves open (docs/api-migration.md): null fields, a string jobStatus, no managementMode.
PARTNER_NULLS = dict(PARTNER, organization=None, ownerEmail=None, jobStatus=None, countryOrRegion=None)
ELEMENTS_ODD = {key: value for key, value in ELEMENTS.items() if key != "managementMode"}
VALID: dict[str, list[Any]] = {
    "partner_customer": [PARTNER, dict(PARTNER, id=GUID.upper(), extra={"x": 1}), PARTNER_NULLS],
    "partner_customer_list": [{"value": [PARTNER]}, {"value": [], "@odata.nextLink": None},
                              {"value": [PARTNER], "@odata.nextLink": "https://graph.example/partner/customers?page=2"},
                              {"value": [PARTNER_NULLS], "nextLink": "opaque-token"}, {"value": [], "nextLink": ""}],
    "elements_customer": [ELEMENTS, dict(ELEMENTS, tenants=[]), dict(ELEMENTS_ODD, jobStatus="Failed", tenants=None),
                          dict(ELEMENTS, organization=None, ownerEmail=None, countryOrRegion=None, jobStatus=None, managementMode=None)],
    "elements_customer_batch": [{"data": [ELEMENTS], "metadata": {"pageIndex": 1, "pageSize": 100, "totalCount": 1}},
                                {"data": [], "metadata": {"totalCount": 0}}],
    "token_response": [{"access_token": "abc", "token_type": "Bearer", "expires_in": 3600},
                       {"access_token": "abc", "expires_in": "3600"}, {"access_token": "abc", "expires_in": 59.5}],
}
V3_JOB = {"jobType": 7, "jobModule": 304, "status": 3, "jobId": "FB20****1103****214502", "name": "N/A", "totalCount": "2323",
          "backupSize": "0 GB", "startTime": "2025-09-11T03:21:16Z", "endTime": "2025-09-11T03:38:56Z", "jobDuration": "17m39s"}
PARTNER_JOB = dict(V3_JOB, jobType="Microsoft 365", jobModule="SharePoint Online", status="Not Finished", endTime="N/A")
VALID.update({
    "partner_job": [PARTNER_JOB, dict(PARTNER_JOB, name=None, lastModifyTime=None, extra=1)],
    "partner_job_list": [{"value": [PARTNER_JOB]}, {"value": [], "@odata.nextLink": "https://graph.example/x?$skiptoken=a"}],
    "elements_job": [V3_JOB, {"jobType": 0, "jobModule": 0, "status": 2, "startTime": "N/A", "endTime": None}],
    "elements_job_batch": [{"data": [V3_JOB], "metadata": {"pageIndex": 1, "pageSize": 50, "totalCount": 1}}],
})
PROTECTED = {"customerId": GUID, "customer": "a@contoso.example", "serviceType": "Cloud Backup for Microsoft 365",
             "serviceModule": "Microsoft 365 Group", "totalScannedObjects": 7, "totalProtectedObjects": 7,
             "dataSizeStoredInAvePoint": "0 GB", "dataSizeStoredInBYOS": "N/A"}
PRODUCT = {"service": "Cloud Backup for Microsoft 365", "subscriptionModel": "N/A", "purchasedUserSeats": "100",
           "purchasedUnits": "N/A", "microsoftLicenseAssigned": "124", "microsoftLicenseAvailable": "0",
           "purchasedCapacity": "0/1 GB", "protectedCapacity": "0 GB", "expirationDate": "2025-04-05", "contractEndDate": "N/A"}
SERVICES = {"customerId": GUID, "organization": "Contoso", "customer": "a@contoso.example", "products": [PRODUCT]}
VALID.update({
    "partner_service": [dict(SERVICES, tenantId="%s,%s" % (GUID, GUID)), dict(SERVICES, products=None, organization=None),
                        dict(SERVICES, products=[dict(PRODUCT, purchasedUserSeats=100, microsoftLicenseAssigned=None)])],
    "partner_service_list": [{"value": [SERVICES]}, {"value": [], "@odata.nextLink": None}],
    "elements_service": [SERVICES, dict(SERVICES, products=[])],
    "elements_service_batch": [{"data": [SERVICES], "metadata": {"pageIndex": 1, "pageSize": 100, "totalCount": 1}}],
    "protection_item": [PROTECTED, dict(PROTECTED, customerId=None, serviceType=None, totalScannedObjects=None,
                                        totalProtectedObjects=0, dataSizeStoredInBYOS=None),
                        {key: PROTECTED[key] for key in ("customerId", "serviceModule", "totalScannedObjects", "totalProtectedObjects")}],
    "partner_protection_list": [{"value": [PROTECTED]}, {"value": [], "@odata.nextLink": None}],
    "elements_protection_page": [{"data": [PROTECTED], "metadata": {"pageIndex": 1, "pageSize": 50, "totalCount": 1}}],
})
ODD_VALUES = [None, True, False, 0, 1, -1, 1.0, 2.5, float("nan"), "", "x", "not-a-guid", GUID, GUID.upper(),
              " %s " % GUID, "%s\n" % GUID, [], [1], {}, {"id": GUID}]


def mutations(document: Any) -> Iterator[Any]:
    """The document with one value replaced, one key removed or added, at every depth."""
    yield from (value for value in ODD_VALUES)
    if isinstance(document, dict):
        for key in document:
            removed = copy.deepcopy(document)
            del removed[key]
            yield removed
            for variant in mutations(document[key]):
                changed = copy.deepcopy(document)
                changed[key] = variant
                yield changed
        yield dict(document, unexpected="field")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            for variant in mutations(item):
                changed = copy.deepcopy(document)
                changed[index] = variant
                yield changed
        yield document + [None]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_shipped_schema_has_a_fast_check_that_accepts_valid_documents(name):
    assert FAST_CHECKS[name] is not None
    for document in VALID[name]:
        assert FAST_CHECKS[name](document), document


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_fast_check_never_accepts_a_document_jsonschema_rejects(name):
    validator = jsonschema.validators.validator_for(SCHEMAS[name])(SCHEMAS[name])
    rejected = 0
    for valid in VALID[name]:
        for document in mutations(valid):
            if not validator.is_valid(document):
                rejected += 1
                assert not FAST_CHECKS[name](document), document
    assert rejected > 10  # the mutations do reach invalid documents


@pytest.mark.parametrize("schema", [
    {"type": "object", "additionalProperties": False},
    {"type": "object", "properties": {"a": {"enum": [1, 2]}}},
    {"type": "array", "items": {"format": "email"}},
    {"type": "decimal"},
    {"type": []},
    {"required": "id"},
    {"minLength": 1.5},
])
def test_a_schema_with_anything_unhandled_gets_no_fast_check(schema):
    assert fast_predicate(schema) is None


def test_json_integers_the_fast_check_is_unsure_of_are_left_to_jsonschema():
    item = dict(ELEMENTS, jobStatus=1.0)  # an integer for JSON Schema, not for the fast check
    assert not FAST_CHECKS["elements_customer"](item)
    check("elements_customer", item, "customer x")  # jsonschema accepts it
    with pytest.raises(ContractError, match="jobStatus"):
        check("elements_customer", dict(ELEMENTS, jobStatus=True), "customer x")


def test_errors_still_name_the_field():
    with pytest.raises(ContractError, match="field 'id' is 'not-a-guid', expected a GUID"):
        check("partner_customer", dict(PARTNER, id="not-a-guid"), "customer x")


def test_valid_documents_are_checked_without_importing_jsonschema():
    """jsonschema costs 100-150 ms to import in every module process; only an invalid document needs it."""
    code = textwrap.dedent("""
        import sys
        from ansible_collections.avepoint.graph.plugins.module_utils import _client, _schemas
        _schemas.check("partner_customer", %r, "customer x")
        assert "jsonschema" not in sys.modules, "imported for a valid document"
        try:
            _schemas.check("partner_customer", {}, "customer x")
        except _schemas.ContractError as error:
            assert "'id' is a required property" in str(error), error
        assert "jsonschema" in sys.modules
    """ % (PARTNER,))
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS_ROOT))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
