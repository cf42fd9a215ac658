# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one AvePoint Graph API client every module and plugin uses.

It owns the pooled transport and the token, sends authenticated calls (refreshing
the token once on a 401), maps HTTP errors to clear messages, and delegates the
customer endpoints to the backend of the chosen API.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import responses as reasons
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence, TypeVar

from ._auth import token_source_for
from ._backend import Backend, BackendFactory
from ._clouds import API_SCOPES
from ._customers import normalize_customer_ids
from ._deps import require_libraries
from ._elements_api import ElementsBackend
from ._errors import ApiError, AvePointError, NotFoundError
from ._http import HttpResponse, HttpTransport, Transport, redirect_note
from ._job_query import JobQuery
from ._jobs_api import JobReport, fetch_jobs
from ._options import ConnectionSettings
from ._parallel import map_bounded
from ._partner_api import PartnerBackend
from ._responses import ErrorDetails, decode_json

Warn = Callable[[str], None]
Item = TypeVar("Item")
Result = TypeVar("Result")

# Each API is a small backend (the Backend protocol): fetch_ids(ids) and fetch_all().
BACKENDS: dict[str, BackendFactory] = {"partner": PartnerBackend, "elements": ElementsBackend}


@dataclass
class CustomerSet:
    """The result of a fetch: customers in the order asked, and the IDs not found."""

    customers: list[dict[str, Any]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)


class AvePointClient:
    """Implements the BackendClient protocol (settings, warn, call, map_ids) its backend uses."""

    def __init__(self, settings: ConnectionSettings, warn: Optional[Warn] = None, transport: Optional[HttpTransport] = None) -> None:
        require_libraries()
        self.settings = settings
        self._warn: Warn = warn or (lambda message: None)
        self.transport: HttpTransport = transport or Transport(settings, warn=self._warn)
        self.tokens = token_source_for(settings, self.transport)
        self.backend: Backend = BACKENDS[settings.api](self)

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

    def get_customers(self, ids: Iterable[Any]) -> CustomerSet:
        """Fetch customers by ID; IDs are all validated before the first request."""
        wanted = normalize_customer_ids(ids)
        with self._redacting():
            found = self.backend.fetch_ids(wanted) if wanted else {}
        return CustomerSet(
            customers=[found[customer_id] for customer_id in wanted if customer_id in found],
            missing_ids=[customer_id for customer_id in wanted if customer_id not in found],
        )

    def list_customers(self) -> list[dict[str, Any]]:
        """Every customer the app registration can see."""
        with self._redacting():
            return self.backend.fetch_all()

    def get_jobs(self, query: JobQuery) -> JobReport:
        """The jobs of the customers of a validated ``query``, read concurrently, and each one's last success."""
        with self._redacting():
            return fetch_jobs(self, query)

    # Used by backends.

    def warn(self, message: str) -> None:
        """Show a warning through the callback the caller gave (modules and plugins differ)."""
        self._warn(message)

    def map_ids(self, work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        """Run ``work`` for each item (an ID, a batch of IDs) concurrently, bounded by the concurrency option."""
        return map_bounded(work, items, self.settings.concurrency, is_fatal)

    def call(self, method: str, path_or_url: str, *, what: str, params: Optional[Mapping[str, Any]] = None, json_body: Any = None,
             headers: Optional[Mapping[str, str]] = None) -> Any:
        """An authenticated call returning the decoded JSON body of a 2xx response."""
        url = path_or_url if "://" in path_or_url else self.settings.api_url + path_or_url
        token = self.tokens.token()
        response = self.transport.send(method, url, token=token, params=params, json_body=json_body, headers=headers)
        if response.status == 401 and self.tokens.invalidate(token):
            # The token may have expired or been revoked: fetch a new one, once.
            response = self.transport.send(method, url, token=self.tokens.token(), params=params, json_body=json_body, headers=headers)
        if not 200 <= response.status < 300:
            raise http_error(response, what, self.settings)
        return decode_json(response, what)

    @contextmanager
    def _redacting(self) -> Iterator[None]:
        try:
            yield
        except AvePointError as error:
            raise error.redacted(self.known_secrets()) from None

    def known_secrets(self) -> list[str]:
        return list(self.settings.secrets) + list(self.tokens.issued)


def is_fatal(error: AvePointError) -> bool:
    """Errors that would repeat for every customer: stop the whole bulk fetch. ``ApiError.fatal`` marks the
    transport's (a host that cannot be reached after the retries, TLS, total_timeout) and the token's."""
    return error.fatal or (isinstance(error, ApiError) and error.status in (400, 401, 403))


def http_error(response: HttpResponse, what: str, settings: ConnectionSettings) -> ApiError:
    """Map an unsuccessful API response to an error that says what happened and what to do."""
    status = response.status
    details = ErrorDetails(response)
    head = "HTTP %d %s for %s" % (status, reasons.get(status, ""), what)
    head = head.replace("  ", " ")
    if status == 401:
        text = "%s%s: the service rejected the credentials; check client_id and client_secret (or access_token, which may have expired) and the cloud (%s)" % (
            head, details.suffix(), settings.api_url)
    elif status == 403:
        text = "%s%s: the app registration needs the permission '%s' for the %s API, and the customer must be within its customer scope" % (
            head, details.suffix(), API_SCOPES[settings.api], settings.api)
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
