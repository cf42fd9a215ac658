"""The code tables of jobs: AvePoint's module codes (2026-04), every spelling of a workload, run statuses."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._job_codes import JOB_MODULE, JOB_TYPE, RUN_STATUS, RUN_STATUSES, workload


def test_partner_names_are_matched_forgivingly_and_given_their_documented_spelling():
    assert JOB_TYPE.decode("  microsoft   365 ")[:2] == ("Microsoft 365", JOB_TYPE.code("Microsoft 365"))
    assert JOB_MODULE.decode("SHAREPOINT ONLINE") == ("SharePoint Online", 302, True)
    assert RUN_STATUS.decode("finished WITH exception") == ("Finished with exception", 4, True)


@pytest.mark.parametrize("code, name", [(309, "Teams Chat"), (362, "Native Azure SQL Backup Monitoring"), (367, "Azure VMware Solution"),
                                        (368, "Microsoft SQL Server in Azure VM"), (369, "Google Cloud Storage"), (370, "Cosmos DB"),
                                        (371, "Azure PostgreSQL"), (550, "Dynamics CRM Backup"), (551, "Dynamics Unified Operations Backup"),
                                        (8, "Archiver")])
def test_the_module_codes_of_april_2026(code, name):
    assert JOB_MODULE.decode(code) == JOB_MODULE.decode(name) == (name, code, True)


@pytest.mark.parametrize("spelling, name, code", [
    ("OneDrive for Business", "OneDrive", 305), ("Microsoft 365 Group", "Microsoft 365 Groups", 304),
    ("Microsoft Teams Chat", "Teams Chat", 309), ("Yammer", "Viva Engage", 402),
    ("Exchange Online Public Folders", "Exchange Online Public Folder", 307), ("exchange", "Exchange Online", 303),
    ("  TEAMS ", "Microsoft Teams", 308), ("Active Directory", "Microsoft Entra ID", 358),
    ("Dynamics Customer Engagement", "Dynamics CRM Backup", 550),
])
def test_every_spelling_of_a_workload_is_one_module(spelling, name, code):
    assert JOB_MODULE.decode(spelling) == (name, code, True)


@pytest.mark.parametrize("code", sorted(RUN_STATUSES))
def test_every_documented_status_code_has_its_name(code):
    assert RUN_STATUS.decode(code) == RUN_STATUS.decode(RUN_STATUSES[code]) == (RUN_STATUSES[code], code, True)


def test_an_unknown_code_is_kept_and_told_as_unknown():
    name, code, known = JOB_MODULE.decode(999)
    assert (code, known) == (999, False) and "999" in name


def test_a_declared_workload_in_any_spelling_or_a_clear_error():
    assert workload("onedrive for business", "x") == workload("OneDrive", "x") == "OneDrive"
    assert workload(" teams ", "x") == "Microsoft Teams"
    for bad in ("OneDrvie", "None", 305, None):
        with pytest.raises(ConfigurationError) as caught:
            workload(bad, "last_successful_backup_within of customer X")
        message = str(caught.value)
        assert message.startswith("last_successful_backup_within of customer X names the workload")
        assert "Exchange Online, " in message and "Viva Engage" in message and "None," not in message
