"""The event source under the real ansible-rulebook (from PyPI, in its own virtualenv .venv-eda: `make eda-venv`,
which needs a Java 17 runtime: scripts/ensure-java.sh) against the simulator.

The rulebook is the collection's example (examples/eda/avepoint_backups.yml), with a rule added that
prints every event: a stale backup opens a ticket through the example playbook, in a service desk
stood in for by a small HTTP server here. Customers change while the rulebook runs and while it is
stopped; the events are read from what ansible-rulebook prints.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import stat
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, REPO, Simulator, SimulatorConfig
from test_job_info import expected_by_workload

pytestmark = pytest.mark.tooling

EXAMPLE = REPO / "examples" / "eda"
NEW_IDS = ("0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7")
DESK_TOKEN = "desk-token-for-the-rulebook-test"
WAIT = 120  # seconds for something expected to happen under ansible-rulebook


@pytest.fixture(scope="module")
def eda_bin() -> Path:
    venv = Path(os.environ.get("AVEPOINT_EDA_VENV") or REPO / ".venv-eda")
    venv = venv if venv.is_absolute() else REPO / venv
    if not (venv / "bin" / "ansible-rulebook").exists():
        pytest.fail("no ansible-rulebook in %s: build it with `make eda-venv` (make tooling does)" % venv)
    if shutil.which("java") is None:
        pytest.fail("ansible-rulebook needs a Java 17 runtime: run scripts/ensure-java.sh (make tooling does)")
    return venv / "bin"


class ServiceDesk:
    """An HTTP endpoint that records the tickets POSTed to it."""

    def __init__(self) -> None:
        self.tickets: list[dict[str, Any]] = []
        self.headers: list[str] = []
        desk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                desk.tickets.append(json.loads(body))
                desk.headers.append(self.headers.get("Authorization", ""))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/tickets" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Rulebook:
    """One ansible-rulebook process; the events it prints are parsed as they come."""

    def __init__(self, eda_bin: Path, workdir: Path, rulebook: Path, variables: dict[str, Any], env: dict[str, str]) -> None:
        (workdir / "vars.yml").write_text(yaml.safe_dump(variables))
        self.events: list[dict[str, Any]] = []
        self.output: list[str] = []
        self.changed = threading.Condition()
        environment = {key: value for key, value in os.environ.items() if not key.startswith("AVEPOINT_")}
        environment.update(env, PATH="%s%s%s" % (eda_bin, os.pathsep, os.environ["PATH"]), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped in stop()
            [str(eda_bin / "ansible-rulebook"), "-r", str(rulebook), "-i", str(EXAMPLE / "inventory.yml"),
             "--vars", str(workdir / "vars.yml"), "-v"],
            cwd=workdir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.output.append(line)
                if line.startswith("{") and "'avepoint':" in line:
                    self.events.append(ast.literal_eval(line.strip())["avepoint"])
                self.changed.notify_all()

    def wait_for(self, what: str, done: Callable[[], bool]) -> None:
        """Until ``done()``; it is checked at each line printed and at least every 0.2 s (polls print nothing)."""
        for _attempt in range(int(WAIT / 0.2)):
            with self.changed:
                if done():
                    return
                if self.process.poll() is not None:
                    break
                self.changed.wait(0.2)
        raise AssertionError("%s did not happen; ansible-rulebook printed:\n%s" % (what, self.text()))

    def text(self) -> str:
        with self.changed:
            return "".join(self.output)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code


def kinds(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((event["kind"], event["customer_id"]) for event in events)


def polls(sim: Simulator) -> int:
    """Polls begun so far (each one lists the customers once)."""
    return sim.counters()["by_path"].get("GET /partner/customers", 0)


@pytest.fixture
def desk() -> Iterator[ServiceDesk]:
    server = ServiceDesk()
    yield server
    server.close()


@pytest.fixture
def printing_rulebook(tmp_path: Path) -> Path:
    """The example rulebook, every rule of it, plus one that prints each event (its rules all apply to an event)."""
    rulebook = yaml.safe_load((EXAMPLE / "avepoint_backups.yml").read_text())
    rulebook[0]["match_multiple_rules"] = True
    rulebook[0]["rules"].append({"name": "Print every event", "condition": "event.avepoint.kind is defined", "action": {"print_event": {}}})
    path = tmp_path / "rulebook.yml"
    path.write_text(yaml.safe_dump(rulebook, sort_keys=False))
    shutil.copy(EXAMPLE / "open_backup_ticket.yml", tmp_path)
    return path


def test_changes_while_running_and_while_stopped(eda_bin, tmp_path, desk, printing_rulebook):
    state_file = tmp_path / "avepoint-state.json"
    with Simulator(SimulatorConfig(customers=8, seed=11)) as sim:
        customers = [c["id"] for c in sim.customers]
        healthy, failing, stale, renamed, removed = (customers[index] for index in (0, 1, 3, 4, 5))
        variables = {"avepoint_poll_interval": 1, "avepoint_state_file": str(state_file), "ticket_url": desk.url,
                     "api_url": sim.url, "token_url": sim.token_url}
        # The connection from the AVEPOINT_* variables (as an EDA controller credential sets them), the URLs as arguments.
        source = yaml.safe_load(printing_rulebook.read_text())
        source[0]["sources"][0]["avepoint.graph.customer_events"].update(api_url="{{ api_url }}", token_url="{{ token_url }}")
        printing_rulebook.write_text(yaml.safe_dump(source, sort_keys=False))
        env = {"AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID, "AVEPOINT_CLIENT_SECRET": DEFAULT_CLIENT_SECRET, "AVEPOINT_ACCESS_TOKEN": "",
               "SERVICE_DESK_TOKEN": DESK_TOKEN}

        # 1. While it runs: a baseline, then one event per change.
        running = Rulebook(eda_bin, tmp_path, printing_rulebook, variables, env)
        try:
            running.wait_for("the second poll", lambda: polls(sim) >= 2)
            sim.update_customer(failing, {"jobStatus": "Failed"})
            sim.update_customer(renamed, {"organization": "Renamed Holdings"})
            sim.remove_customer(removed)
            sim.add_customer({"id": NEW_IDS[0], "organization": "Newcomer Ltd", "jobs": []})
            sim.add_job(stale)
            sim.update_customer(healthy, {"jobs": []})
            expected = [("job_status_changed", failing), ("customer_changed", renamed), ("customer_removed", removed),
                        ("customer_added", NEW_IDS[0]), ("backup_stale", NEW_IDS[0]), ("backup_recovered", stale),
                        ("backup_stale", healthy)]
            running.wait_for("the events of the changes", lambda: len(running.events) >= len(expected))
            running.wait_for("a ticket per stale backup", lambda: len(desk.tickets) >= 2)
            seen = polls(sim)
            running.wait_for("two more polls", lambda: polls(sim) >= seen + 2)
        finally:
            running.stop()
        assert kinds(running.events) == sorted(expected), running.text()
        status = next(e for e in running.events if e["kind"] == "job_status_changed")
        assert (status["previous"], status["current"], status["organization"]) == ("Working", "Failed", status["customer"]["organization"])
        assert sorted(t["customer_id"] for t in desk.tickets) == sorted([NEW_IDS[0], healthy])
        assert all(t["title"].startswith("AvePoint backup of ") and "within 24h" in t["description"] for t in desk.tickets)
        assert desk.headers == ["Bearer %s" % DESK_TOKEN] * 2
        assert stat.S_IMODE(state_file.stat().st_mode) == 0o600

        # 2. While it is stopped: reported once at the restart, nothing before repeated.
        sim.update_customer(failing, {"jobStatus": "Working"})
        sim.remove_customer(NEW_IDS[0])
        sim.add_customer({"id": NEW_IDS[1], "organization": "Second Newcomer", "jobs": []})
        sim.add_job(NEW_IDS[1])
        started = polls(sim)
        restarted = Rulebook(eda_bin, tmp_path, printing_rulebook, variables, env)
        try:
            restarted.wait_for("three polls", lambda: polls(sim) >= started + 3)
        finally:
            restarted.stop()
        assert kinds(restarted.events) == sorted([("job_status_changed", failing), ("customer_removed", NEW_IDS[0]),
                                                  ("customer_added", NEW_IDS[1])]), restarted.text()
        assert len(desk.tickets) == 2
        assert sim.counters()["token_requests"] == 2  # one token per run

    secrets = [DEFAULT_CLIENT_SECRET] + sim.issued_tokens()
    for text in (running.text(), restarted.text(), state_file.read_text()):
        assert not [secret for secret in secrets if secret in text]


def test_the_per_workload_rule_under_ansible_rulebook(eda_bin, tmp_path, desk, printing_rulebook):
    """The example rulebook with the rule per workload: events and tickets name the workload."""
    rule = {"Exchange Online": "24h", "SharePoint Online": "24h"}
    with Simulator(SimulatorConfig(customers=8, seed=11)) as sim:
        healthy, partial = sim.customers[0]["id"], sim.customers[2]["id"]
        assert sim.job_profile(partial) == "partial"  # Exchange Online has failed for days, SharePoint Online succeeds
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sim.jobs_now - 86400))
        recent = [name for name, last in expected_by_workload(sim.jobs(healthy)).items() if name in rule and last and last >= cutoff]
        assert recent  # a healthy customer backs up at least one of them
        variables = {"avepoint_poll_interval": 1, "avepoint_state_file": str(tmp_path / "state.json"), "ticket_url": desk.url,
                     "avepoint_backup_within": rule}
        env = {"AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID, "AVEPOINT_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
               "AVEPOINT_API_URL": sim.url, "AVEPOINT_TOKEN_URL": sim.token_url, "SERVICE_DESK_TOKEN": DESK_TOKEN}
        running = Rulebook(eda_bin, tmp_path, printing_rulebook, variables, env)
        try:
            running.wait_for("the second poll", lambda: polls(sim) >= 2)
            sim.add_job(partial)  # an Exchange Online success: recovered
            sim.update_customer(healthy, {"jobs": []})  # no job at all: each recent workload goes stale
            expected = [("backup_recovered", partial, "Exchange Online")] + [("backup_stale", healthy, name) for name in recent]
            running.wait_for("the events of the changes", lambda: len(running.events) >= len(expected))
            running.wait_for("a ticket per stale workload", lambda: len(desk.tickets) >= len(recent))
        finally:
            running.stop()
    assert sorted((e["kind"], e["customer_id"], e["workload"]) for e in running.events) == sorted(expected), running.text()
    assert all(e["within"] == "24h" and e["field"] == "last_success" for e in running.events)
    assert sorted(t["title"].rsplit("(", 1)[1].split(")")[0] for t in desk.tickets) == sorted(recent)
    assert all("No successful backup of %s within 24h" % t["title"].rsplit("(", 1)[1].split(")")[0] in t["description"]
               for t in desk.tickets)


def test_bad_arguments_stop_ansible_rulebook_at_start(eda_bin, tmp_path):
    rulebook = tmp_path / "rulebook.yml"
    rulebook.write_text(yaml.safe_dump([{
        "name": "bad", "hosts": "all",
        "sources": [{"avepoint.graph.customer_events": {"interval": "often", "client_secret": DEFAULT_CLIENT_SECRET}}],
        "rules": [{"name": "print", "condition": "event.avepoint.kind is defined", "action": {"print_event": {}}}],
    }]))
    run = Rulebook(eda_bin, tmp_path, rulebook, {}, {"AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID})
    run.process.wait(timeout=WAIT)
    code = run.stop()
    text = run.text()
    assert code != 0 and "ConfigurationError" in text and "option 'interval' has the value 'often'" in text, text
    assert DEFAULT_CLIENT_SECRET not in text
