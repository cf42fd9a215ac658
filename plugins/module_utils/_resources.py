# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a resource of the AvePoint Graph API is: a declaration, read by the backend of each API.

A resource (customers, jobs...) says, per API, which documented endpoints serve it (method, path
template, page and item schemas, paging style), the permission it needs and how an item becomes
facts (its normaliser). The declarations live beside their normalisers (``_customer_facts.CUSTOMERS``,
``_jobs.JOBS``); the backends (``_partner_api``, ``_elements_api``) know each API's conventions and
read any declared resource, so a new endpoint is a declaration, not new request code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Hashable, Mapping, Optional
from urllib.parse import quote

from ._clouds import permission
from ._unknown_values import UnknownValues

if TYPE_CHECKING:
    from ._paging import Paging

Facts = Dict[str, Any]  # typing aliases: evaluated at run time (Python 3.8)

# What a key (Resource.key) that comes again means.
REPEAT_ERROR = "error"  # one answer naming an item twice cannot be trusted
REPEAT_SKIP = "skip"  # a live list shifts while it is paged: an item may reappear on the next page


@dataclass(frozen=True)
class ItemContext:
    """What a normaliser knows besides the item: ``what`` names the item in errors, ``customer_id`` is
    the customer whose list it came from (None for customer lists), ``unknown`` collects what it cannot interpret."""

    what: str
    customer_id: Optional[str]
    unknown: UnknownValues


Normaliser = Callable[[Dict[str, Any], ItemContext], Facts]


@dataclass(frozen=True)
class Endpoint:
    """One documented endpoint: ``path`` may hold ``{customer_id}``; ``schema`` checks the
    answer (a page, or the entity itself without ``paging``) and ``item_schema`` each item of a page."""

    method: str
    path: str
    schema: str
    item_schema: Optional[str] = None
    paging: Optional[Paging] = None
    ids_field: Optional[str] = None  # for a batch: the body key of the customer IDs (null asks for every one)

    def path_for(self, customer_id: str, template: Optional[str] = None) -> str:
        """The path of one customer's request; the ID is encoded although it is a validated GUID."""
        return (template or self.path).replace("{customer_id}", quote(customer_id, safe=""))


@dataclass(frozen=True)
class Served:
    """How one API serves a resource: any of a GET of one customer's item (``one``), the list of all
    (``every``), a POST of customer IDs (``batch``, which lists all with null IDs) and a customer's
    own list (``of_customer``), and the normaliser of its items."""

    facts: Normaliser
    one: Optional[Endpoint] = None
    every: Optional[Endpoint] = None
    batch: Optional[Endpoint] = None
    of_customer: Optional[Endpoint] = None


@dataclass(frozen=True)
class Resource:
    """A kind of data both APIs serve. ``kind`` names its permission (_clouds.PERMISSIONS), ``noun``
    one item in messages; ``key`` is the fact that identifies an item (None: items have no identity),
    ``named_by`` the API field that names an item in messages (None: its position on the page)."""

    kind: str
    noun: str
    apis: Mapping[str, Served]
    key: Optional[str] = None
    repeats: str = REPEAT_ERROR
    named_by: Optional[str] = None
    # What makes two items of a list the same item (None: never the same); default: the ``key`` fact.
    same_item: Optional[Callable[[Facts], Hashable]] = None
    # What the requests read when an item is a customer's record of something else ("services"): messages
    # then name "the services of customer <id>" and "the services list" instead of "customer <id>".
    subject: Optional[str] = None

    @property
    def one_label(self) -> str:
        """What names the read of one customer's item, before its ID: ``customer``, ``the services of customer``."""
        return "the %s of %s" % (self.subject, self.noun) if self.subject else self.noun

    @property
    def list_label(self) -> str:
        """What names the read of every item: ``the customer list``, ``the services list``."""
        return "the %s list" % (self.subject or self.noun)

    def identity(self, facts: Facts) -> Hashable:
        if self.same_item is not None:
            return self.same_item(facts)
        return facts.get(self.key) if self.key else None

    def served(self, api: str) -> Served:
        return self.apis[api]

    def permission(self, api: str) -> str:
        return permission(api, self.kind)
