"""The AvePoint simulator as a separate process, and its control endpoints.

A separate process keeps the simulator's own CPU time out of the measured processes'
interpreter (it still shares the machine's cores, like a real service would not).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parent.parent
SIMULATOR_DIR = REPO / "simulator"
# The simulator's test app registration (see simulator/README.md).
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "sim-secret"


class SimulatorProcess:
    """``python -m avepoint_simulator`` with a dataset size and a per-request latency."""

    def __init__(self, customers: int, latency_ms: float, workdir: Path, seed: int = 1) -> None:
        self.customers = customers
        self.latency_ms = latency_ms
        self.workdir = workdir
        self.seed = seed
        self.url = ""
        self.token_url = ""
        self._process: Optional[subprocess.Popen] = None

    def __enter__(self) -> "SimulatorProcess":
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        port_file = self.workdir / "sim.port"
        log_path = self.workdir / "sim.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SIMULATOR_DIR), env.get("PYTHONPATH", "")) if p)
        command = [
            sys.executable, "-m", "avepoint_simulator", "--host", "127.0.0.1", "--port", "0",
            "--port-file", str(port_file), "--customers", str(self.customers),
            "--latency-ms", str(self.latency_ms), "--seed", str(self.seed),
        ]
        with open(log_path, "w", encoding="utf-8") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = _listening_line(log_path)
            if port_file.exists() and port_file.read_text().strip() and line:
                # "AvePoint simulator listening on <url> (token_url=<url>)"
                self.url = line.split("listening on ", 1)[1].split()[0]
                self.token_url = line.split("token_url=", 1)[1].split(")")[0]
                return
            if self._process.poll() is not None:
                raise RuntimeError("the simulator exited early:\n" + log_path.read_text())
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the simulator did not start within 60 s:\n" + log_path.read_text())

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def connection_env(self) -> dict[str, str]:
        """AVEPOINT_* variables that point the collection at this simulator."""
        return {
            "AVEPOINT_API_URL": self.url,
            "AVEPOINT_TOKEN_URL": self.token_url,
            "AVEPOINT_CLIENT_ID": CLIENT_ID,
            "AVEPOINT_CLIENT_SECRET": CLIENT_SECRET,
        }

    def counters(self) -> dict[str, Any]:
        return self._control("GET", "/_sim/counters")

    def reset_counters(self) -> None:
        self._control("POST", "/_sim/reset")

    def dataset(self) -> list[dict[str, Any]]:
        return self._control("GET", "/_sim/dataset")

    def _control(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
            return json.loads(response.read())


def _listening_line(log_path: Path) -> str:
    if not log_path.exists():
        return ""
    for line in log_path.read_text().splitlines():
        if "listening on" in line:
            return line
    return ""
