"""The API shapes every consumer is tested against (simulator shape switches), and the facts each must give.

Roles of the simulator's customers (25 generated, seed 7) in these tests:

* NULLS gets null fields (and, with the elements API, null tenants, no managementMode, a string jobStatus);
* WRONG is answered with another customer; EMPTY with an empty body; DUP is listed twice;
* KNOWN, OTHER are plain customers; UNKNOWN is no customer at all.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

from harness import expected_facts

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NULLS, KNOWN, OTHER, WRONG, EMPTY, DUP = 1, 0, 2, 6, 7, 20  # indexes in the simulator's dataset
PARTNER_NULL_FIELDS = ["organization", "ownerEmail", "countryOrRegion"]
ELEMENTS_NULL_FIELDS = ["ownerEmail", "tenants"]


def shape_sets(customers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Named sets of simulator shape switches (each set is one POST /_sim/shapes)."""
    ident = [c["id"] for c in customers]
    return {
        # Paged with a plain nextLink, nulls for one customer, a wrong and an empty answer for two IDs.
        "plain": {"next_link": "plain", "partner_page_size": 10, "null_fields": PARTNER_NULL_FIELDS, "ids": [ident[NULLS]],
                  "wrong_id": [ident[WRONG]], "empty_body": [ident[EMPTY]], "empty_status": 204},
        "token": {"next_link": "token", "partner_page_size": 7},
        "repeat": {"endless": "repeat"},
        "fresh": {"endless": "fresh"},
        "duplicates": {"duplicate_ids": [ident[DUP]], "next_link": "foreign", "partner_page_size": 10},
        # Elements odd but valid shapes; the partner API is not served at all (a wrong api_url / cloud).
        "elements": {"require_body": True, "job_status_as_string": True, "null_fields": ELEMENTS_NULL_FIELDS,
                     "omit_fields": ["managementMode"], "ids": [ident[NULLS]], "max_batch_ids": 20,
                     "wrong_id": [ident[WRONG]], "partner_api": False},
    }


def facts(raw: dict[str, Any], api: str, shapes: str, null_id: str) -> dict[str, Any]:
    """The facts a consumer must return for a dataset customer under a shape set."""
    result = expected_facts(raw)
    if api == "elements":
        result.update(management_mode=raw["managementMode"], tenants=[dict(t) for t in raw["tenants"]])
    if raw["id"] == null_id and shapes in ("plain", "elements"):
        if api == "partner":
            result.update(organization=None, owner_email=None, country_or_region=None)
        else:  # null tenants are no tenants; a missing managementMode is null
            result.update(owner_email=None, tenants=[], management_mode=None)
    return result


# More IDs than the "elements" set's batch limit of 20: every customer but WRONG, and all 25 plus 20 unknown IDs.
ALL_BUT_WRONG = [index for index in range(25) if index != WRONG]
ALL_AND_20_UNKNOWN = list(range(25)) + [str(uuid.UUID(int=n + 1)) for n in range(20)]


class Case:
    """One consumer call under one shape set: the facts it must give, or the error it must name."""

    def __init__(self, name: str, shapes: str, api: str = "partner", ids: Optional[list[Any]] = None,
                 errors: tuple[str, ...] = (), options: Optional[dict[str, Any]] = None) -> None:
        self.name = name
        self.shapes = shapes
        self.api = api
        self.ids = ids  # indexes into the dataset or literal IDs; None asks for every customer
        self.errors = errors
        self.options = options or {}

    def wanted(self, customers: list[dict[str, Any]]) -> Optional[list[str]]:
        if self.ids is None:
            return None
        return [customers[item]["id"] if isinstance(item, int) else item for item in self.ids]

    def expected(self, customers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_id = {c["id"]: c for c in customers}
        wanted = self.wanted(customers)
        chosen = customers if wanted is None else [by_id[i] for i in wanted if i in by_id]
        return [facts(c, self.api, self.shapes, customers[NULLS]["id"]) for c in chosen]

    def missing_ids(self, customers: list[dict[str, Any]]) -> list[str]:
        wanted = self.wanted(customers) or []
        known = {c["id"] for c in customers}
        return [i for i in wanted if i not in known]

    def fragments(self, customers: list[dict[str, Any]]) -> list[str]:
        """Error fragments with {WRONG}, {EMPTY}, {DUP}... replaced by the IDs."""
        names = {"WRONG": WRONG, "EMPTY": EMPTY, "DUP": DUP, "NULLS": NULLS, "KNOWN": KNOWN, "OTHER": OTHER}
        values = {name: customers[index]["id"] for name, index in names.items()}
        return [fragment.format(**values) for fragment in self.errors]


DOES_NOT_SERVE = "does not serve the partner API endpoint /partner/customers; check api_url and cloud, or use api: elements"

# Through the module (and the role, which uses it): every shape, listing and by ID.
MODULE_CASES = [
    Case("plain_next_link_list", "plain"),
    Case("nulls_by_id", "plain", ids=[NULLS, KNOWN]),
    Case("wrong_id", "plain", ids=[WRONG], errors=("answered the request for customer {WRONG} with customer", "a contract error")),
    Case("empty_204", "plain", ids=[EMPTY, KNOWN], errors=("customer {EMPTY} with HTTP 204 and an empty body",)),
    Case("unknown_among_found", "plain", ids=[KNOWN, UNKNOWN]),
    Case("one_unknown", "plain", ids=[UNKNOWN]),
    Case("token_paging_list", "token"),
    Case("endless_repeat_partner", "repeat", errors=("more than once in the customer list (on pages 1 and 4)",)),
    Case("endless_repeat_elements", "repeat", api="elements",
         errors=("metadata.totalCount 1000000000", "max_pages (AVEPOINT_MAX_PAGES)")),
    Case("endless_fresh_max_pages", "fresh", options={"max_pages": 5},
         errors=("the customer list still has more pages after 5 pages, the limit set by the option max_pages",)),
    Case("foreign_next_link", "duplicates",
         errors=("refusing to follow the next page link https://pages.example.invalid/partner/customers?$skiptoken=",)),
    Case("duplicates_elements_list", "duplicates", api="elements", errors=("customer {DUP} more than once in the customer list",)),
    Case("duplicates_elements_batch", "duplicates", api="elements", ids=[KNOWN, DUP], errors=("customer {DUP} more than once in batch",)),
    Case("elements_odd_list", "elements", api="elements"),
    Case("elements_batch_halved", "elements", api="elements", ids=ALL_BUT_WRONG),
    Case("elements_batch_refused_twice", "elements", api="elements", ids=ALL_AND_20_UNKNOWN,
         errors=("refused 45 customer IDs per request as too many, and 23 after halving",
                 "set the option batch_size (AVEPOINT_BATCH_SIZE, now 100) lower")),
    Case("elements_wrong_id", "elements", api="elements", ids=[WRONG], errors=("which was not asked for",)),
    Case("partner_not_served_by_id", "elements", ids=[KNOWN, OTHER], errors=("every one of the 2 customer ID(s) asked", DOES_NOT_SERVE)),
    Case("partner_not_served_list", "elements", errors=("the customer list answers HTTP 404", DOES_NOT_SERVE)),
]
