"""Server lifecycle: config, shared state, the threading HTTP(S) server, Simulator API."""
from __future__ import annotations

import copy
import os
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Callable, Optional

from . import live
from .counters import Counters
from .dataset import generate_customers, load_dataset_file, normalize_customers
from .faults import FaultEngine
from .handlers import SimHandler
from .jobs import generate_jobs, profile_of
from .protection import generate_protection, profile_of as protection_profile_of
from .subscriptions import generate_products, profile_of as subscription_profile_of
from .shapes import ShapeState
from .tokens import KNOWN_SCOPES, ClientAuthenticator, TokenStore

DEFAULT_CLIENT_ID = "11111111-2222-3333-4444-555555555555"
DEFAULT_CLIENT_SECRET = "sim-secret"
DEFAULT_ELEMENTS_JOBS_PATH = "/partner/external/v3/general/customers/{id}/avpt-products/jobs/batch"


@dataclass
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0
    port_file: Optional[str] = None
    customers: int = 25
    seed: int = 1
    dataset_file: Optional[str] = None
    latency_ms: float = 0
    https: bool = False
    tls_dir: Optional[str] = None
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_ttl: int = 3600
    partner_page_size: int = 0
    # Jobs: days of history per customer, its reference time (epoch seconds; None = start time),
    # the partner jobs page size (0 = one page) and where the v3 jobs endpoint lives.
    jobs_days: int = 14
    jobs_now: Optional[float] = None
    partner_jobs_page_size: int = 50
    elements_jobs_path: str = DEFAULT_ELEMENTS_JOBS_PATH
    app_cert_dir: Optional[str] = None
    allowed_scopes: list[str] = field(default_factory=lambda: list(KNOWN_SCOPES))
    extra_audiences: list[str] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    shapes: dict[str, Any] = field(default_factory=dict)  # shapes.py switches to turn on at start
    verbose: bool = False


class SimState:
    """Everything handlers share; each member does its own locking."""

    def __init__(self, config: SimulatorConfig, customers: list[dict[str, Any]], trusted_cert: Optional[bytes]) -> None:
        self.config = config
        self.customers = customers
        self.index = {str(c["id"]).lower(): c for c in customers}
        self.counters = Counters()
        self.faults = FaultEngine(config.seed)
        self.shapes = ShapeState()
        self.tokens = TokenStore(config.token_ttl)
        self.auth = ClientAuthenticator(config.client_id, config.client_secret, trusted_cert)
        self.scheme = "https" if config.https else "http"
        self.base_url = ""
        self.port = 0
        self.jobs_now = float(int(config.jobs_now if config.jobs_now is not None else time.time()))
        self._positions = {str(c["id"]).lower(): position for position, c in enumerate(customers)}
        self._jobs: dict[str, list[dict[str, Any]]] = {}
        self._products: dict[str, list[dict[str, Any]]] = {}
        self._protection: dict[str, list[dict[str, Any]]] = {}
        self._jobs_lock = threading.Lock()  # guards the generated job histories, products and protected data
        self.customers_lock = threading.Lock()  # held by the changes of live.py, which replace customers and index

    def place(self, customer_id: str) -> None:
        """Give a customer added at run time the next position (which picks its job profile)."""
        self._positions.setdefault(str(customer_id).lower(), len(self._positions))

    def jobs_for(self, customer: dict[str, Any]) -> list[dict[str, Any]]:
        """The customer's job history (v3 shape, newest first): from the dataset, or generated once."""
        return self._own_or_generated(customer, "jobs", self._jobs, lambda position: generate_jobs(
            position, self.config.seed, self.jobs_now, self.config.jobs_days))

    def _own_or_generated(self, customer: dict[str, Any], field: str, generated: dict[str, list[dict[str, Any]]],
                          generate: Callable[[int], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """The dataset's list ``field`` of a customer, else the one ``generate`` makes from its position, made once."""
        if isinstance(customer.get(field), list):
            return customer[field]
        key = str(customer["id"]).lower()
        with self._jobs_lock:
            found = generated.get(key)
            if found is None:
                found = generated[key] = generate(self._positions[key])
            return found

    def job_profile(self, customer_id: str) -> str:
        customer = self.index[customer_id.lower()]
        return "dataset" if isinstance(customer.get("jobs"), list) else profile_of(self._positions[customer_id.lower()])

    def products_for(self, customer: dict[str, Any]) -> list[dict[str, Any]]:
        """The customer's subscriptions (v3 shape): from the dataset, or generated once (relative to jobs_now)."""
        return self._own_or_generated(customer, "products", self._products,
                                      lambda position: generate_products(position, self.config.seed, self.jobs_now))

    def subscription_profile(self, customer_id: str) -> str:
        customer = self.index[customer_id.lower()]
        if isinstance(customer.get("products"), list):
            return "dataset"
        return subscription_profile_of(self._positions[customer_id.lower()])

    def protection_for(self, customer: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        """The customer's protected data items and whether they were generated (else the dataset's, served verbatim)."""
        generated = not isinstance(customer.get("protection"), list)
        return self._own_or_generated(customer, "protection", self._protection,
                                      lambda position: generate_protection(position, self.config.seed)), generated

    def protection_profile(self, customer_id: str) -> str:
        customer = self.index[customer_id.lower()]
        if isinstance(customer.get("protection"), list):
            return "dataset"
        return protection_profile_of(self._positions[customer_id.lower()])

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/connect/token"

    def audiences(self, request_base: str) -> list[str]:
        # Accept the token URL however the client addressed us (127.0.0.1 or localhost).
        auds = {self.token_url, f"{request_base}/connect/token",
                f"{self.scheme}://localhost:{self.port}/connect/token",
                f"{self.scheme}://127.0.0.1:{self.port}/connect/token"}
        auds.update(self.config.extra_audiences)
        return sorted(auds)


class SimServer(ThreadingHTTPServer):
    daemon_threads = True  # never block interpreter exit on a stuck client
    block_on_close = False
    request_queue_size = 256  # clients open many parallel connections at once
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SimState, ssl_context: Optional[ssl.SSLContext]) -> None:
        self.state = state
        self.ssl_context = ssl_context
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SimHandler)

    def server_bind(self) -> None:
        # Skip HTTPServer's getfqdn() reverse lookup, which can stall for seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        self.state.counters.connection()
        # Headers and body go out as separate writes; without NODELAY, Nagle + the
        # client's delayed ACK add ~40 ms to every keep-alive request.
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            # Handshake later, in the worker thread, so a slow client can't stall accept().
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            if isinstance(request, ssl.SSLSocket):
                request.settimeout(15)
                request.do_handshake()
            super().finish_request(request, client_address)
        except (OSError, ssl.SSLError):
            pass  # client went away / bad handshake / injected drop: nothing to report
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_all_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.state.config.verbose:
            super().handle_error(request, client_address)


class Simulator:
    """In-process AvePoint Graph API simulator.

    sim = Simulator(SimulatorConfig(customers=100)); sim.start(); ... sim.stop()
    or: with Simulator() as sim: ...
    """

    def __init__(self, config: Optional[SimulatorConfig] = None, **overrides: Any) -> None:
        self.config = copy.deepcopy(config) if config else SimulatorConfig()
        for key, value in overrides.items():
            if not hasattr(self.config, key):
                raise TypeError(f"unknown config field {key!r}")
            setattr(self.config, key, value)
        if self.config.dataset_file:
            customers = load_dataset_file(self.config.dataset_file)
        else:
            customers = normalize_customers(generate_customers(self.config.customers, self.config.seed))
        self._customers = customers
        self._server: Optional[SimServer] = None
        self._thread: Optional[threading.Thread] = None
        self._temp_tls_dir: Optional[str] = None
        self.ca_path: Optional[str] = None
        self.tls_dir: Optional[str] = None
        self.app_cert_path: Optional[str] = None
        self.state: Optional[SimState] = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> "Simulator":
        if self._server is not None:
            return self
        cfg = self.config
        ssl_context = None
        if cfg.https:
            from .tls import ensure_server_pki, server_ssl_context

            if cfg.tls_dir:
                self.tls_dir = cfg.tls_dir
            else:
                self._temp_tls_dir = self.tls_dir = tempfile.mkdtemp(prefix="avepoint-sim-tls-")
            self.ca_path, cert, key = ensure_server_pki(self.tls_dir, cfg.host)
            ssl_context = server_ssl_context(cert, key)
        trusted = None
        if cfg.app_cert_dir:
            from .tls import ensure_app_certs

            self.app_cert_path = ensure_app_certs(cfg.app_cert_dir)
            with open(self.app_cert_path, "rb") as handle:
                trusted = handle.read()
        state = SimState(cfg, self._customers, trusted)
        if cfg.faults:
            state.faults.set_rules(cfg.faults)
        if cfg.shapes:
            state.shapes.set(cfg.shapes)
        server = SimServer((cfg.host, cfg.port), state, ssl_context)
        state.port = server.server_address[1]
        url_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(cfg.host, cfg.host)
        if ":" in url_host:
            url_host = f"[{url_host}]"
        state.base_url = f"{state.scheme}://{url_host}:{state.port}"
        self.state, self._server = state, server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="avepoint-simulator", daemon=True)
        self._thread.start()
        if cfg.port_file:
            tmp = f"{cfg.port_file}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(f"{state.port}\n")
            os.replace(tmp, cfg.port_file)  # atomic: a poller never reads an empty file
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._temp_tls_dir:
            shutil.rmtree(self._temp_tls_dir, ignore_errors=True)
            self._temp_tls_dir = None

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- accessors / control ------------------------------------------------------------

    def _require_state(self) -> SimState:
        if self.state is None:
            raise RuntimeError("simulator not started")
        return self.state

    @property
    def url(self) -> str:
        return self._require_state().base_url

    @property
    def token_url(self) -> str:
        return self._require_state().token_url

    @property
    def port(self) -> int:
        return self._require_state().port

    @property
    def customers(self) -> list[dict[str, Any]]:
        """The customers served now (with the changes made while running), in the dataset shape."""
        return copy.deepcopy(self.state.customers if self.state is not None else self._customers)

    def add_customer(self, customer: dict[str, Any]) -> dict[str, Any]:
        """Add a customer while running (dataset shape; see live.py); returns it as stored."""
        return live.add_customer(self._require_state(), customer)

    def update_customer(self, customer_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a customer while running, e.g. ``{"jobStatus": "Failed"}``; returns it as stored."""
        return live.update_customer(self._require_state(), customer_id, changes)

    def remove_customer(self, customer_id: str) -> None:
        live.remove_customer(self._require_state(), customer_id)

    def add_job(self, customer_id: str, job: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        """Add a job as the customer's newest: by default a successful backup that ended now."""
        return live.add_job(self._require_state(), customer_id, job)

    def counters(self) -> dict[str, Any]:
        return self._require_state().counters.snapshot()

    def reset_counters(self) -> None:
        self._require_state().counters.reset()

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self._require_state().faults.set_rules(rules)

    def clear_faults(self) -> None:
        self._require_state().faults.clear()

    def faults(self) -> list[dict[str, Any]]:
        return self._require_state().faults.describe()

    def set_shapes(self, shapes: dict[str, Any]) -> None:
        """Turn on response shapes (see shapes.py); replaces the switches set before."""
        self._require_state().shapes.set(shapes)

    def clear_shapes(self) -> None:
        self._require_state().shapes.clear()

    def shapes(self) -> dict[str, Any]:
        return self._require_state().shapes.get().describe()

    def revoke_tokens(self) -> None:
        self._require_state().tokens.revoke_all()

    def jobs(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's job history as the v3 API serves it (newest first); "_placeholder" marks N/A rows."""
        state = self._require_state()
        return copy.deepcopy(state.jobs_for(state.index[customer_id.lower()]))

    def job_profile(self, customer_id: str) -> str:
        """The profile that shaped a customer's history (see jobs.PROFILES), or "dataset"."""
        return self._require_state().job_profile(customer_id)

    def protection(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's protected data items as stored (API shape without the customer fields; generated ones name
        modules as the jobs API does, see protection.py)."""
        state = self._require_state()
        return copy.deepcopy(state.protection_for(state.index[customer_id.lower()])[0])

    def protection_profile(self, customer_id: str) -> str:
        """The profile that shaped a customer's protected data (see protection.PROFILES), or "dataset"."""
        return self._require_state().protection_profile(customer_id)

    @property
    def jobs_now(self) -> float:
        """The reference time (epoch seconds) the job histories and the subscription dates are relative to."""
        return self._require_state().jobs_now

    def subscriptions(self, customer_id: str) -> list[dict[str, Any]]:
        """A customer's products (subscriptions) as the v3 API serves them."""
        state = self._require_state()
        return copy.deepcopy(state.products_for(state.index[customer_id.lower()]))

    def subscription_profile(self, customer_id: str) -> str:
        """The profile that shaped a customer's products (see subscriptions.PROFILES), or "dataset"."""
        return self._require_state().subscription_profile(customer_id)

    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (for secret-leak tests)."""
        return self._require_state().tokens.issued()
