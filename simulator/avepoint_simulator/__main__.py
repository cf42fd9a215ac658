"""CLI: python -m avepoint_simulator [options]; runs until SIGINT/SIGTERM."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Optional

from .server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ELEMENTS_JOBS_PATH, Simulator, SimulatorConfig
from .tokens import KNOWN_SCOPES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="avepoint_simulator", description="AvePoint Graph API simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--customers", type=int, default=25, help="number of generated customers")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dataset-file", help="JSON list of customers instead of generating")
    p.add_argument("--latency-ms", type=float, default=0, help="sleep per API request")
    p.add_argument("--https", action="store_true")
    p.add_argument("--tls-dir", help="where ca.pem and the server cert/key live (temp dir if omitted)")
    p.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    p.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    p.add_argument("--token-ttl", type=int, default=3600)
    p.add_argument("--partner-page-size", type=int, default=0, help="0 = no paging of GET /partner/customers")
    p.add_argument("--jobs-days", type=int, default=14, help="days of job history per customer")
    p.add_argument("--jobs-now", type=float, help="epoch seconds the job histories end at (default: start time)")
    p.add_argument("--partner-jobs-page-size", type=int, default=50, help="0 = no paging of GET /partner/customers/{id}/jobs")
    p.add_argument("--elements-jobs-path", default=DEFAULT_ELEMENTS_JOBS_PATH, help="v3 jobs path, with {id}")
    p.add_argument("--app-cert-dir", help="generate/trust test app certificates here")
    p.add_argument("--allowed-scopes", default=" ".join(KNOWN_SCOPES), help="space-separated")
    p.add_argument("--faults-file", help="JSON list of fault rules to install at start")
    p.add_argument("--shapes-file", help="JSON object of response shape switches to turn on at start")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    faults = []
    if args.faults_file:
        with open(args.faults_file, encoding="utf-8") as handle:
            faults = json.load(handle)
    shapes = {}
    if args.shapes_file:
        with open(args.shapes_file, encoding="utf-8") as handle:
            shapes = json.load(handle)
    return SimulatorConfig(
        host=args.host, port=args.port, port_file=args.port_file, customers=args.customers,
        seed=args.seed, dataset_file=args.dataset_file, latency_ms=args.latency_ms, https=args.https,
        tls_dir=args.tls_dir, client_id=args.client_id, client_secret=args.client_secret,
        token_ttl=args.token_ttl, partner_page_size=args.partner_page_size,
        jobs_days=args.jobs_days, jobs_now=args.jobs_now, partner_jobs_page_size=args.partner_jobs_page_size,
        elements_jobs_path=args.elements_jobs_path,
        app_cert_dir=args.app_cert_dir, allowed_scopes=args.allowed_scopes.split(),
        faults=faults, shapes=shapes, verbose=args.verbose,
    )


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    sim = Simulator(config_from_args(args))
    sim.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    extra = f" ca={sim.ca_path}" if sim.ca_path else ""
    print(f"AvePoint simulator listening on {sim.url} (token_url={sim.token_url}){extra}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
