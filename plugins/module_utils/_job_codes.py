# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The codes of backup jobs and their names, as AvePoint documents them for the Elements v3
jobs API (``status``: a job's run status, ``jobType``, ``jobModule``). The partner API sends the
names instead. A customer's backup status is another vocabulary (_backup_status.py).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from ._errors import ConfigurationError
from ._shown import describe

FINISHED = 2  # the run status of a job that completed successfully
NO_MODULE = 0  # the job module "None": no workload

RUN_STATUSES: dict[int, str] = {
    0: "None",
    1: "Running",
    2: "Finished",
    3: "Failed",
    4: "Finished with exception",
    5: "Skipped",
    6: "Pending",
    7: "Failed to start",
    8: "Canceled",
    9: "Rejected",
    10: "Stopped",
    11: "Not scanned",
    12: "Disabled",
    13: "Not started",
    14: "Waiting for configuration",
}
# Status names the partner API is documented to send that have no code ("Not Finished" is in
# AvePoint's partner jobs sample).
PARTNER_STATUS_NAMES = ("Not Finished",)

JOB_TYPES: dict[int, str] = {
    0: "Microsoft 365 Scan",
    7: "Microsoft 365",
    10: "Google Workspace Scan",
    11: "Google Workspace",
    12: "IaaS + PaaS",
    15: "Salesforce",
    16: "Dynamics 365",
}

# Job modules (the workloads a job backs up), as AvePoint's jobs page lists them (2026-04: the table
# changed on 2026-03-13 and 2026-04-11; new codes keep appearing and are kept as "Unknown (<code>)").
JOB_MODULES: dict[int, str] = {
    0: "None",
    8: "Archiver",
    10: "Retention",
    302: "SharePoint Online",
    303: "Exchange Online",
    304: "Microsoft 365 Groups",
    305: "OneDrive",
    306: "Project Online",
    307: "Exchange Online Public Folder",
    308: "Microsoft Teams",
    309: "Teams Chat",
    310: "Power BI",
    311: "Power Automate",
    312: "Power Apps",
    355: "Cloud Backup for Azure",
    356: "Azure Virtual Machine",
    357: "Disk",
    358: "Microsoft Entra ID",
    359: "Storage",
    360: "Admin Portal Settings",
    361: "Amazon EC2",
    362: "Native Azure SQL Backup Monitoring",
    363: "Dev Ops",
    364: "Microsoft Entra ID B2C",
    365: "Azure SQL Backup",
    366: "Google Virtual Machine Instance",
    367: "Azure VMware Solution",
    368: "Microsoft SQL Server in Azure VM",
    369: "Google Cloud Storage",
    370: "Cosmos DB",
    371: "Azure PostgreSQL",
    401: "Dynamics 365",
    402: "Viva Engage",
    501: "Gmail",
    502: "Calendar",
    503: "Contacts",
    504: "Drive",
    505: "Shared Drives",
    506: "Google Classroom",
    507: "Chat",
    508: "Google Directory",
    550: "Dynamics CRM Backup",
    551: "Dynamics Unified Operations Backup",
}

# Other spellings of the job modules, each to its name above: one workload matches under every
# spelling. The partner API sends the names AvePoint's Elements.Client PowerShell module lists
# (AvePoint/elements-samples, ElementsCustomersApi.md); the protection endpoints say "Microsoft 365
# Group"; users write short forms. "Dynamics Customer Engagement" is Dynamics CRM by another name.
WORKLOAD_ALIASES: dict[str, str] = {
    "SharePoint": "SharePoint Online",
    "Exchange": "Exchange Online",
    "Microsoft 365 Group": "Microsoft 365 Groups",
    "Groups": "Microsoft 365 Groups",
    "OneDrive for Business": "OneDrive",
    "Exchange Online Public Folders": "Exchange Online Public Folder",
    "Public Folders": "Exchange Online Public Folder",
    "Teams": "Microsoft Teams",
    "Microsoft Teams Chat": "Teams Chat",
    "Yammer": "Viva Engage",
    "Virtual Machine": "Azure Virtual Machine",
    "Active Directory": "Microsoft Entra ID",
    "Azure Active Directory": "Microsoft Entra ID",
    "Entra ID": "Microsoft Entra ID",
    "Admin Portal Setting": "Admin Portal Settings",
    "Dynamics Customer Engagement": "Dynamics CRM Backup",
    "Dynamics Unified Operations": "Dynamics Unified Operations Backup",
}


def digits_only(text: str) -> bool:
    """Whether ``text`` is a number in ASCII digits: ``str.isdigit`` also accepts superscripts such as '²',
    which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def name_key(name: str) -> str:
    """How names are compared: letter case and runs of white space do not matter."""
    return " ".join(name.split()).casefold()


class CodeTable:
    """Codes and names of one job field, looked up either way; ``aliases`` map other spellings to a name."""

    def __init__(self, field: str, names: dict[int, str], extra_names: Iterable[str] = (),
                 aliases: Optional[Mapping[str, str]] = None) -> None:
        self.field = field
        self.names = names
        self._canonical: dict[str, str] = {name_key(name): name for name in list(names.values()) + list(extra_names)}
        self._canonical.update({name_key(alias): name for alias, name in (aliases or {}).items()})
        codes_by_key: dict[str, list[int]] = {}
        for code, name in names.items():
            codes_by_key.setdefault(name_key(name), []).append(code)
        self._codes: dict[str, tuple[int, ...]] = {key: tuple(codes) for key, codes in codes_by_key.items()}

    def name(self, code: int) -> Optional[str]:
        return self.names.get(code)

    def canonical(self, name: str) -> Optional[str]:
        """The documented spelling of a known name, or None."""
        return self._canonical.get(name_key(name))

    def codes(self, name: str) -> tuple[int, ...]:
        """Every code with this name or alias (none for a name without a code)."""
        return self._codes.get(name_key(self.canonical(name) or name), ())

    def code(self, name: str) -> Optional[int]:
        """The code of a name, or None when it has none or more than one."""
        codes = self.codes(name)
        return codes[0] if len(codes) == 1 else None

    def known_names(self) -> list[str]:
        """Every name (not the aliases)."""
        return sorted(set(self._canonical.values()), key=name_key)

    def decode(self, value: Any) -> tuple[Optional[str], Optional[int], bool]:
        """(name, code, known) for a value as an API sends it: a code, a name, or digits in a string."""
        if isinstance(value, str) and digits_only(value.strip()):
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool):
            name = self.name(value)
            return (name, value, True) if name is not None else (unknown_name(value), value, False)
        text = " ".join(str(value).split())
        canonical = self.canonical(text)
        if canonical is None:
            return text, None, False
        return canonical, self.code(canonical), True


def unknown_name(code: int) -> str:
    """The name reported for a code this collection does not know yet."""
    return "Unknown (%d)" % code


RUN_STATUS = CodeTable("status", RUN_STATUSES, PARTNER_STATUS_NAMES)
JOB_TYPE = CodeTable("job_type", JOB_TYPES)
JOB_MODULE = CodeTable("job_module", JOB_MODULES, aliases=WORKLOAD_ALIASES)


def workload(value: Any, where: str) -> str:
    """The name of a declared workload, in any spelling or letter case (WORKLOAD_ALIASES); a
    ConfigurationError naming ``where`` and listing the known workloads otherwise."""
    name = JOB_MODULE.canonical(value) if isinstance(value, str) else None
    if name is None or name == JOB_MODULES[NO_MODULE]:
        known = ", ".join(known for known in JOB_MODULE.known_names() if known != JOB_MODULES[NO_MODULE])
        raise ConfigurationError("%s names the workload %s, which is not a workload AvePoint backs up; known workloads "
                                 "(any letter case; short forms such as Exchange and Teams work too): %s"
                                 % (where, describe(value), known))
    return name
