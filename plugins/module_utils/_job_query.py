# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a jobs request asks for, validated completely before any network request.

``job_query`` turns user options (module params, or a plugin's options) into a JobQuery:
customer IDs (GUIDs), the time window (``since``), the status / job type / job module
filters (names or codes, checked against the documented tables) and the Elements v3 jobs
path (a documented constant that users can override).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional

from ._customer_ids import normalize_customer_ids
from ._shown import describe
from ._errors import ConfigurationError
from ._job_codes import JOB_MODULE, JOB_TYPE, RUN_STATUS, CodeTable, digits_only, name_key
from ._times import format_time, resolve_since, utc_now

# AvePoint documents this path; its change log once spells it .../products/jobs/batch, so it
# can be overridden (option elements_jobs_path) without waiting for a new release.
ELEMENTS_JOBS_PATH = "/partner/external/v3/general/customers/{customer_id}/avpt-products/jobs/batch"
PLACEHOLDER = "{customer_id}"
_PLACEHOLDER_SPELLINGS = ("{customer_id}", "{customerId}")
_PATH_CHARACTERS = re.compile(r"\A(?:/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+/?\Z")


@dataclass(frozen=True)
class ValueFilter:
    """Accepted values of one job field: codes, and names for jobs whose name has no code."""

    codes: frozenset[int]
    names: frozenset[str]

    def matches(self, code: Optional[int], name: Optional[str]) -> bool:
        if code is not None:
            return code in self.codes
        return name is not None and name_key(name) in self.names

    def single_code(self) -> Optional[int]:
        """The one code this filter accepts, when it is one (the API can then filter for us)."""
        return next(iter(self.codes)) if len(self.codes) == 1 else None


@dataclass(frozen=True)
class JobQuery:
    customer_ids: list[str]
    since: Optional[datetime] = None
    statuses: Optional[ValueFilter] = None
    job_types: Optional[ValueFilter] = None
    job_modules: Optional[ValueFilter] = None
    elements_path: str = ELEMENTS_JOBS_PATH
    now: datetime = field(default_factory=utc_now)

    @property
    def since_text(self) -> Optional[str]:
        return format_time(self.since) if self.since is not None else None


def value_filter(values: Optional[Iterable[Any]], table: CodeTable, option: str) -> Optional[ValueFilter]:
    """A filter from names and codes (``Finished``, ``2``, ``"2"``); ConfigurationError for unknown ones."""
    if values is None:
        return None
    if isinstance(values, (str, int)):
        values = [values]
    codes: set[int] = set()
    names: set[str] = set()
    for value in values:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is not None and digits_only(text) and table.name(int(text)) is not None:
            codes.add(int(text))
            names.add(name_key(table.names[int(text)]))
        elif text and not digits_only(text) and table.canonical(text) is not None:
            codes.update(table.codes(text))
            names.add(name_key(table.canonical(text)))  # type: ignore[arg-type]
        else:
            raise ConfigurationError(
                "option '%s' has the value %s, which is not a documented %s; use a name or code such as %s"
                % (option, describe(value), option.replace("_", " "), _choices(table))
            )
    if not codes and not names:
        raise ConfigurationError("option '%s' is an empty list; leave it out to get every %s" % (option, option.replace("_", " ")))
    return ValueFilter(frozenset(codes), frozenset(names))


def _choices(table: CodeTable) -> str:
    shown = ["%s (%d)" % (name, code) for code, name in sorted(table.names.items())][:16]
    extra = [name for name in table.known_names() if not table.codes(name)]
    return ", ".join(shown + extra) + (", ..." if len(table.names) > 16 else "")


def elements_jobs_path(value: Optional[str]) -> str:
    """The Elements v3 jobs path template: an absolute path with one customer ID placeholder."""
    if value is None or not str(value).strip():
        return ELEMENTS_JOBS_PATH
    text = str(value).strip()
    for spelling in _PLACEHOLDER_SPELLINGS[1:]:
        text = text.replace(spelling, PLACEHOLDER)
    bare = text.replace(PLACEHOLDER, "customer")
    if text.count(PLACEHOLDER) != 1 or not _PATH_CHARACTERS.match(bare) or "/../" in bare + "/" or "/./" in bare + "/":
        raise ConfigurationError(
            "option 'elements_jobs_path' must be an absolute URL path with one {customer_id} placeholder and no query, "
            "such as %s; got %s" % (ELEMENTS_JOBS_PATH, describe(value))
        )
    return text


def job_query(
    customer_ids: Iterable[Any],
    since: Optional[str] = None,
    statuses: Optional[Iterable[Any]] = None,
    job_types: Optional[Iterable[Any]] = None,
    job_modules: Optional[Iterable[Any]] = None,
    elements_path: Optional[str] = None,
    now: Optional[datetime] = None,
) -> JobQuery:
    """Validate every part of a jobs request; ConfigurationError names the first problem."""
    ids = normalize_customer_ids(customer_ids)
    if not ids:
        raise ConfigurationError("no customer ID given: set customer_id or customer_ids")
    moment = now or utc_now()
    start = None
    if since is not None:
        try:
            start = resolve_since(since, moment)
        except ValueError as error:
            raise ConfigurationError("option 'since' has the value %s: %s" % (describe(since), error)) from None
    return JobQuery(
        customer_ids=ids,
        since=start,
        statuses=value_filter(statuses, RUN_STATUS, "status"),
        job_types=value_filter(job_types, JOB_TYPE, "job_type"),
        job_modules=value_filter(job_modules, JOB_MODULE, "job_module"),
        elements_path=elements_jobs_path(elements_path),
        now=moment,
    )
