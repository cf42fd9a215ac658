"""The event source's polling loop against the simulator, in this process: the real client over loopback,
a list as ansible-rulebook's queue, and the pauses between polls in the test's hands (``Polls``).

The rulebook runs of test_eda_rulebook.py check the same source under the real ansible-rulebook.
"""

from __future__ import annotations

import asyncio
import json
import logging
import runpy
import stat
import sys
import time
from datetime import datetime, timezone
from typing import Any, Optional

import pytest

from harness import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, REPO, Simulator, SimulatorConfig
from test_job_info import expected_by_workload

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils import _event_source
from ansible_collections.avepoint.graph.plugins.plugin_utils._event_source import run

INSTALLED = REPO / ".build" / "collections" / "ansible_collections" / "avepoint" / "graph"  # as tests/conftest.py links it
PLUGIN = INSTALLED / "extensions" / "eda" / "plugins" / "event_source" / "customer_events.py"
NEW_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
LOGGER = "avepoint.graph.customer_events"


@pytest.fixture
def live_sim():
    """A simulator of its own (the tests change its customers): 8 customers, one per job profile."""
    with Simulator(SimulatorConfig(customers=8, seed=11)) as sim:
        yield sim


class Queue:
    """ansible-rulebook's queue as the source sees it: ``put``."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def put(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def kinds(self) -> list[tuple[str, str, Optional[str]]]:
        return [(e["avepoint"]["kind"], e["avepoint"]["customer_id"], e["avepoint"]["field"]) for e in self.events]


class Polls:
    """Stands in for asyncio.sleep between polls: each call ends a poll; ``next`` lets the next one start."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.gate = asyncio.Semaphore(0)

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        await self.gate.acquire()

    async def done(self, count: int) -> None:
        for _attempt in range(2000):
            if len(self.delays) >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("poll %d did not end (%d so far)" % (count, len(self.delays)))

    async def step(self, count: int) -> None:
        """Let the next poll run and wait until it has ended (poll ``count``)."""
        self.gate.release()
        await self.done(count)


def source_args(sim: Simulator, **extra: Any) -> dict[str, Any]:
    args = {"api_url": sim.url, "token_url": sim.token_url, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET,
            "interval": 60}
    args.update(extra)
    return args


async def stopped(task: "asyncio.Task[None]") -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_changes_while_running_one_token_and_the_cost_of_a_poll(live_sim):
    sim = live_sim
    customers = sim.customers
    healthy, failing, stale, renamed, removed = (customers[index]["id"] for index in (0, 1, 3, 4, 5))
    assert sim.job_profile(healthy) == "healthy" and sim.job_profile(stale) == "stale"
    job_pages = sum(-(-len(sim.jobs(c["id"])) // 50) or 1 for c in customers)  # 50 jobs a page, one page when empty

    async def scenario() -> tuple[Queue, Polls, list[dict[str, Any]]]:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, source_args(sim, last_successful_backup_within="24h"), environ={}, sleep=polls.sleep))
        await polls.done(1)
        assert queue.events == []  # the first poll is the baseline
        costs = [sim.counters()]
        await polls.step(2)
        costs.append(sim.counters())
        assert queue.events == []
        sim.update_customer(failing, {"jobStatus": "Failed"})
        sim.update_customer(renamed, {"organization": "Renamed Holdings", "countryOrRegion": "Japan"})
        sim.remove_customer(removed)
        sim.add_customer({"id": NEW_ID, "organization": "Newcomer Ltd", "jobs": []})
        sim.add_job(stale)  # a success now: recovered
        sim.update_customer(healthy, {"jobs": []})  # no success at all: stale
        await polls.step(3)
        await polls.step(4)  # nothing changed since: nothing more
        await stopped(task)
        return queue, polls, costs

    queue, polls, costs = asyncio.run(scenario())
    assert sorted(queue.kinds()) == sorted([
        ("job_status_changed", failing, "job_status"),
        ("customer_changed", renamed, "organization"),
        ("customer_changed", renamed, "country_or_region"),
        ("customer_added", NEW_ID, None),
        ("backup_stale", NEW_ID, "last_success"),  # a new customer without a backup is stale from the start
        ("backup_recovered", stale, "last_success"),
        ("backup_stale", healthy, "last_success"),
        ("customer_removed", removed, None),
    ])
    events = {(e["avepoint"]["kind"], e["avepoint"]["customer_id"]): e["avepoint"] for e in queue.events}
    status = events[("job_status_changed", failing)]
    assert (status["previous"], status["current"], status["customer"]["job_status_code"]) == ("Working", "Failed", 2)
    assert events[("customer_removed", removed)]["customer"]["id"] == removed
    assert events[("backup_recovered", stale)]["current"] > events[("backup_recovered", stale)]["previous"]
    assert events[("backup_stale", healthy)]["current"] is None and events[("backup_stale", healthy)]["within"] == "24h"
    assert polls.delays == [60, 60, 60, 60]
    # One token for every poll; a poll costs one customer list request and the job pages of each customer.
    final = sim.counters()
    assert final["token_requests"] == 1
    one_poll = {path: costs[1]["by_path"][path] - costs[0]["by_path"].get(path, 0) for path in costs[1]["by_path"]}
    assert one_poll == {"GET /partner/customers": 1, "GET /partner/customers/{id}/jobs": job_pages}


def test_the_per_workload_rule_sends_stale_and_recovered_per_workload(live_sim):
    """One workload failing for days (the "partial" profile) is stale under the per-workload rule only."""
    sim = live_sim
    partial = sim.customers[2]["id"]
    assert sim.job_profile(partial) == "partial"
    rule = {"Exchange Online": "24h", "sharepoint": "24h"}  # any spelling of a workload
    at = datetime.fromtimestamp(sim.jobs_now, timezone.utc)  # the polls' clock: the histories' "now"
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sim.jobs_now - 86400))

    async def scenario(within: Any) -> Queue:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, source_args(sim, api="elements", initial_events=True,
                                                            last_successful_backup_within=within),
                                         environ={}, sleep=polls.sleep, clock=lambda: at))
        await polls.done(1)
        sim.add_job(partial)  # an Exchange Online success
        await polls.step(2)
        await stopped(task)
        return queue

    expected = []  # (customer, workload, its last success) stale at the first poll
    for customer in sim.customers:
        workloads = expected_by_workload(sim.jobs(customer["id"]))
        expected += [(customer["id"], name, workloads.get(name)) for name in ("Exchange Online", "SharePoint Online")
                     if workloads.get(name) is None or workloads[name] < cutoff]
    queue = asyncio.run(scenario(rule))
    initial = [e["avepoint"] for e in queue.events if e["avepoint"]["initial"] and e["avepoint"]["kind"] == "backup_stale"]
    assert [(e["customer_id"], e["workload"], e["current"]) for e in initial] == expected
    assert (partial, "Exchange Online") in [(e["customer_id"], e["workload"]) for e in initial]
    assert (partial, "SharePoint Online") not in [(e["customer_id"], e["workload"]) for e in initial]
    later = [e["avepoint"] for e in queue.events if not e["avepoint"]["initial"]]
    assert [(e["kind"], e["customer_id"], e["workload"], e["within"]) for e in later] == [
        ("backup_recovered", partial, "Exchange Online", "24h")]
    assert later[0]["previous"] < cutoff < later[0]["current"] == later[0]["customer"]["last_success_by_workload"]["Exchange Online"]
    sim.update_customer(partial, {"jobs": None})  # its generated history again

    # one duration: the same customer looks healthy, its SharePoint Online backups are recent
    one = asyncio.run(scenario("24h"))
    assert partial not in [e["avepoint"]["customer_id"] for e in one.events if e["avepoint"]["kind"] == "backup_stale"]
    assert all(e["avepoint"]["workload"] is None for e in one.events)
    sim.update_customer(partial, {"jobs": None})


def test_the_cost_of_a_poll_on_the_elements_api_and_with_ids(live_sim):
    sim = live_sim
    ids = [c["id"] for c in sim.customers[:3]]

    async def scenario(**extra: Any) -> dict[str, int]:
        polls = Polls()
        task = asyncio.ensure_future(run(Queue(), source_args(sim, **extra), environ={}, sleep=polls.sleep))
        await polls.done(1)
        sim.reset_counters()
        await polls.step(2)
        await stopped(task)
        return sim.counters()["by_path"]

    assert asyncio.run(scenario(api="elements")) == {"POST /partner/external/v3/general/customers/batch": 1}
    assert asyncio.run(scenario(api="elements", ids=ids)) == {"POST /partner/external/v3/general/customers/batch": 1}
    assert asyncio.run(scenario(ids=ids)) == {"GET /partner/customers/{id}": 3}


def test_an_outage_is_logged_once_polls_back_off_and_go_on(live_sim, caplog):
    sim = live_sim
    first = sim.customers[0]["id"]

    async def scenario() -> tuple[Queue, Polls]:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, source_args(sim, retries=0, interval=10), environ={}, sleep=polls.sleep))
        await polls.done(1)
        sim.set_faults([{"kind": "status", "status": 503}])
        for count in range(2, 6):
            await polls.step(count)
        sim.update_customer(first, {"jobStatus": "Failed"})  # during the outage: reported once it ends
        sim.clear_faults()
        await polls.step(6)
        await polls.step(7)
        await stopped(task)
        return queue, polls

    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        queue, polls = asyncio.run(scenario())
    assert polls.delays == [10, 20, 40, 80, 160, 10, 10]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "HTTP 503" in errors[0].getMessage() and "polling AvePoint failed" in errors[0].getMessage()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == ["polling AvePoint works again, after 4 failed poll(s)"]
    assert queue.kinds() == [("job_status_changed", first, "job_status")]


def test_a_dead_host_is_an_outage_too(caplog):
    with Simulator(SimulatorConfig(customers=3)) as sim:
        args = source_args(sim, retries=0, timeout=2)

    async def scenario() -> Polls:
        polls = Polls()
        task = asyncio.ensure_future(run(Queue(), args, environ={}, sleep=polls.sleep))
        await polls.done(1)
        await polls.step(2)
        await polls.step(3)
        await stopped(task)
        return polls

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        polls = asyncio.run(scenario())
    assert polls.delays == [120, 240, 480]
    assert len(caplog.records) == 1 and caplog.records[0].levelno == logging.ERROR
    assert "polling AvePoint failed" in caplog.records[0].getMessage()


def test_an_expired_token_is_refreshed_without_an_outage(live_sim, caplog):
    sim = live_sim

    async def scenario() -> None:
        polls = Polls()
        task = asyncio.ensure_future(run(Queue(), source_args(sim), environ={}, sleep=polls.sleep))
        await polls.done(1)
        sim.revoke_tokens()
        await polls.step(2)
        await polls.step(3)
        await stopped(task)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        asyncio.run(scenario())
    assert sim.counters()["token_requests"] == 2 and caplog.records == []


def test_watched_ids_the_api_does_not_know_are_named_once_and_added_when_they_appear(live_sim, caplog):
    sim = live_sim
    known = sim.customers[0]["id"]

    async def scenario() -> Queue:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, source_args(sim, ids=[known, NEW_ID]), environ={}, sleep=polls.sleep))
        await polls.done(1)
        await polls.step(2)
        sim.add_customer({"id": NEW_ID, "organization": "Appeared Ltd"})
        await polls.step(3)
        await stopped(task)
        return queue

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        queue = asyncio.run(scenario())
    assert [r.getMessage() for r in caplog.records] == [
        "the API does not know the watched customer(s) %s: customer_added follows if one appears" % NEW_ID]
    assert queue.kinds() == [("customer_added", NEW_ID, None)]


def test_restart_with_the_state_file_reports_what_changed_while_stopped_once(live_sim, tmp_path):
    sim = live_sim
    state_file = tmp_path / "state.json"
    customers = sim.customers
    args = source_args(sim, state_file=str(state_file), last_successful_backup_within="24h")

    async def session(change_while_running=None) -> Queue:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, args, environ={}, sleep=polls.sleep))
        await polls.done(1)
        if change_while_running:
            change_while_running()
            await polls.step(2)
        await stopped(task)
        return queue

    first = asyncio.run(session(lambda: sim.update_customer(customers[0]["id"], {"jobStatus": "Failed"})))
    assert first.kinds() == [("job_status_changed", customers[0]["id"], "job_status")]
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    sim.update_customer(customers[1]["id"], {"organization": "Changed While Stopped"})
    sim.remove_customer(customers[2]["id"])
    second = asyncio.run(session())
    assert second.kinds() == [("customer_changed", customers[1]["id"], "organization"), ("customer_removed", customers[2]["id"], None)]
    third = asyncio.run(session())
    assert third.events == []  # nothing repeated


def test_a_stop_while_events_wait_on_a_full_queue_loses_and_repeats_nothing(live_sim, tmp_path):
    """ansible-rulebook's queue holds one event: a stop may come between two puts."""
    sim = live_sim
    state_file = tmp_path / "state.json"
    ids = [c["id"] for c in sim.customers[:3]]
    args = source_args(sim, state_file=str(state_file))

    async def stopped_while_delivering() -> list[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(1)
        polls = Polls()
        task = asyncio.ensure_future(run(queue, args, environ={}, sleep=polls.sleep))
        await polls.done(1)
        for customer_id in ids:
            sim.update_customer(customer_id, {"jobStatus": "Failed"})
        polls.gate.release()
        taken = [await asyncio.wait_for(queue.get(), 20)]  # the second waits in the queue, the third in put
        await asyncio.sleep(0.2)
        await stopped(task)
        return taken + [queue.get_nowait()]

    delivered = asyncio.run(stopped_while_delivering())
    assert [e["avepoint"]["customer_id"] for e in delivered] == ids[:2]

    async def restarted() -> Queue:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, args, environ={}, sleep=polls.sleep))
        await polls.done(1)
        await stopped(task)
        return queue

    assert asyncio.run(restarted()).kinds() == [("job_status_changed", ids[2], "job_status")]


def test_a_stop_during_a_poll_is_prompt_and_closes_the_client(live_sim, monkeypatch):
    sim = live_sim
    closed = []
    real_close = _event_source.AvePointClient.close
    monkeypatch.setattr(_event_source.AvePointClient, "close", lambda self: closed.append(True) or real_close(self))

    async def scenario() -> int:
        polls = Polls()
        task = asyncio.ensure_future(run(Queue(), source_args(sim), environ={}, sleep=polls.sleep))
        await polls.done(1)
        sim.set_faults([{"kind": "delay", "delay_ms": 20000}])
        polls.gate.release()
        for _attempt in range(500):  # until the poll waits for the slow answer in its thread
            if sim.counters()["in_flight"]:
                break
            await asyncio.sleep(0.01)
        await stopped(task)
        return sim.counters()["in_flight"]

    # The source has stopped (and asyncio.run has returned) while the request is still being answered.
    assert asyncio.run(scenario()) == 1
    assert closed == [True]
    sim.clear_faults()


def test_bad_arguments_fail_at_start_before_any_request(live_sim, tmp_path):
    sim = live_sim
    for args, message in [
        (source_args(sim, interval="often"), "option 'interval'"),
        (source_args(sim, state_file=str(tmp_path / "no" / "state.json")), "does not exist"),
        (source_args(sim, client_secret=None), "no credential given"),
        (source_args(sim, last_successful_backup_within={"OneDrvie": "24h"}), "names the workload 'OneDrvie'.*known workloads"),
    ]:
        with pytest.raises(ConfigurationError, match=message):
            asyncio.run(run(Queue(), args, environ={}))
    assert sim.counters()["api_requests"] == 0 and sim.counters()["token_requests"] == 0


def test_secrets_appear_in_no_event_log_or_state_file(live_sim, tmp_path, caplog):
    sim = live_sim
    state_file = tmp_path / "state.json"

    async def scenario() -> Queue:
        queue, polls = Queue(), Polls()
        task = asyncio.ensure_future(run(queue, source_args(sim, state_file=str(state_file), retries=0, initial_events=True,
                                                            last_successful_backup_within="24h"),
                                         environ={}, sleep=polls.sleep))
        await polls.done(1)
        sim.set_faults([{"kind": "status", "status": 500, "echo_request": True}])  # a service that repeats the token
        await polls.step(2)
        sim.clear_faults()
        await polls.step(3)
        await stopped(task)
        return queue

    with caplog.at_level(logging.DEBUG):
        queue = asyncio.run(scenario())
    assert queue.events and "Simulated fault" in caplog.text
    secrets = [DEFAULT_CLIENT_SECRET] + sim.issued_tokens()
    for text in (json.dumps(queue.events), caplog.text, state_file.read_text()):
        assert not [secret for secret in secrets if secret in text]


def test_the_plugin_file_runs_as_ansible_rulebook_loads_it(live_sim, monkeypatch):
    """By its path, with runpy: the file finds the collection's shared code from where it is installed."""
    # Ansible's collection finder (tests/conftest.py) would claim the path as a package; ansible-rulebook has none.
    monkeypatch.setitem(sys.path_importer_cache, str(PLUGIN), None)
    module = runpy.run_path(str(PLUGIN))
    assert module["collection_root"](str(PLUGIN)) == str(REPO / ".build" / "collections")
    assert module["collection_root"]("/srv/customer_events.py") is None

    async def scenario() -> Queue:
        queue = Queue()
        task = asyncio.ensure_future(module["main"](queue, source_args(live_sim, initial_events=True)))
        for _attempt in range(2000):
            if len(queue.events) == len(live_sim.customers):
                break
            await asyncio.sleep(0.01)
        await stopped(task)
        return queue

    queue = asyncio.run(scenario())
    assert [e["avepoint"]["customer_id"] for e in queue.events] == [c["id"] for c in live_sim.customers]
