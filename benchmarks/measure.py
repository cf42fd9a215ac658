"""One measured run of a whole process: wall time, peak RSS, exit status, output."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

RSS_PROBE_DIR = Path(__file__).resolve().parent / "rss_probe"
MODULE_PROGRAM_PREFIX = "AnsiballZ_"


@dataclass
class ProcessRun:
    wall_seconds: float
    exit_code: int
    tree_max_rss_kb: int  # the largest single process of the tree (ansible's own processes included)
    module_max_rss_kb: Optional[int]  # the largest module process (AnsiballZ_*), None when no module ran
    module_seconds: float  # wall time spent in module processes (AnsiballZ_*), summed
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 1800) -> ProcessRun:
    """Run ``command`` to completion and measure it.

    ``os.wait4`` returns the child's rusage merged with that of every descendant it waited
    for, so ``ru_maxrss`` is the peak RSS of the largest process in the tree. The module
    processes are told apart by the RSS probe (rss_probe/sitecustomize.py).
    """
    rss_log = cwd / "rss.jsonl"
    if rss_log.exists():
        rss_log.unlink()
    env = dict(env)
    env["AVEPOINT_BENCH_RSS_LOG"] = str(rss_log)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(RSS_PROBE_DIR), env.get("PYTHONPATH", "")) if p)
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killer = threading.Timer(timeout, process.kill)  # a hung run must not hang the benchmark
        killer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    modules = _module_processes(rss_log)
    return ProcessRun(
        wall_seconds=wall,
        exit_code=process.returncode,
        tree_max_rss_kb=usage.ru_maxrss,
        module_max_rss_kb=max((entry["max_rss_kb"] for entry in modules), default=None),
        module_seconds=sum(entry["seconds"] for entry in modules),
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


def _module_processes(rss_log: Path) -> list[dict]:
    """The RSS probe's entries for module processes."""
    if not rss_log.exists():
        return []
    entries = (json.loads(line) for line in rss_log.read_text().splitlines())
    return [entry for entry in entries if entry["program"].startswith(MODULE_PROGRAM_PREFIX)]
