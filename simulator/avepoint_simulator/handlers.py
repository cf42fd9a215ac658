"""HTTP request handler: routing, auth, endpoint logic, fault application.

The handler reaches shared state through `self.server.state` (a SimState built by
server.py) so it stays free of lifecycle concerns.
"""
from __future__ import annotations

import base64
import functools
import json
import re
import secrets
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from . import live
from .dataset import is_guid, job_status_name, partner_view, v3_view
from .jobs import partner_job_view, v3_job_view
from .protection import protection_view
from .subscriptions import partner_services_view, v3_services_view
from .faults import POST_KINDS, PRE_KINDS, TOKEN_PATH, FaultRule
from .shapes import FOREIGN_HOST, Shapes, fresh_customer
from .tokens import OAuthError, resolve_scopes

if TYPE_CHECKING:  # pragma: no cover
    from .server import SimState

PARTNER_SCOPE = "partner.customers.read.all"
ELEMENTS_SCOPE = "elements.customers.read.all"
PARTNER_JOBS_SCOPE = "partner.jobs.read.all"
ELEMENTS_JOBS_SCOPE = "elements.jobs.read.all"
PARTNER_PROTECTION_SCOPE = "partner.cbprotected.read.all"
ELEMENTS_PROTECTION_SCOPE = "elements.cbprotected.read.all"
PARTNER_LICENSE_SCOPE = "partner.license.read.all"
ELEMENTS_LICENSE_SCOPE = "elements.license.read.all"

ROUTE_ONE = "GET /partner/customers/{id}"
ROUTE_LIST = "GET /partner/customers"
ROUTE_BATCH = "POST /partner/external/v3/general/customers/batch"
ROUTE_PARTNER_JOBS = "GET /partner/customers/{id}/jobs"
ROUTE_V3_JOBS = "POST /partner/external/v3/general/customers/{id}/avpt-products/jobs/batch"
ROUTE_PARTNER_PROTECTED = "GET /partner/customers/{id}/protected"
ROUTE_V3_PROTECTED = "GET /partner/external/v3/general/customers/{id}/cloud-backup-m365/overview"
ROUTE_SERVICES_ONE = "GET /partner/services/{id}"
ROUTE_SERVICES_LIST = "GET /partner/services"
ROUTE_SERVICES_BATCH = "POST /partner/external/v3/general/customers/services/batch"

_RE_ONE = re.compile(r"^/partner/customers/([^/]+)/?$", re.IGNORECASE)
_RE_LIST = re.compile(r"^/partner/customers/?$", re.IGNORECASE)
_RE_BATCH = re.compile(r"^/partner/external/v3/general/customers/batch/?$", re.IGNORECASE)
_RE_PARTNER_JOBS = re.compile(r"^/partner/customers/([^/]+)/jobs/?$", re.IGNORECASE)
_RE_PARTNER_PROTECTED = re.compile(r"^/partner/customers/([^/]+)/protected/?$", re.IGNORECASE)
_RE_V3_PROTECTED = re.compile(r"^/partner/external/v3/general/customers/([^/]+)/cloud-backup-m365/overview/?$", re.IGNORECASE)
# Case-insensitive like ASP.NET routing: AvePoint's own sample spells the path /partner/Services/{id}.
_RE_SERVICES_ONE = re.compile(r"^/partner/services/([^/]+)/?$", re.IGNORECASE)
_RE_SERVICES_LIST = re.compile(r"^/partner/services/?$", re.IGNORECASE)
_RE_SERVICES_BATCH = re.compile(r"^/partner/external/v3/general/customers/services/batch/?$", re.IGNORECASE)
_RE_CONTROL_CUSTOMERS = re.compile(r"^/_sim/customers(?:/([^/]+)(/jobs)?)?$")


@functools.lru_cache(maxsize=16)
def path_pattern(template: str) -> re.Pattern[str]:
    """A route regex for a path template with one {id} placeholder (the v3 jobs path is configurable)."""
    head, _sep, tail = template.partition("{id}")
    return re.compile("^%s([^/]+)%s/?$" % (re.escape(head), re.escape(tail.rstrip("/"))), re.IGNORECASE)


MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
ENDLESS_PAGE_SIZE = 10  # partner list page size when `endless` is on without a page size
ENDLESS_TOTAL = 10 ** 9  # v3 totalCount when `endless` is on without `total_count`

HTML_PAGE = ("<html><head><title>{status} Bad Gateway</title></head><body>"
             "<center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center>"
             "</body></html>\n")

_PADDING_CACHE: dict[int, str] = {}


class HttpError(Exception):
    def __init__(self, status: int, message: str, errors: Optional[list[dict[str, str]]] = None,
                 headers: Optional[dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}


def error_body(status: int, message: str, errors: Optional[list[dict[str, str]]] = None) -> dict[str, Any]:
    """AvePoint's documented error envelope."""
    return {"statusCode": status, "message": message, "errors": errors or [],
            "requestId": str(uuid.uuid4()), "traceId": secrets.token_hex(16)}


class RawBody:
    """A response body sent as is (e.g. an empty 200), not JSON-encoded."""

    def __init__(self, data: bytes) -> None:
        self.data = data


def _field_error(field: str, message: str) -> list[dict[str, str]]:
    return [{"code": "InvalidValue", "field": field, "message": message}]


def _encode_skiptoken(offset: int) -> str:
    # Opaque on purpose: clients must follow nextLink, not build offsets themselves.
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_skiptoken(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, value = raw.split(":", 1)
        offset = int(value)
        if prefix != "o" or offset < 0:
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError) as exc:
        raise HttpError(400, "Invalid $skiptoken", _field_error("$skiptoken", "not a valid skip token")) from exc


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can pool connections
    server_version = "AvePointGraphSimulator/1.0"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    # --- plumbing -------------------------------------------------------------------

    @property
    def state(self) -> "SimState":
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.state.config.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def _read_body(self) -> bytes:
        # Always drain the body: on a keep-alive connection leftovers would be parsed as
        # the next request line.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _base_url(self) -> str:
        host = self.headers.get("Host")
        if not host:
            return self.state.base_url
        return f"{self.state.scheme}://{host}"

    def _send(self, status: int, data: bytes, content_type: str = "application/json; charset=utf-8",
              headers: Optional[dict[str, str]] = None, truncate: bool = False, drip: Optional[FaultRule] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if truncate:
            self.send_header("Connection", "close")
        if self._api_request:
            self.state.counters.status(str(status))  # before the answer leaves (tests read counters right after)
        if drip is not None and drip.drip_headers:
            # The status line and headers too (what end_headers would send at once), then the body.
            self._headers_buffer.append(b"\r\n")
            head = b"".join(self._headers_buffer)
            self._headers_buffer = []
            self._drip(head + data, drip)
            return
        self.end_headers()
        if truncate:
            # Promise the full length, deliver half, then close: the client sees an
            # incomplete read, like a connection cut mid-transfer.
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
        elif drip is not None:
            self._drip(data, drip)
        else:
            self.wfile.write(data)

    def _drip(self, data: bytes, rule: FaultRule) -> None:
        """``data`` (the body, or the whole response with ``drip_headers``), a few bytes at a time: each read of
        the client gets data before its socket timeout, so only a bound on the whole response stops it."""
        for start in range(0, len(data), rule.drip_bytes):
            if start:
                time.sleep(rule.drip_ms / 1000.0)
            try:
                self.wfile.write(data[start:start + rule.drip_bytes])
                self.wfile.flush()
            except OSError:  # the client gave up, as it should
                self.close_connection = True
                return

    def _send_json(self, status: int, payload: Any, headers: Optional[dict[str, str]] = None,
                   truncate: bool = False, drip: Optional[FaultRule] = None) -> None:
        self._send(status, json.dumps(payload, separators=(",", ":")).encode(), headers=headers, truncate=truncate, drip=drip)

    def _send_error(self, err: HttpError) -> None:
        self._send_json(err.status, error_body(err.status, err.message, err.errors), headers=err.headers)

    def _dispatch(self, method: str) -> None:
        self._api_request = False
        split = urlsplit(self.path)
        path = split.path
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send_error(HttpError(400, "Malformed request body"))
            return
        self._request_body = body  # for `echo_request` fault rules
        query = {k.lower(): v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        if path == "/_sim" or path.startswith("/_sim/"):
            self._control(method, path, body)
        elif path.rstrip("/") == TOKEN_PATH:
            self._token(method, TOKEN_PATH, body)
        else:
            self._api(method, path, query, body)

    # --- control endpoints (never counted, no auth) ---------------------------------

    def _control(self, method: str, path: str, body: bytes) -> None:
        state = self.state
        key = f"{method} {path.rstrip('/')}"
        if key == "GET /_sim/counters":
            self._send_json(200, state.counters.snapshot())
        elif key == "POST /_sim/reset":
            state.counters.reset()
            self._send_json(200, {"ok": True})
        elif key == "GET /_sim/faults":
            self._send_json(200, state.faults.describe())
        elif key == "POST /_sim/faults":
            try:
                state.faults.set_rules(json.loads(body or b"[]"))
            except (ValueError, TypeError) as exc:
                self._send_error(HttpError(400, f"Invalid fault rules: {exc}"))
                return
            self._send_json(200, {"ok": True, "rules": len(state.faults.describe())})
        elif key == "DELETE /_sim/faults":
            state.faults.clear()
            self._send_json(200, {"ok": True})
        elif key == "POST /_sim/revoke-tokens":
            state.tokens.revoke_all()
            self._send_json(200, {"ok": True})
        elif key == "GET /_sim/shapes":
            self._send_json(200, state.shapes.get().describe())
        elif key == "POST /_sim/shapes":
            try:
                shapes = state.shapes.set(json.loads(body or b"{}"))
            except (ValueError, TypeError) as exc:
                self._send_error(HttpError(400, f"Invalid shapes: {exc}"))
                return
            self._send_json(200, {"ok": True, "shapes": shapes.describe()})
        elif key == "DELETE /_sim/shapes":
            state.shapes.clear()
            self._send_json(200, {"ok": True})
        elif key == "GET /_sim/dataset":
            self._send_json(200, state.customers)
        elif key == "GET /_sim/health":
            self._send_json(200, {"ok": True, "url": state.base_url})
        elif _RE_CONTROL_CUSTOMERS.match(path.rstrip("/")):
            self._change_customers(method, path.rstrip("/"), body)
        else:
            self._send_error(HttpError(404, f"Unknown control endpoint {key}"))

    def _change_customers(self, method: str, path: str, body: bytes) -> None:
        """POST /_sim/customers, PATCH|DELETE /_sim/customers/{id}, POST /_sim/customers/{id}/jobs (live.py)."""
        match = _RE_CONTROL_CUSTOMERS.match(path)
        customer_id, jobs = match.group(1), match.group(2)
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            self._send_error(HttpError(400, "Control body is not valid JSON"))
            return
        try:
            if customer_id is None and method == "POST":
                self._send_json(201, live.add_customer(self.state, payload if payload is not None else {}))
            elif customer_id is not None and jobs and method == "POST":
                self._send_json(201, live.add_job(self.state, unquote(customer_id), payload))
            elif customer_id is not None and not jobs and method == "PATCH":
                self._send_json(200, live.update_customer(self.state, unquote(customer_id), payload))
            elif customer_id is not None and not jobs and method == "DELETE":
                live.remove_customer(self.state, unquote(customer_id))
                self._send_json(200, {"ok": True})
            else:
                self._send_error(HttpError(405, f"Method {method} not allowed on {path}"))
        except live.ChangeError as error:
            self._send_error(HttpError(error.status, str(error)))

    # --- faults -----------------------------------------------------------------------

    def _apply_pre_fault(self, rule: FaultRule) -> None:
        """Answer the request entirely from a fault rule (status/drop/malformed/html/empty)."""
        headers: dict[str, str] = dict(rule.raw.get("headers") or {})  # e.g. a Location with a 301
        if rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after)
        status = rule.status or 200
        if rule.kind == "drop":
            # No response at all; closing makes the client see a disconnect.
            self.close_connection = True
            if self._api_request:
                self.state.counters.status("dropped")
            return
        if rule.kind == "status":
            if rule.raw.get("echo_request"):
                # A careless service that repeats the credentials it received in its error message.
                echoed = (f"Simulated fault (HTTP {status}); received Authorization="
                          f"{self.headers.get('Authorization', '')!r} body={self._request_body.decode('utf-8', 'replace')!r}")
                self._send_json(status, error_body(status, echoed), headers=headers)
            elif rule.body is None:
                self._send_json(status, error_body(status, f"Simulated fault (HTTP {status})"), headers=headers)
            elif isinstance(rule.body, str):
                ctype = "application/json" if rule.body.lstrip()[:1] in ("{", "[") else "text/plain; charset=utf-8"
                self._send(status, rule.body.encode(), ctype, headers)
            else:
                self._send_json(status, rule.body, headers=headers)
        elif rule.kind == "malformed":
            text = rule.body if isinstance(rule.body, str) else '{"id": '
            self._send(status, text.encode(), headers=headers)
        elif rule.kind == "html":
            text = rule.body if isinstance(rule.body, str) else HTML_PAGE.format(status=status)
            self._send(status, text.encode(), "text/html; charset=utf-8", headers)
        elif rule.kind == "empty":
            self._send(status, b"", headers=headers)

    @staticmethod
    def _customer_objects(payload: Any) -> list[dict[str, Any]]:
        if isinstance(payload, list) and len(payload) == 1:
            payload = payload[0]  # a page wrapped in [ ] (the `protection_wrapped` shape)
        if isinstance(payload, dict):
            for key in ("value", "data"):
                if isinstance(payload.get(key), list):
                    return [o for o in payload[key] if isinstance(o, dict)]
            return [payload]
        return []

    def _apply_post_fault(self, rule: FaultRule, status: int, payload: Any) -> tuple[Any, bool]:
        """Mutate a real response; returns (payload, truncate)."""
        if rule.kind == "truncated":
            return payload, True
        if rule.kind == "drip":
            return payload, False  # the body is unchanged; _send drips it
        if rule.kind == "huge":
            size = int(rule.size_mb * 1024 * 1024)
            if size not in _PADDING_CACHE:
                _PADDING_CACHE[size] = "A" * size
            if isinstance(payload, dict):
                payload = dict(payload, _padding=_PADDING_CACHE[size])
            return payload, False
        if status != 200:  # field faults only make sense on a successful customer body
            return payload, False
        for obj in self._customer_objects(payload):
            if rule.kind == "extra_field":
                obj[rule.field_name or "unexpectedField"] = {"simulated": True, "note": "unknown field"}
            elif rule.kind == "missing_field":
                obj.pop(rule.field_name or "organization", None)
            elif rule.kind == "wrong_type":
                obj[rule.field_name or "organization"] = 12345
        return payload, False

    def _run_faults(self, method: str, path: str, ids: set[str]) -> tuple[Optional[FaultRule], bool]:
        """Select rules, perform delays; returns (primary rule, handled) where handled
        means the response has already been produced."""
        fired = self.state.faults.select(method, path, ids)
        if not fired:
            return None, False
        self.state.counters.fault(len(fired))
        primary: Optional[FaultRule] = None
        for rule in fired:
            if rule.kind == "delay":
                time.sleep(max(rule.delay_ms, 0) / 1000.0)
            else:
                primary = rule
        if primary is not None and primary.kind in PRE_KINDS:
            self._apply_pre_fault(primary)
            return primary, True
        return primary, False

    # --- token endpoint -----------------------------------------------------------------

    def _token(self, method: str, path: str, body: bytes) -> None:
        counted = False
        try:
            primary, handled = self._run_faults(method, path, set())
            if handled:  # any injected token-endpoint answer counts as a failure
                return
            status, payload = self._issue_token(method, body)
            truncate = False
            if primary is not None and primary.kind in POST_KINDS:
                payload, truncate = self._apply_post_fault(primary, status, payload)
            # Counted before the answer leaves: a client that reads the counters right after it is answered
            # must see its request (counting afterwards raced with such reads).
            self.state.counters.token_request(status == 200)
            counted = True
            self._send_json(status, payload, headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
                            truncate=truncate, drip=_dripping(primary))
        finally:
            if not counted:
                self.state.counters.token_request(False)

    def _issue_token(self, method: str, body: bytes) -> tuple[int, dict[str, Any]]:
        state = self.state
        if method != "POST":
            return 400, {"error": "invalid_request", "error_description": "POST required"}
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return 400, {"error": "invalid_request"}
        try:
            form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            return 400, {"error": "invalid_request"}
        try:
            if form.get("grant_type") != "client_credentials":
                raise OAuthError("unsupported_grant_type")
            state.auth.authenticate(form, state.audiences(self._base_url()))
            scopes = resolve_scopes(form.get("scope"), state.config.allowed_scopes)
        except OAuthError as exc:
            if state.config.verbose:
                self.log_message("token rejected: %s (%s)", exc.code, exc.reason)
            return 400, {"error": exc.code}
        token = state.tokens.issue(scopes)
        return 200, {"access_token": token, "token_type": "Bearer",
                     "expires_in": state.config.token_ttl, "scope": " ".join(scopes)}

    # --- API endpoints ------------------------------------------------------------------

    def _api(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.state
        self._api_request = True
        route, one_id = self._route(method, path)
        state.counters.api_begin(route or f"{method} (unknown)")
        try:
            if state.config.latency_ms > 0:
                time.sleep(state.config.latency_ms / 1000.0)
            ids: set[str] = set()
            if one_id is not None:
                ids.add(unquote(one_id).lower())
            elif route in (ROUTE_BATCH, ROUTE_SERVICES_BATCH) and body:
                try:
                    parsed = json.loads(body)
                    if isinstance(parsed, dict) and isinstance(parsed.get("customerIds"), list):
                        ids = {str(i).lower() for i in parsed["customerIds"]}
                except ValueError:
                    pass
            primary, handled = self._run_faults(method, path, ids)
            if handled:
                return
            headers: dict[str, str] = {}
            try:
                status, payload = self._handle_route(method, path, route, one_id, query, body)
            except HttpError as err:
                status, payload, headers = err.status, error_body(err.status, err.message, err.errors), err.headers
            if isinstance(payload, RawBody):
                self._send(status, payload.data, headers=headers)
                return
            truncate = False
            if primary is not None and primary.kind in POST_KINDS:
                payload, truncate = self._apply_post_fault(primary, status, payload)
            self._send_json(status, payload, headers=headers, truncate=truncate, drip=_dripping(primary))
        finally:
            state.counters.api_end()

    def _route(self, method: str, path: str) -> tuple[Optional[str], Optional[str]]:
        """Return (route key, id) for a known path; the key also reflects wrong methods."""
        match = _RE_PARTNER_JOBS.match(path)
        if match:
            return (ROUTE_PARTNER_JOBS if method == "GET" else f"{method} /partner/customers/{{id}}/jobs"), match.group(1)
        match = path_pattern(self.state.config.elements_jobs_path).match(path)
        if match:
            return (ROUTE_V3_JOBS if method == "POST" else f"{method} v3 jobs"), match.group(1)
        if _RE_LIST.match(path):
            return ("GET /partner/customers" if method == "GET" else f"{method} /partner/customers"), None
        match = _RE_ONE.match(path)
        if match:
            key = ROUTE_ONE if method == "GET" else f"{method} /partner/customers/{{id}}"
            return key, match.group(1)
        if _RE_BATCH.match(path):
            return (ROUTE_BATCH if method == "POST" else f"{method} /partner/external/v3/general/customers/batch"), None
        for pattern, route in ((_RE_SERVICES_LIST, ROUTE_SERVICES_LIST), (_RE_SERVICES_ONE, ROUTE_SERVICES_ONE),
                               (_RE_SERVICES_BATCH, ROUTE_SERVICES_BATCH), (_RE_PARTNER_PROTECTED, ROUTE_PARTNER_PROTECTED),
                               (_RE_V3_PROTECTED, ROUTE_V3_PROTECTED)):
            match = pattern.match(path)
            if match:
                wanted, _space, template = route.partition(" ")
                return (route if method == wanted else f"{method} {template}"), (match.group(1) if match.groups() else None)
        return None, None

    def _require(self, scope: str) -> None:
        auth = self.headers.get("Authorization", "")
        scheme, _sep, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Unauthorized: bearer token required",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})
        info, reason = self.state.tokens.validate(token.strip())
        if info is None:
            raise HttpError(401, f"Unauthorized: {reason}",
                            headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{reason}"'})
        if scope not in info.scopes:
            raise HttpError(403, f"Forbidden: token lacks scope {scope}")

    def _handle_route(self, method: str, path: str, route: Optional[str], one_id: Optional[str],
                      query: dict[str, str], body: bytes) -> tuple[int, Any]:
        partner_routes = (ROUTE_ONE, ROUTE_LIST, ROUTE_SERVICES_ONE, ROUTE_SERVICES_LIST)
        if route is None or (route in partner_routes and not self.state.shapes.get().partner_api):
            raise HttpError(404, f"No route for {method} {path}")
        if route == ROUTE_ONE:
            return self._get_one(unquote(one_id or ""))
        if route == ROUTE_LIST:
            return self._get_list(query)
        if route == ROUTE_BATCH:
            return self._batch(query, body)
        if route == ROUTE_PARTNER_JOBS:
            return self._partner_jobs(unquote(one_id or ""), query)
        if route == ROUTE_V3_JOBS:
            return self._v3_jobs(unquote(one_id or ""), query, body)
        if route == ROUTE_PARTNER_PROTECTED:
            return self._partner_protected(unquote(one_id or ""), query)
        if route == ROUTE_V3_PROTECTED:
            return self._v3_protected(unquote(one_id or ""), query)
        if route == ROUTE_SERVICES_ONE:
            return self._services_one(unquote(one_id or ""))
        if route == ROUTE_SERVICES_LIST:
            return self._services_list(query)
        if route == ROUTE_SERVICES_BATCH:
            return self._services_batch(query, body)
        raise HttpError(405, f"Method {method} not allowed", headers={"Allow": route.split(" ")[0]})

    def _get_one(self, cid: str) -> tuple[int, Any]:
        self._require(PARTNER_SCOPE)
        customer = self._known_customer(cid, "id")
        shapes = self.state.shapes.get()
        if cid.lower() in shapes.empty_body:
            return shapes.empty_status, RawBody(b"")
        if cid.lower() in shapes.wrong_id:
            customer = self._another_customer({cid.lower()})
        payload = {"@odata.context": f"{self._base_url()}/partner/$metadata#Customers/$entity"}
        payload.update(shapes.shape_item(partner_view(customer)))
        return 200, payload

    def _another_customer(self, asked: set[str]) -> dict[str, Any]:
        """A customer that was not asked for (the `wrong_id` shape answers with it)."""
        return next((c for c in self.state.customers if str(c["id"]).lower() not in asked), fresh_customer(-1))

    def _get_list(self, query: dict[str, str]) -> tuple[int, Any]:
        self._require(PARTNER_SCOPE)
        shapes = self.state.shapes.get()
        return self._odata_list(query, "/partner/customers", "Customers", shapes.with_duplicates(self.state.customers),
                                lambda c: shapes.shape_item(partner_view(c)))

    def _odata_list(self, query: dict[str, str], path: str, entity_set: str, customers: list[dict[str, Any]],
                    view: Callable[[dict[str, Any]], dict[str, Any]]) -> tuple[int, Any]:
        """A partner list of ``customers`` as ``view`` shows them, paged by the shapes' partner page size and next links."""
        shapes = self.state.shapes.get()
        base = self._base_url()
        payload: dict[str, Any] = {"@odata.context": f"{base}/partner/$metadata#{entity_set}"}
        page_size = shapes.partner_page_size or self.state.config.partner_page_size
        if shapes.endless and page_size <= 0:
            page_size = ENDLESS_PAGE_SIZE
        if page_size <= 0:
            payload["value"] = [view(c) for c in customers]
            return 200, payload
        offset = _decode_skiptoken(query["$skiptoken"]) if "$skiptoken" in query else 0
        chunk = _page(customers, offset, page_size, shapes)
        payload["value"] = [view(c) for c in chunk]
        if shapes.endless or offset + page_size < len(customers):
            key, link = _next_link(shapes, base, _encode_skiptoken(offset + page_size), path)
            payload[key] = link
        elif shapes.next_link in ("plain", "token"):
            payload["nextLink"] = ""  # how AvePoint's documented samples end a plain-nextLink list
        return 200, payload

    @staticmethod
    def _int_param(query: dict[str, str], name: str, default: int, low: int, high: Optional[int]) -> int:
        raw = query.get(name.lower())
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise HttpError(400, f"{name} must be an integer", _field_error(name, "not an integer")) from exc
        if value < low or (high is not None and value > high):
            limit = f"between {low} and {high}" if high is not None else f">= {low}"
            raise HttpError(400, f"{name} must be {limit}", _field_error(name, f"must be {limit}"))
        return value

    def _json_body(self, body: bytes) -> Optional[dict[str, Any]]:
        """The JSON object a POST carries, or None without a body."""
        if not body.strip():
            return None
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise HttpError(400, "Request body is not valid JSON") from exc
        if not isinstance(parsed, dict):
            raise HttpError(400, "Request body must be a JSON object")
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            # Like an ASP.NET [FromBody] endpoint: a JSON body must say it is JSON.
            raise HttpError(415, "Unsupported Media Type: send Content-Type: application/json")
        return parsed

    def _customer_for_jobs(self, cid: str) -> dict[str, Any]:
        return self._known_customer(cid, "customerId")

    def _known_customer(self, cid: str, field: str) -> dict[str, Any]:
        """The customer of an ID in a path (its parameter ``field``): 400 for no GUID, 404 for an unknown one."""
        if not is_guid(cid):
            raise HttpError(400, "The customer id must be a GUID", _field_error(field, "not a GUID"))
        customer = self.state.index.get(cid.lower())
        if customer is None:
            raise HttpError(404, f"Customer {cid} not found")
        return customer

    def _partner_jobs(self, cid: str, query: dict[str, str]) -> tuple[int, Any]:
        self._require(PARTNER_JOBS_SCOPE)
        jobs = self.state.jobs_for(self._customer_for_jobs(cid))
        base = self._base_url()
        payload: dict[str, Any] = {
            "@odata.context": f"{base}/partner/$metadata#Collection(Portal.Api.Model.BackUpJob)"}
        page_size = self.state.config.partner_jobs_page_size
        offset = _decode_skiptoken(query["$skiptoken"]) if "$skiptoken" in query else 0
        chunk = jobs[offset: offset + page_size] if page_size > 0 else jobs
        payload["value"] = [partner_job_view(job) for job in chunk]
        if page_size > 0 and offset + page_size < len(jobs):
            payload["@odata.nextLink"] = (f"{base}/partner/customers/{cid}/jobs?$skiptoken="
                                          f"{_encode_skiptoken(offset + page_size)}")
        return 200, payload

    def _v3_jobs(self, cid: str, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._require(ELEMENTS_JOBS_SCOPE)
        page_index = self._int_param(query, "pageIndex", 1, 1, None)
        page_size = self._int_param(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        parsed = self._json_body(body) or {}
        jobs = self.state.jobs_for(self._customer_for_jobs(cid))
        for key in ("jobType", "jobModule"):
            if parsed.get(key) is not None:
                wanted = parsed[key]
                if not isinstance(wanted, int) or isinstance(wanted, bool):
                    raise HttpError(400, f"{key} must be an integer", _field_error(key, "not an integer"))
                jobs = [job for job in jobs if job.get(key) == wanted]
        start = 0 if self.state.shapes.get().jobs_ignore_page_index else (page_index - 1) * page_size
        data = [v3_job_view(job) for job in jobs[start: start + page_size]]
        return 200, {"data": data,
                     "metadata": {"pageIndex": page_index, "pageSize": page_size, "totalCount": len(jobs)}}

    def _protected_items(self, cid: str) -> list[dict[str, Any]]:
        """The customer's protected data as both APIs send it; `wrong_id` serves another customer's."""
        customer = self._customer_for_jobs(cid)
        shapes = self.state.shapes.get()
        if cid.lower() in shapes.wrong_id:
            customer = self._another_customer({cid.lower()})
        items, generated = self.state.protection_for(customer)
        return [protection_view(item, customer, shapes.protection_module_names, generated) for item in items]

    def _partner_protected(self, cid: str, query: dict[str, str]) -> tuple[int, Any]:
        self._require(PARTNER_PROTECTION_SCOPE)
        items = self._protected_items(cid)
        base = self._base_url()
        payload: dict[str, Any] = {
            "@odata.context": f"{base}/partner/$metadata#Collection(Portal.Api.Model.CustomerOverallProtected)"}
        page_size = self.state.shapes.get().protection_page_size
        offset = _decode_skiptoken(query["$skiptoken"]) if "$skiptoken" in query else 0
        payload["value"] = items[offset: offset + page_size] if page_size > 0 else items
        if page_size > 0 and offset + page_size < len(items):
            payload["@odata.nextLink"] = f"{base}/partner/customers/{cid}/protected?$skiptoken={_encode_skiptoken(offset + page_size)}"
        return 200, payload

    def _v3_protected(self, cid: str, query: dict[str, str]) -> tuple[int, Any]:
        self._require(ELEMENTS_PROTECTION_SCOPE)
        shapes = self.state.shapes.get()
        page_index = self._int_param(query, "pageIndex", 1, 1, None)
        page_size = self._int_param(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        items = self._protected_items(cid)
        served = min(page_size, shapes.protection_page_size) if shapes.protection_page_size > 0 else page_size
        page = {"data": items[(page_index - 1) * served: page_index * served],
                "metadata": {"pageIndex": page_index, "pageSize": served, "totalCount": len(items)}}
        return 200, [page] if shapes.protection_wrapped else page

    def _batch(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._require(ELEMENTS_SCOPE)
        shapes = self.state.shapes.get()
        page_index = self._int_param(query, "pageIndex", 1, 1, None)
        page_size = self._int_param(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        selected = shapes.with_duplicates(self._customers_asked(body, shapes))
        total = len(selected)
        if shapes.total_count is not None:
            total = shapes.total_count
        elif shapes.endless:
            total = ENDLESS_TOTAL
        data = [shapes.shape_item(v3_view(c), job_status_name(c["jobStatusCode"]))
                for c in _page(selected, (page_index - 1) * page_size, page_size, shapes)]
        return 200, {"data": data, "metadata": {"pageIndex": page_index, "pageSize": page_size, "totalCount": total}}

    def _customers_asked(self, body: bytes, shapes: Shapes) -> list[dict[str, Any]]:
        """The customers a v3 batch body asks for (``customerIds``; all without it), in dataset order."""
        selected = self.state.customers
        if not body.strip() and shapes.require_body:
            # What an ASP.NET [FromBody] parameter answers to a request without a body.
            raise HttpError(400, "A non-empty request body is required.", _field_error("body", "required"))
        parsed = self._json_body(body)
        if parsed is not None:
            ids = parsed.get("customerIds")
            if ids is not None:
                if not isinstance(ids, list):
                    raise HttpError(400, "customerIds must be a list", _field_error("customerIds", "not a list"))
                limit = shapes.max_batch_ids
                if len(ids) > limit:
                    raise HttpError(400, f"customerIds accepts at most {limit} ids",
                                    _field_error("customerIds", f"more than {limit} ids"))
                if not all(is_guid(i) for i in ids):
                    raise HttpError(400, "customerIds must contain GUIDs", _field_error("customerIds", "not a GUID"))
                wanted = {i.lower() for i in ids}
                # Dataset order, unknown IDs silently absent, duplicates collapsed.
                selected = [c for c in selected if str(c["id"]).lower() in wanted]
                if wanted & shapes.wrong_id:
                    other = self._another_customer(wanted)
                    selected = [other if str(c["id"]).lower() in shapes.wrong_id else c for c in selected]
        return selected

    # --- services (subscriptions) -------------------------------------------------------

    def _services_one(self, cid: str) -> tuple[int, Any]:
        self._require(PARTNER_LICENSE_SCOPE)
        customer = self._known_customer(cid, "id")
        if cid.lower() in self.state.shapes.get().wrong_id:
            customer = self._another_customer({cid.lower()})
        payload = {"@odata.context": f"{self._base_url()}/partner/$metadata#Services/$entity"}
        payload.update(partner_services_view(customer, self.state.products_for(customer)))
        return 200, payload

    def _services_list(self, query: dict[str, str]) -> tuple[int, Any]:
        self._require(PARTNER_LICENSE_SCOPE)
        return self._odata_list(query, "/partner/services", "Services", self.state.customers,
                                lambda c: partner_services_view(c, self.state.products_for(c)))

    def _services_batch(self, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        self._require(ELEMENTS_LICENSE_SCOPE)
        page_index = self._int_param(query, "pageIndex", 1, 1, None)
        page_size = self._int_param(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        selected = self._customers_asked(body, self.state.shapes.get())
        start = (page_index - 1) * page_size
        data = [v3_services_view(c, self.state.products_for(c)) for c in selected[start: start + page_size]]
        return 200, {"data": data, "metadata": {"pageIndex": page_index, "pageSize": page_size, "totalCount": len(selected)}}


def _page(customers: list[dict[str, Any]], offset: int, size: int, shapes: Shapes) -> list[dict[str, Any]]:
    """One page; past the end an `endless` list repeats page 1, invents customers, or is empty."""
    if offset < len(customers) or not shapes.endless:
        return customers[offset: offset + size]
    if shapes.endless == "repeat":
        return customers[:size]
    if shapes.endless == "fresh":
        return [fresh_customer(offset + n) for n in range(size)]
    return []


def _next_link(shapes: Shapes, base: str, token: str, path: str = "/partner/customers") -> tuple[str, str]:
    """The key and value naming the next page of the list at ``path``, in the `next_link` style."""
    style = shapes.next_link
    if style == "token":
        return "nextLink", token
    if style == "relative":
        return "@odata.nextLink", f"{path}?$skiptoken={token}"
    host = FOREIGN_HOST if style == "foreign" else base
    return ("nextLink" if style == "plain" else "@odata.nextLink"), f"{host}{path}?$skiptoken={token}"


def _dripping(rule: Optional[FaultRule]) -> Optional[FaultRule]:
    return rule if rule is not None and rule.kind == "drip" else None
