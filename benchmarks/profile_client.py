#!/usr/bin/env python
"""Profile the shared API layer in-process: what one module run does, under cProfile.

Runs ``AvePointClient.get_customers(ids)`` (or ``list_customers()`` with --all) against a
simulator process, exactly as avepoint_customer_info does with the same options, and prints
the functions that take the most time. Ansible's own start-up and AnsiballZ are left out:
measure those with benchmarks/run.py. With --whole-module the module file itself runs
in-process (argument parsing, the fetch, exit_json's result processing and JSON output).

  python benchmarks/profile_client.py --customers 1000 --api partner
  python benchmarks/profile_client.py --customers 10000 --all --sort tottime
  python benchmarks/profile_client.py --customers 10000 --all --whole-module
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import runpy
import sys
import tempfile
import time
from pathlib import Path

from run import REPO, load_test_environment  # pylint: disable=wrong-import-position
from simulator_process import SimulatorProcess

MODULE_FILE = REPO / "plugins" / "modules" / "avepoint_customer_info.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--api", choices=["partner", "elements"], default="partner")
    parser.add_argument("--all", action="store_true", help="list every customer instead of asking for IDs")
    parser.add_argument("--concurrency", type=int, help="the concurrency option (default: the collection's default)")
    parser.add_argument("--whole-module", action="store_true", help="run plugins/modules/avepoint_customer_info.py in-process")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--limit", type=int, default=30, help="rows to print")
    args = parser.parse_args()
    load_test_environment()
    # pylint: disable=import-outside-toplevel
    from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
    from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, settings_from_getter

    with tempfile.TemporaryDirectory(prefix="avepoint-graph-profile-") as scratch:
        with SimulatorProcess(args.customers, args.latency_ms, Path(scratch)) as sim:
            ids = [customer["id"] for customer in sim.dataset()]
            given = {name.split("AVEPOINT_", 1)[1].lower(): value for name, value in sim.connection_env().items()}
            given["api"] = args.api
            if args.concurrency:
                given["concurrency"] = args.concurrency

            def option(name: str) -> object:
                return given.get(name, CONNECTION_OPTIONS[name].get("default"))

            profiler = cProfile.Profile()
            started = time.perf_counter()
            if args.whole_module:
                module_args = {} if args.all else {"ids": ids}
                module_args.update(given)
                found = run_module_file(profiler, module_args, Path(scratch))
            else:
                profiler.enable()
                with AvePointClient(settings_from_getter(option)) as client:
                    found = client.list_customers() if args.all else client.get_customers(ids).customers
                profiler.disable()
            elapsed = time.perf_counter() - started
            counters = sim.counters()
    print("%d customers in %.2f s; %d API request(s), %d token request(s), %d connection(s), at most %d in flight" % (
        len(found), elapsed, counters["api_requests"], counters["token_requests"], counters["connections"] - 1,
        counters["max_in_flight"]))
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.limit)
    return 0


def run_module_file(profiler: cProfile.Profile, module_args: dict, scratch: Path) -> list:
    """Run the module file as Ansible would run its payload: args from a file, result on stdout."""
    args_file = scratch / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
    output = io.StringIO()
    saved_argv = sys.argv
    sys.argv = [str(MODULE_FILE), str(args_file)]
    profiler.enable()
    try:
        with contextlib.redirect_stdout(output):
            runpy.run_path(str(MODULE_FILE), run_name="__main__")
    except SystemExit:
        pass
    finally:
        profiler.disable()
        sys.argv = saved_argv
    result = json.loads(output.getvalue())
    if result.get("failed"):
        raise SystemExit("the module failed: %s" % result.get("msg"))
    return result["customers"]


if __name__ == "__main__":
    sys.exit(main())
