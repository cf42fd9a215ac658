# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded concurrency for bulk fetches over one pooled session."""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Callable, Sequence, TypeVar

from ._errors import AvePointError, PartialFailureError

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_bounded(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    is_fatal: Callable[[AvePointError], bool],
) -> list[Result]:
    """Run ``work`` over ``items`` with at most ``workers`` threads, results in input order.

    A fatal error (bad credentials, missing permission, TLS, a host that cannot be reached,
    the total_timeout running out) stops everything at once: the same error would repeat for
    every item, so it is reported once, saying the fetch stopped. Other errors are collected, and if any
    remain at the end a PartialFailureError names exactly the items that failed, so a
    partial list is never returned as if complete.
    """
    if not items:
        return []
    if workers <= 1 or len(items) == 1:
        return _run_serially(work, items, is_fatal)
    stop = threading.Event()
    failures: dict[int, AvePointError] = {}
    results: list = [None] * len(items)

    def task(index: int) -> None:
        if stop.is_set():
            return
        try:
            results[index] = work(items[index])
        except AvePointError as error:
            if is_fatal(error):
                stop.set()
                raise
            failures[index] = error

    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="avepoint") as pool:
        futures = [pool.submit(task, index) for index in range(len(items))]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in done:
            error = future.exception()
            if error is not None:
                raise _stopped(error, len(items))
    if failures:
        raise PartialFailureError([(str(items[index]), failures[index]) for index in sorted(failures)])
    return results


def _run_serially(work: Callable[[Item], Result], items: Sequence[Item], is_fatal: Callable[[AvePointError], bool]) -> list[Result]:
    results = []
    failures = []
    for item in items:
        try:
            results.append(work(item))
        except AvePointError as error:
            if is_fatal(error):
                raise _stopped(error, len(items))
            if len(items) == 1:
                raise _naming(item, error)
            failures.append((str(item), error))
    if failures:
        raise PartialFailureError(failures)
    return results


def _stopped(error: BaseException, count: int) -> BaseException:
    """A fatal error of a bulk fetch, saying once that the other requests were not made."""
    if isinstance(error, AvePointError) and count > 1:
        error.message = "%s (the bulk fetch of %d requests stopped here: the others would fail the same way)" % (error.message, count)
        error.args = (error.message,)
    return error


def _naming(item: Item, error: AvePointError) -> AvePointError:
    """Put the item first in an error that does not name it (a network error knows only the host)."""
    label = str(item)
    if label not in error.message:
        error.message = "%s: %s" % (label, error.message)
        error.args = (error.message,)
    return error
