"""benchmarks/run.py --quick: every case runs and makes exactly the requests it should (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.tooling

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from cases import batches, job_pages  # noqa: E402  pylint: disable=wrong-import-position

CASE_NAMES = {"baseline", "module-partner", "module-elements", "module-all", "role", "lookup", "inventory-cold", "inventory-warm",
              "baseline-recency", "role-recency", "baseline-workloads", "role-workloads", "baseline-subscriptions",
              "role-subscriptions"}


def test_quick_benchmark_runs_every_case_with_the_expected_requests(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "median s" in proc.stdout and "token req" in proc.stdout  # the table is printed

    report = json.loads(out.read_text())
    results = {(r["case"], r["customers"]): r for r in report["results"]}
    assert {case for case, _n in results} == CASE_NAMES
    for (case, n), result in results.items():
        assert result["error"] is None, (case, result["error"])
        assert len(result["runs"]) == 1 and result["median_wall"] > 0, case
        for run in result["runs"]:
            tokens, api = run["token_requests"], run["api_requests"]
            if case == "inventory-warm":
                assert (tokens, api) == (0, 0), (case, run)  # answered from the cache alone
                continue
            # one token per task, lookup call and inventory run; the role with the recency or subscription rules has two
            # tasks, with the per-workload recency and the protection rules three
            assert tokens == {"role-recency": 2, "role-subscriptions": 2, "role-workloads": 3}.get(case, 1), (case, run)
            if case == "role-recency":
                assert api == batches(n) + job_pages(n), (case, run)  # customer batches, then every page of every customer's jobs
            elif case == "role-workloads":
                assert api == batches(n) + job_pages(n) + n, (case, run)  # ... and each customer's protection overview
            elif case == "role-subscriptions":
                assert api == 2 * batches(n), (case, run)  # customer batches, then subscription batches
            elif case == "baseline-workloads":
                assert api == 2 * n, (case, run)  # each customer's jobs, then its protection overview
            elif case in ("baseline", "baseline-recency", "baseline-subscriptions", "module-partner", "role", "lookup"):
                assert api == n, (case, run)  # one request per customer
            elif case == "module-elements":
                assert api == -(-n // 100), (case, run)  # batches of 100 IDs
            else:
                assert api == 1, (case, run)  # the customer list endpoint, once
            assert run["connections"] <= 1 + api + tokens  # pooled: never more connections than requests
        assert result["counts_as_expected"], case
    assert ("module-elements", 250) in results  # several batches
    assert results[("role-recency", 10)]["baseline"] == "baseline-recency"
    assert results[("role-workloads", 10)]["baseline"] == "baseline-workloads"
    assert results[("role-subscriptions", 10)]["baseline"] == "baseline-subscriptions"
    for case in ("role-recency", "role-workloads"):
        row = [line for line in proc.stdout.splitlines() if line.startswith(case + " ")][0]
        assert row.split()[-1].endswith("x"), row  # its ratio to the hand-written check is printed

    modules = [r for (case, _n), r in results.items() if case.startswith("module-") or case == "role"]
    assert all(run["module_max_rss_kb"] for r in modules for run in r["runs"])  # the module process was measured
