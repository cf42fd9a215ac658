# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Protection coverage (Cloud Backup for Microsoft 365): per customer and workload, how many objects
AvePoint scanned and how many it protects, and the declaration of the endpoints serving it.

* partner: ``GET /partner/customers/{customer_id}/protected`` (``partner.cbprotected.read.all``), OData pages.
* elements: ``GET /partner/external/v3/general/customers/{customer_id}/cloud-backup-m365/overview``
  (``elements.cbprotected.read.all``), ``data``/``metadata`` pages. AvePoint publishes its sample
  wrapped in ``[ ]``: a page that comes so is read (one page in a list is unambiguous), a list of
  several is refused (_paging.unwrapped).

Both APIs send the same item: ``serviceModule`` (free text, named as the jobs API names its job
modules: ``Microsoft 365 Group`` is ``Microsoft 365 Groups``; an unknown one is kept as sent and
warned about once), ``totalScannedObjects`` and ``totalProtectedObjects`` (integers), and two sizes.
A workload absent from a customer's list is not protected. An item of another customer than the
one asked for is refused, as every endpoint of this collection refuses another customer's facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from ._errors import ContractError, Warn
from ._job_codes import JOB_MODULE, name_key
from ._options import ConnectionSettings
from ._paging import ODATA, PAGE_INDEX_WRAPPED
from ._resources import REPEAT_ERROR, Endpoint, ItemContext, Resource, Served
from ._sizes import parse_size
from ._times import ABSENT
from ._unknown_values import Kind, UnknownValues

PARTNER_PATH = "/partner/customers/{customer_id}/protected"
ELEMENTS_PATH = "/partner/external/v3/general/customers/{customer_id}/cloud-backup-m365/overview"

# The facts of one workload of a customer, in this order (the module's documentation is checked against it).
WORKLOAD_FIELDS = ("workload", "service", "scanned_objects", "protected_objects", "coverage_percent", "last_job_size_bytes")
# Where the size of the last job is: AvePoint's storage or the customer's own (bring your own storage).
SIZE_FIELDS = ("dataSizeStoredInAvePoint", "dataSizeStoredInBYOS")

UNKNOWN_MODULE = Kind(
    "protection_module",
    "the protection API returned service module(s) this collection does not know: %s. They are kept as sent in "
    "workloads[].workload and match no declared workload; a newer avepoint.graph may know them",
    shown=lambda value, count, _details: "%r (%d customer(s))" % (value, count),
    limit=10,
)
UNREADABLE_SIZE = Kind(
    "protection_size",
    "the protection API returned data sizes this collection cannot read: %s. The workloads carrying them are returned "
    "with last_job_size_bytes null",
    shown=lambda value, count, fields: "%s in %s (%d workload(s))" % (value, "/".join(fields), count),
    limit=5,
)


def workload_name(module: str, unknown: UnknownValues) -> str:
    """The job module name of a ``serviceModule`` in any spelling; an unknown one as sent, noted for the warning."""
    name = JOB_MODULE.canonical(module)
    if name is None:
        unknown.note(UNKNOWN_MODULE, module[:80])
        return module
    return name


def coverage_percent(scanned: Optional[int], protected: Optional[int]) -> Optional[float]:
    """Protected objects per 100 scanned, rounded down to two decimals (so it never shows more than is protected:
    9,999 of 10,000 is 99.99, not 100); None when nothing was scanned or a count is unknown."""
    if not scanned or protected is None:
        return None
    return (protected * 10000 // scanned) / 100


def last_job_size(raw: Dict[str, Any], unknown: UnknownValues) -> Optional[int]:
    """Bytes of the last job: its size in AvePoint's storage plus its size in the customer's own storage (BYOS).

    A job writes to one of the two and the other says ``N/A`` (or ``0 GB``), so the sum is the size wherever the
    data went, which the API does not otherwise say. None when both are absent, or when one cannot be read (a part
    would be a wrong total).
    """
    sizes = []
    for key in SIZE_FIELDS:
        value = raw.get(key)
        if value is None or value.strip().lower() in ABSENT:
            continue
        try:
            sizes.append(parse_size(value))
        except ValueError:
            unknown.note(UNREADABLE_SIZE, repr(value[:40]), key)
            return None
    return sum(sizes) if sizes else None


def protection_facts(raw: Dict[str, Any], context: ItemContext) -> Dict[str, Any]:
    """The facts of one workload (a schema-checked item of either API) of ``context.customer_id``."""
    owner = raw.get("customerId")
    if owner is not None and owner.lower() != context.customer_id:
        raise ContractError(
            "the API answered with data of customer %s for %s: a contract error; refusing to report another "
            "customer's protection" % (owner.lower(), context.what))
    scanned, protected = raw["totalScannedObjects"], raw["totalProtectedObjects"]
    return {
        "workload": workload_name(raw["serviceModule"], context.unknown),
        "service": raw.get("serviceType"),
        "scanned_objects": scanned,
        "protected_objects": protected,
        "coverage_percent": coverage_percent(scanned, protected),
        "last_job_size_bytes": last_job_size(raw, context.unknown),
    }


PROTECTION = Resource(
    kind="protection",
    noun="protected workload",
    named_by="serviceModule",
    repeats=REPEAT_ERROR,  # two answers for one workload of one service: which one is true?
    same_item=lambda facts: "%s of %s" % (facts["workload"], facts["service"] or "no service"),
    apis={
        "partner": Served(protection_facts, of_customer=Endpoint(
            "GET", PARTNER_PATH, "partner_protection_list", "protection_item", ODATA)),
        "elements": Served(protection_facts, of_customer=Endpoint(
            "GET", ELEMENTS_PATH, "elements_protection_page", "protection_item", PAGE_INDEX_WRAPPED)),
    },
)


def protected_workloads(workloads: Iterable[Dict[str, Any]]) -> List[str]:
    """The names of the workloads with at least one protected object, sorted, each once."""
    names = {workload["workload"] for workload in workloads if (workload["protected_objects"] or 0) > 0}
    return sorted(names, key=name_key)


@dataclass
class ProtectionReport:
    """Per customer found (in the order asked) its workloads and the names of the protected ones, and the IDs the
    protection API does not know."""

    customers: List[Dict[str, Any]] = field(default_factory=list)
    missing_ids: List[str] = field(default_factory=list)

    def by_id(self) -> Dict[str, Dict[str, Any]]:
        """``{customer_id: entry of customers}`` for every customer found."""
        return {entry["customer_id"]: entry for entry in self.customers}


def protection_report(customer_ids: List[str], found: List[Optional[List[Dict[str, Any]]]], settings: ConnectionSettings,
                      warn: Warn) -> ProtectionReport:
    """The report of the workloads read for ``customer_ids`` (``found``: each one's workloads, None when unknown),
    each customer's workloads sorted by name (then service), whichever order the API sent them in."""
    report = ProtectionReport()
    for customer_id, workloads in zip(customer_ids, found):
        if workloads is None:
            report.missing_ids.append(customer_id)
            continue
        ordered = sorted(workloads, key=lambda item: (name_key(item["workload"]), item["service"] or ""))
        report.customers.append({"customer_id": customer_id, "workloads": ordered, "protected_workloads": protected_workloads(ordered)})
    if report.missing_ids and not report.customers:
        # A 404 for every customer may also mean that the endpoint is not where we ask.
        path = PROTECTION.served(settings.api).of_customer.path  # type: ignore[union-attr]
        warn("the protection API answered HTTP 404 for every customer asked (%d): they are returned in missing_ids. If "
             "these customers exist, the protection endpoint may not be at %s on %s" % (len(customer_ids), path, settings.api_url))
    return report
