"""Helpers for integration tests: simulator connection settings, expected facts, and
real ansible-playbook runs. A module of its own (not conftest) so test files import it by
a name no other test folder uses."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import yaml

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "simulator") not in sys.path:
    sys.path.insert(0, str(REPO / "simulator"))

from avepoint_simulator import (  # noqa: E402  pylint: disable=wrong-import-position
    APP_KEY_PASSPHRASE as _APP_KEY_PASSPHRASE_BYTES, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, JOB_STATUS_NAMES, Simulator, SimulatorConfig)

BIN = Path(sys.executable).parent
APP_KEY_PASSPHRASE = _APP_KEY_PASSPHRASE_BYTES.decode()  # of the simulator's encrypted app key, app.key.enc.pem
PYTHON = sys.executable

__all__ = ["REPO", "BIN", "PYTHON", "APP_KEY_PASSPHRASE", "DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "Simulator", "SimulatorConfig",
           "cleared", "connection_env", "expected_facts", "plain", "squeezed", "warnings_printed", "AnsibleRun"]


def expected_facts(raw: dict) -> dict:
    """The partner-API customer facts a consumer must return for a simulator dataset entry."""
    return {
        "id": raw["id"],
        "organization": raw["organization"],
        "owner_email": raw["ownerEmail"],
        "job_status": JOB_STATUS_NAMES[raw["jobStatusCode"]],
        "job_status_code": raw["jobStatusCode"],
        "country_or_region": raw["countryOrRegion"],
    }


def plain(value: Any) -> Any:
    """Drop the {"__ansible_unsafe": ...} wrappers ansible-inventory writes on ansible-core 2.19+."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def squeezed(text: str) -> str:
    """``text`` without whitespace, to compare with what Ansible printed whatever its line wrapping.

    ansible-core 2.16 wraps warnings and errors at 79 columns, also right after a hyphen (inside
    IDs and paths); 2.19 does not wrap. Only whitespace differs, so squeezed texts compare equal.
    """
    return "".join(text.split())


def warnings_printed(output: str) -> list[str]:
    """The [WARNING] messages in ``output`` (stderr of an ansible command), each one squeezed."""
    return squeezed(output).split("[WARNING]:")[1:]


@contextlib.contextmanager
def cleared(server: Simulator) -> Iterator[Simulator]:
    """A shared simulator without the faults, response shapes and counts of earlier tests, cleaned up after."""
    server.clear_faults()
    server.clear_shapes()
    server.reset_counters()
    try:
        yield server
    finally:
        server.clear_faults()
        server.clear_shapes()


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
        return subprocess.run(command, cwd=self.workdir, env=self.env(env), capture_output=True, check=False, text=True, timeout=600)

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
