# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The polling loop of the event source avepoint.graph.customer_events.

AvePoint offers no webhook or alert API, so the source polls: every ``interval`` it reads the
customers (and, with a recency rule, their jobs) through one long-lived client, compares with
the snapshot before and puts one event per change on ansible-rulebook's queue.

* One client, so one token, for every poll: ``start_task`` gives each poll a fresh
  ``total_timeout`` and tries unreachable hosts again; the client refreshes the token near expiry
  or on a 401.
* The client blocks: each poll runs in a daemon thread, so a request in flight never holds up
  the stop of ansible-rulebook (the thread's result is then dropped).
* A failed poll (API error, dead host, a response off the contract, some customers unreadable)
  makes no event, since comparing partial data would report false changes. It is logged once per
  outage, the next polls wait twice as long each time (up to MAX_BACKOFF), and its end is logged.
* With a state file, what was delivered is saved after every poll, one customer at a time while
  the events are put, so a stop in the middle (the queue of ansible-rulebook holds one event)
  neither repeats nor loses an event at the restart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from functools import partial
from datetime import datetime
from typing import Any, Callable, Mapping, Optional, TypeVar

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError
from ansible_collections.avepoint.graph.plugins.module_utils._times import utc_now

from ._event_args import SourceConfig, source_config
from ._event_changes import EVENT_KEY, Event, Snapshot, changes, initial_events
from ._event_state import StateFile
from ._last_success import JOB_FACTS, add_job_facts

LOG = logging.getLogger("avepoint.graph.customer_events")
MAX_BACKOFF = 900.0  # seconds between polls during an outage, at most (or the interval, when longer)

Result = TypeVar("Result")
Sleep = Callable[[float], Any]


def read_snapshot(client: AvePointClient, config: SourceConfig, now: datetime) -> Snapshot:
    """One poll (blocking): the customers in scope and, with a recency rule, their last success (of any
    workload and of each one)."""
    client.start_task()
    missing: list[str] = []
    if config.ids is not None:
        result = client.get_customers(config.ids)
        found, missing = result.customers, result.missing_ids
    else:
        found = client.list_customers()
    snapshot = Snapshot(customers={facts["id"]: dict(facts) for facts in found}, missing_ids=missing)
    if config.recency is not None and snapshot.customers:
        add_job_facts(client, list(snapshot.customers.values()), JOB_FACTS, now)  # the last success, and per workload
        for customer_id, facts in snapshot.customers.items():
            snapshot.stale[customer_id] = config.recency.stale(facts, now)
    return snapshot


def in_daemon_thread(work: Callable[..., Result], *args: Any) -> "asyncio.Future[Result]":
    """Run ``work(*args)`` in a daemon thread; the future gets its result. Unlike an executor's threads, a
    daemon thread does not keep the process alive at exit when the awaiting task was cancelled."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Result] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def target() -> None:
        report: Callable[[], None]
        try:
            report = partial(future.set_result, work(*args))
        except BaseException as error:  # pylint: disable=broad-exception-caught  # handed to the awaiting task
            report = partial(future.set_exception, error)
        try:
            loop.call_soon_threadsafe(settle, report)
        except RuntimeError:  # the loop is closed: nobody waits for this poll any more
            pass

    threading.Thread(target=target, name="avepoint-customer-events-poll", daemon=True).start()
    return future


class Outage:
    """Failed polls in a row: logged at the first and when they end, not at every poll."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log
        self.failures = 0

    def failed(self, error: AvePointError, interval: float) -> float:
        """Note a failed poll; return the seconds to wait before the next one."""
        self.failures += 1
        delay = min(interval * 2 ** self.failures, max(interval, MAX_BACKOFF))
        if self.failures == 1:
            self.log.error("polling AvePoint failed: %s. No events until a poll succeeds again; polls go on with backoff "
                           "(next in %gs, at most %gs apart) and this is logged again only when they work", error, delay,
                           max(interval, MAX_BACKOFF))
        else:
            self.log.debug("poll %d of the outage failed too: %s (next in %gs)", self.failures, error, delay)
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.log.warning("polling AvePoint works again, after %d failed poll(s)", self.failures)
        self.failures = 0


async def run(queue: Any, args: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None,
              client_factory: Callable[..., AvePointClient] = AvePointClient, sleep: Sleep = asyncio.sleep,
              clock: Callable[[], datetime] = utc_now) -> None:
    """Validate ``args`` (ConfigurationError at once, before any request), then poll until cancelled."""
    config = source_config(args, environ)
    store = StateFile(config.state_file, LOG) if config.state_file else None
    previous = store.load(config.scope, config.recency_data) if store else None
    client = client_factory(config.settings, warn=LOG.warning)
    outage = Outage(LOG)
    try:
        while True:
            now = clock()
            try:
                current = await in_daemon_thread(read_snapshot, client, config, now)
            except AvePointError as error:
                await sleep(outage.failed(error, config.interval))
                continue
            outage.succeeded()
            if current.missing_ids and (previous is None or current.missing_ids != previous.missing_ids):
                LOG.warning("the API does not know the watched customer(s) %s: customer_added follows if one appears",
                            ", ".join(current.missing_ids))
            if previous is None:
                events = initial_events(current, config.recency, now) if config.initial_events else []
                LOG.info("first poll: %d customer(s) as the baseline; changes are reported from the next poll", len(current.customers))
            else:
                events = changes(previous, current, config.recency, now)
            previous = await deliver(queue, events, previous or Snapshot(), current, store, config, now)
            await sleep(config.interval)
    finally:
        client.close()


async def deliver(queue: Any, events: list[Event], before: Snapshot, after: Snapshot, store: Optional[StateFile],
                  config: SourceConfig, now: datetime) -> Snapshot:
    """Put ``events`` on the queue and save what was delivered; return the snapshot to compare the next poll with."""
    delivered = before
    try:
        for customer_id, group in _by_customer(events):
            for item in group:
                await queue.put(item)
            delivered = delivered.with_customer_of(after, customer_id)
        delivered = after
    finally:
        if store is not None:
            store.save(delivered, config.scope, config.recency_data, now)
    return delivered


def _by_customer(events: list[Event]) -> list[tuple[str, list[Event]]]:
    groups: dict[str, list[Event]] = {}
    for item in events:
        groups.setdefault(item[EVENT_KEY]["customer_id"], []).append(item)
    return list(groups.items())
