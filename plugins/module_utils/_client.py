# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one AvePoint Graph API client every module and plugin uses.

It checks the IDs it is given, holds the pooled transport and the token, sends the requests the
backend of the chosen API builds (refreshing the token once on a 401, mapping HTTP errors to
messages that say what to do), runs bulk reads concurrently within the ``concurrency`` option,
reports what the API sent that it could not interpret, and masks every secret in every error
that leaves it: the one place that happens.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import responses as reasons
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, TypeVar

from ._auth import token_source_for
from ._backend import Backend, Reader, Request, Unit
from ._customer_facts import CUSTOMERS
from ._customer_ids import normalize_customer_ids
from ._deps import require_libraries
from ._elements_api import ElementsBackend
from ._errors import ApiError, AvePointError, NotFoundError, PartialFailureError, Warn
from ._http import HttpResponse, HttpTransport, Transport, redirect_note
from ._job_query import JobQuery
from ._jobs import JOBS, JobReport, api_filter, job_report
from ._options import ConnectionSettings
from ._parallel import map_bounded
from ._partner_api import PartnerBackend
from ._protection import PROTECTION, ProtectionReport, protection_report
from ._resources import Facts, Resource
from ._responses import ErrorDetails, decode_json
from ._subscriptions import SUBSCRIPTIONS
from ._unknown_values import UnknownValues

Item = TypeVar("Item")
Result = TypeVar("Result")

BACKENDS: Dict[str, Callable[[Reader], Backend]] = {"partner": PartnerBackend, "elements": ElementsBackend}


@dataclass
class CustomerSet:
    """The result of a fetch: customers (their facts, or their subscriptions) in the order asked, and the IDs not found."""

    customers: List[Dict[str, Any]] = field(default_factory=list)
    missing_ids: List[str] = field(default_factory=list)


class AvePointClient:
    def __init__(self, settings: ConnectionSettings, warn: Optional[Warn] = None, transport: Optional[HttpTransport] = None) -> None:
        require_libraries()
        self.settings = settings
        self._warn: Warn = warn or (lambda message: None)
        self.transport: HttpTransport = transport or Transport(settings, warn=self._warn)
        self.tokens = token_source_for(settings, self.transport)
        self._unknown = UnknownValues()
        self.backend: Backend = BACKENDS[settings.api](Reader(settings, self._unknown, self._warn))

    def __enter__(self) -> "AvePointClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def start_task(self) -> None:
        """Begin a new task with this client: a fresh ``total_timeout`` budget and no host remembered as
        unreachable; the token is kept. For a long-lived client that works again and again (the event source)."""
        self.transport.start_task()

    # Public operations: every error leaving them has the secrets masked.

    def get_customers(self, ids: Sequence[Any]) -> CustomerSet:
        """Fetch customers by ID; IDs are all validated before the first request."""
        return self._get(CUSTOMERS, ids)

    def list_customers(self) -> List[Dict[str, Any]]:
        """Every customer the app registration can see."""
        return self._every(CUSTOMERS)

    def get_subscriptions(self, ids: Sequence[Any]) -> CustomerSet:
        """The subscriptions of customers by ID (``customers``: customer_id, organization, subscriptions)."""
        return self._get(SUBSCRIPTIONS, ids)

    def list_subscriptions(self) -> List[Dict[str, Any]]:
        """The subscriptions of every customer the app registration can see."""
        return self._every(SUBSCRIPTIONS)

    def get_jobs(self, query: JobQuery) -> JobReport:
        """The jobs of the customers of a validated ``query``, read concurrently, and each one's last success."""
        path = query.elements_path if self.settings.api == "elements" else None
        body = api_filter(query) if self.settings.api == "elements" else None
        with self._reading():
            found = self._map(lambda customer_id: self.backend.of_customer(JOBS, customer_id, self.send, path, body),
                              query.customer_ids)
        return job_report(query, found, self.settings, self._warn)

    def get_protection(self, ids: Sequence[Any]) -> ProtectionReport:
        """The protected workloads of each customer of ``ids`` (validated before any request), read concurrently."""
        wanted = normalize_customer_ids(ids)
        with self._reading():
            found = self._map(lambda customer_id: self.backend.of_customer(PROTECTION, customer_id, self.send), wanted)
        return protection_report(wanted, found, self.settings, self._warn)

    # How the operations run.

    def _get(self, resource: Resource, ids: Sequence[Any]) -> CustomerSet:
        """The items of ``resource`` of customers by ID, in the order asked; IDs are all validated before the first request."""
        wanted = normalize_customer_ids(ids)
        with self._reading():
            found = self._by_ids(resource, wanted) if wanted else {}
        return CustomerSet(
            customers=[found[customer_id] for customer_id in wanted if customer_id in found],
            missing_ids=[customer_id for customer_id in wanted if customer_id not in found],
        )

    def _every(self, resource: Resource) -> List[Facts]:
        with self._reading():
            return self.backend.every(resource, self.send)

    def _by_ids(self, resource: Resource, ids: List[str]) -> Dict[str, Facts]:
        """The facts of the customers of ``ids`` the API knows, by lowercase ID, read in concurrent units."""
        units = self.backend.units(resource, ids)
        try:
            found = self._map(lambda unit: self.backend.read_unit(resource, unit, self.send), units)
        except PartialFailureError as error:
            raise _failed_units(error, units) from None
        if not any(found):
            self.backend.none_found(resource, len(ids), self.send)
        return {facts[resource.key]: facts for facts_list in found for facts in facts_list}  # type: ignore[index]

    def _map(self, work: Callable[[Item], Result], items: Sequence[Item]) -> List[Result]:
        """``work`` for each item, concurrently within the concurrency option; results in order."""
        return map_bounded(work, items, self.settings.concurrency, is_fatal)

    def send(self, request: Request) -> Any:
        """An authenticated request; the decoded JSON body of a 2xx answer, else an ApiError that says what to do."""
        url = request.path if "://" in request.path else self.settings.api_url + request.path
        headers = {"Content-Type": "application/json"} if request.body is not None else None
        token = self.tokens.token()
        response = self.transport.send(request.method, url, token=token, params=request.params, json_body=request.body, headers=headers)
        if response.status == 401 and self.tokens.invalidate(token):
            # The token may have expired or been revoked: fetch a new one, once.
            response = self.transport.send(request.method, url, token=self.tokens.token(), params=request.params,
                                           json_body=request.body, headers=headers)
        if not 200 <= response.status < 300:
            raise http_error(response, request.what, self.settings, request.permission)
        return decode_json(response, request.what)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Around a public operation: report what could not be interpreted, mask secrets in errors."""
        try:
            yield
        except AvePointError as error:
            raise error.redacted(self.known_secrets()) from None
        finally:
            self._unknown.report(self._warn)

    def known_secrets(self) -> List[str]:
        return list(self.settings.secrets) + list(self.tokens.issued)


def is_fatal(error: AvePointError) -> bool:
    """Errors that would repeat for every customer: stop the whole bulk fetch. ``ApiError.fatal`` marks the
    transport's (a host that cannot be reached after the retries, TLS, total_timeout) and the token's."""
    return error.fatal or (isinstance(error, ApiError) and error.status in (400, 401, 403))


def _failed_units(error: PartialFailureError, units: Sequence[Unit]) -> PartialFailureError:
    """A partial failure of batches names the failed batches and every customer ID in them in failed_ids."""
    by_label = {str(unit): unit for unit in units}
    if all(len(unit.ids) == 1 and str(unit) == unit.ids[0] for unit in units):
        return error  # one unit per ID: the labels are the IDs
    failed_ids = [customer_id for label, _error in error.failures for customer_id in by_label[label].ids]
    return PartialFailureError(error.failures, noun="batch(es) of customers", failed_ids=failed_ids)


def http_error(response: HttpResponse, what: str, settings: ConnectionSettings, permission: str) -> ApiError:
    """Map an unsuccessful API response to an error that says what happened and what to do."""
    status = response.status
    details = ErrorDetails(response)
    head = "HTTP %d %s for %s" % (status, reasons.get(status, ""), what)
    head = head.replace("  ", " ")
    if status == 401:
        text = "%s%s: the service rejected the credentials; check client_id and client_secret (or access_token, which may have expired) and the cloud (%s)" % (
            head, details.suffix(), settings.api_url)
    elif status == 403:
        text = ("%s%s: the app registration needs the permission '%s' for the %s API, and the customer must be within its "
                "customer scope (the token was requested with scope '%s')" % (head, details.suffix(), permission, settings.api, settings.scope))
    elif 300 <= status < 400:
        text = head + redirect_note(response) + details.suffix()
    elif status == 404:
        return NotFoundError("%s%s: not found" % (head, details.suffix()), status=status, server_message=details.message,
                             request_id=details.request_id, trace_id=details.trace_id)
    elif response.attempts > 1:
        text = "%s after %d attempts%s" % (head, response.attempts, details.suffix())
    else:
        text = head + details.suffix()
    return ApiError(text, status=status, server_message=details.message,
                    request_id=details.request_id, trace_id=details.trace_id)
