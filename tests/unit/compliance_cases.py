"""Customers and declarations the compliance unit tests share."""

from __future__ import annotations

from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import from_name
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration

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
