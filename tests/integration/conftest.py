"""Fixtures for integration tests: the simulator, and real ansible-playbook runs against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "simulator"))

from avepoint_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Simulator, SimulatorConfig  # noqa: E402

BIN = Path(sys.executable).parent
PYTHON = sys.executable


@pytest.fixture(scope="session")
def simulator_server():
    """One simulator for the session (25 generated customers); tests reset it between them."""
    with Simulator(SimulatorConfig(customers=25, seed=7)) as sim:
        yield sim


@pytest.fixture
def sim(simulator_server):
    """The shared simulator with counters, faults and revoked tokens cleared."""
    simulator_server.clear_faults()
    simulator_server.reset_counters()
    yield simulator_server
    simulator_server.clear_faults()


def connection_env(sim: Simulator, **overrides: str) -> dict[str, str]:
    """AVEPOINT_* variables pointing at the simulator with its test app's credentials."""
    env = {
        "AVEPOINT_API_URL": sim.url,
        "AVEPOINT_TOKEN_URL": sim.token_url,
        "AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID,
        "AVEPOINT_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


class AnsibleRun:
    """Runs real ansible-playbook / ansible-inventory processes in a scratch directory."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def env(self, extra: Optional[dict[str, str]] = None, keep_avepoint: bool = False) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if keep_avepoint or not k.startswith("AVEPOINT_")}
        env.update(extra or {})
        return env

    def playbook(
        self,
        plays: Any,
        env: Optional[dict[str, str]] = None,
        args: tuple[str, ...] = (),
        extra_files: Optional[dict[str, str]] = None,
    ) -> subprocess.CompletedProcess:
        """Write ``plays`` (YAML text or data) to a playbook and run it on localhost."""
        path = self.workdir / "playbook.yml"
        path.write_text(plays if isinstance(plays, str) else yaml.safe_dump(plays, sort_keys=False))
        for name, text in (extra_files or {}).items():
            (self.workdir / name).write_text(text)
        command = [
            str(BIN / "ansible-playbook"), str(path),
            "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % PYTHON,
            *args,
        ]
        return subprocess.run(command, cwd=self.workdir, env=self.env(env), capture_output=True, text=True, timeout=600)

    def task(self, module: str, module_args: Optional[dict[str, Any]], env: Optional[dict[str, str]] = None,
             args: tuple[str, ...] = (), task_extra: Optional[dict[str, Any]] = None) -> tuple[dict[str, Any], subprocess.CompletedProcess]:
        """Run one module task; return its registered result (failed or not) and the process."""
        out = self.workdir / "result.json"
        if out.exists():
            out.unlink()
        task = {"name": "task under test", module: module_args, "register": "result", "ignore_errors": True}
        task.update(task_extra or {})
        plays = [{
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                task,
                {"name": "save the result", "ansible.builtin.copy": {"content": "{{ result | to_json }}", "dest": str(out)}},
            ],
        }]
        proc = self.playbook(plays, env=env, args=args)
        assert out.exists(), "playbook did not save a result:\n%s\n%s" % (proc.stdout, proc.stderr)
        return json.loads(out.read_text()), proc

    def tasks(self, module: str, cases: list[Optional[dict[str, Any]]], env: Optional[dict[str, str]] = None,
              args: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess]:
        """Run one task per entry of ``cases`` (module args) in a single playbook; return every registered result."""
        out = self.workdir / "results.json"
        if out.exists():
            out.unlink()
        tasks: list[dict[str, Any]] = [
            {"name": "case %d" % index, module: case, "register": "case_%d" % index, "ignore_errors": True}
            for index, case in enumerate(cases)
        ]
        names = ", ".join("case_%d" % index for index in range(len(cases)))
        tasks.append({"name": "save the results", "ansible.builtin.copy": {"content": "{{ [%s] | to_json }}" % names, "dest": str(out)}})
        proc = self.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=env, args=args)
        assert out.exists(), "playbook did not save the results:\n%s\n%s" % (proc.stdout, proc.stderr)
        return json.loads(out.read_text()), proc


@pytest.fixture
def ansible(tmp_path):
    return AnsibleRun(tmp_path)
