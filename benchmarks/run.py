#!/usr/bin/env python
"""Benchmark of avepoint.graph against a hand-written uri + loop + assert baseline.

Starts the AvePoint simulator as a separate process (per dataset size) with a per-request
latency, runs every case as a whole ansible-playbook / ansible-inventory process, reads the
simulator's request counters after each run, and prints a table and the issue's targets.

  python benchmarks/run.py                      # the full plan (the targets' sizes), 3 runs each
  python benchmarks/run.py --quick              # CI smoke run: small N, low latency, one run
  python benchmarks/run.py --cases role,baseline --customers 200 --runs 5
  python benchmarks/run.py --json results.json --markdown
  python benchmarks/run.py --cases module-partner --customers 1000 --option concurrency=32

Uses the ansible binaries next to the Python running it (run it with the project venv).
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

from cases import CASES, Case, Scratch, recency_state, subscription_state, workload_state  # noqa: E402  pylint: disable=wrong-import-position
from measure import run_measured  # noqa: E402  pylint: disable=wrong-import-position
from report import markdown_table, target_lines, text_table  # noqa: E402  pylint: disable=wrong-import-position
from results import CaseResult, RunRecord  # noqa: E402  pylint: disable=wrong-import-position
from simulator_process import SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

# The full plan: every case at N = 200 (where the baseline is compared), then the sizes the targets name.
FULL_PLAN: list[tuple[str, int]] = [(name, 200) for name in CASES] + [
    ("module-partner", 1000), ("module-elements", 1000), ("role", 1000), ("role-subscriptions", 1000), ("lookup", 1000),
    ("role-workloads", 1000),
    ("inventory-cold", 5000), ("inventory-warm", 5000),
    ("module-all", 10000), ("module-elements", 10000),
]
QUICK_CUSTOMERS = 10
QUICK_LATENCY_MS = 5.0
# Quick mode also runs the elements API over several batches of 100 IDs.
QUICK_EXTRA: list[tuple[str, int]] = [("module-elements", 250)]


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: every case at N=%d, latency %g ms, one run" % (QUICK_CUSTOMERS, QUICK_LATENCY_MS))
    parser.add_argument("--cases", help="comma-separated cases (default: all): %s" % ", ".join(CASES))
    parser.add_argument("--customers", help="comma-separated dataset sizes; each chosen case runs at each size "
                                            "(default: the full plan, or %d with --quick)" % QUICK_CUSTOMERS)
    parser.add_argument("--latency-ms", type=float, help="simulator latency per API request (default 50, %g with --quick)" % QUICK_LATENCY_MS)
    parser.add_argument("--runs", type=int, help="measured runs per case; the table shows the median (default 3, 1 with --quick)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a connection option for every case, as AVEPOINT_<NAME> (e.g. concurrency=32); "
                             "AVEPOINT_* variables of the caller are otherwise ignored, so the defaults are measured")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (playbook output, simulator log)")
    args = parser.parse_args(argv)
    if args.cases:
        unknown = [name for name in args.cases.split(",") if name not in CASES]
        if unknown:
            parser.error("unknown case(s) %s; choose from %s" % (", ".join(unknown), ", ".join(CASES)))
    args.latency_ms = args.latency_ms if args.latency_ms is not None else (QUICK_LATENCY_MS if args.quick else 50.0)
    args.runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        args.option_env = {"AVEPOINT_" + name.strip().upper(): value for name, value in (o.split("=", 1) for o in args.option)}
    except ValueError:
        parser.error("--option takes NAME=VALUE")
    return args


def plan(args: argparse.Namespace) -> list[tuple[str, int]]:
    names = args.cases.split(",") if args.cases else list(CASES)
    if args.customers:
        sizes = [int(size) for size in args.customers.split(",")]
    elif args.quick:
        return [(name, QUICK_CUSTOMERS) for name in names] + [step for step in QUICK_EXTRA if step[0] in names]
    else:
        return [(name, n) for name, n in FULL_PLAN if name in names]
    return [(name, n) for n in sizes for name in names]


def load_test_environment() -> None:
    """Same Ansible environment as the tests: the checkout as avepoint.graph, isolated ANSIBLE_HOME."""
    spec = importlib.util.spec_from_file_location("avepoint_graph_test_environment", REPO / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # sets os.environ for the child processes


def expected_state(dataset: list[dict]) -> list[dict]:
    """The declared state of the customers, equal to what the service reports (all compliant)."""
    from avepoint_simulator import JOB_STATUS_NAMES  # pylint: disable=import-outside-toplevel

    return [
        {"id": c["id"], "job_status": JOB_STATUS_NAMES[c["jobStatusCode"]], "country_or_region": c["countryOrRegion"]}
        for c in dataset
    ]


def run_case(case: Case, n: int, sim: SimulatorProcess, vars_file: Path, workdir: Path, args: argparse.Namespace) -> CaseResult:
    result = CaseResult(case.name, n, args.latency_ms, case.api_requests(n), case.token_requests, baseline=case.baseline)
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Scratch(workdir, vars_file)
    env = {name: value for name, value in os.environ.items() if not name.startswith("AVEPOINT_")}
    env.update(sim.connection_env())
    env.update(args.option_env)
    for index in range(args.runs + (1 if case.warm_up else 0)):
        if case.before_each_run:
            case.before_each_run(scratch)
        sim.reset_counters()
        measured = run_measured(case.command(scratch), env, workdir)
        if measured.exit_code != 0:
            tail = (measured.stdout + measured.stderr).strip().splitlines()[-15:]
            result.error = "exit code %d: %s" % (measured.exit_code, " | ".join(tail))
        elif case.check_output:
            result.error = case.check_output(scratch, n)
        if result.error:
            result.runs = []
            return result
        if case.warm_up and index == 0:
            continue
        counters = sim.counters()
        result.runs.append(RunRecord(
            wall_seconds=measured.wall_seconds,
            tree_max_rss_kb=measured.tree_max_rss_kb,
            module_max_rss_kb=measured.module_max_rss_kb,
            module_seconds=measured.module_seconds,
            api_requests=counters["api_requests"],
            token_requests=counters["token_requests"],
            connections=counters["connections"],
            max_in_flight=counters["max_in_flight"],
        ))
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel

    load = "%.2f %.2f %.2f" % os.getloadavg()
    return "%d CPU(s) %s; Python %s; ansible-core %s; load average at start %s" % (
        os.cpu_count() or 0, cpu, platform.python_version(), ansible_version, load)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    load_test_environment()
    steps = plan(args)
    print("avepoint.graph benchmark: %s" % machine(), flush=True)
    print("latency %g ms per API request, %d run(s) per case, %d case run(s)%s" % (
        args.latency_ms, args.runs, len(steps), "".join(", %s=%s" % item for item in sorted(args.option_env.items()))), flush=True)
    scratch_root = Path(tempfile.mkdtemp(prefix="avepoint-graph-bench-"))
    results: list[CaseResult] = []
    try:
        for n in sorted({size for _name, size in steps}):
            with SimulatorProcess(n, args.latency_ms, scratch_root / ("sim-%d" % n)) as sim:
                vars_file = scratch_root / ("vars-%d.json" % n)
                dataset = sim.dataset()[:n]
                vars_file.write_text(json.dumps(dict({"expected": expected_state(dataset)}, **recency_state(dataset),
                                                     **subscription_state(dataset), **workload_state(dataset))))
                for name, size in steps:
                    if size != n:
                        continue
                    result = run_case(CASES[name], n, sim, vars_file, scratch_root / ("%s-%d" % (name, n)), args)
                    results.append(result)
                    shown = "%.2f s" % result.median_wall if result.runs else "FAILED"
                    print("  %-16s N=%-6d %s" % (name, n, shown), flush=True)
    finally:
        if args.keep:
            print("scratch directory kept: %s" % scratch_root)
        else:
            import shutil  # pylint: disable=import-outside-toplevel
            shutil.rmtree(scratch_root, ignore_errors=True)
    print()
    print(text_table(results))
    targets = target_lines(results)
    if targets:
        print("\nTargets and ratios (latency 50 ms):")
        print("\n".join(targets))
    if args.markdown:
        print()
        print(markdown_table(results))
        print()
        print("\n".join(target_lines(results, markdown=True)))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": machine(), "latency_ms": args.latency_ms, "runs": args.runs, "options": args.option_env,
            "results": [result.to_json() for result in results],
        }, indent=2))
    failed = [r for r in results if not r.runs]
    for result in failed:
        print("\n%s at N=%d failed: %s" % (result.case, result.customers, result.error), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
