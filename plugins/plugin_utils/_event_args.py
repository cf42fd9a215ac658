# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The arguments of the event source avepoint.graph.customer_events, validated before its first request.

The connection options are those of every module and plugin, with the same ``AVEPOINT_*``
environment variables, defaults and checks (``_option_mapping``). The source's own arguments:
``interval``, ``ids``, ``state_file``, ``last_successful_backup_within`` and ``initial_events``.
Every problem is a ConfigurationError that names it, raised before anything is requested.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import normalize_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._durations import EXAMPLES, parse_duration
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._option_mapping import settings_from_mapping
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, ConnectionSettings, parse_boolean
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.recency import KEY as RECENCY_OPTION

from ._event_recency import RecencyRule, recency_rule

DEFAULT_INTERVAL = 300.0
MIN_INTERVAL = 1.0
MAX_INTERVAL = 86400.0
SOURCE_OPTIONS = ("interval", "ids", "state_file", RECENCY_OPTION, "initial_events")
# ansible-rulebook adds arguments of its own (eda_feedback_queue) to those of the rulebook.
RESERVED_PREFIX = "eda_"


@dataclass(frozen=True)
class SourceConfig:
    settings: ConnectionSettings
    interval: float = DEFAULT_INTERVAL
    ids: Optional[tuple[str, ...]] = None
    state_file: Optional[str] = None
    recency: Optional[RecencyRule] = None
    initial_events: bool = False

    @property
    def scope(self) -> dict[str, Any]:
        """What a saved state must have been taken with to be compared with (never a credential)."""
        return {"api": self.settings.api, "api_url": self.settings.api_url, "ids": sorted(self.ids) if self.ids is not None else None}

    @property
    def recency_data(self) -> Optional[dict[str, str]]:
        return self.recency.as_data() if self.recency is not None else None


def source_config(args: Any, environ: Optional[Mapping[str, str]] = None) -> SourceConfig:
    """Validate the source's arguments (a mapping) and the connection options; ConfigurationError names the first problem."""
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise ConfigurationError("the arguments of avepoint.graph.customer_events must be a mapping, got %s" % describe(args))
    _check_names(args)
    recency = recency_rule(args.get(RECENCY_OPTION))
    reads = READS_CUSTOMERS + ("jobs",) if recency is not None else READS_CUSTOMERS
    return SourceConfig(
        settings=settings_from_mapping(args, environ, reads),
        interval=_interval(args.get("interval")),
        ids=_ids(args.get("ids")),
        state_file=_state_file(args.get("state_file")),
        recency=recency,
        initial_events=_flag(args.get("initial_events"), "initial_events"),
    )


def _check_names(args: Mapping[str, Any]) -> None:
    valid = sorted(set(CONNECTION_OPTIONS) | set(SOURCE_OPTIONS))
    unknown = sorted(str(name) for name in args if name not in valid and not str(name).startswith(RESERVED_PREFIX))
    if not unknown:
        return
    named = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1)
        named.append("'%s' (did you mean '%s'?)" % (name, close[0]) if close else "'%s'" % name)
    raise ConfigurationError("avepoint.graph.customer_events does not know the argument%s %s; its arguments are %s"
                             % ("s" if len(named) > 1 else "", ", ".join(named), ", ".join(valid)))


def _interval(value: Any) -> float:
    """Seconds, given as a number (``60``, ``"60"``) or as a duration (``5m``)."""
    if value is None:
        return DEFAULT_INTERVAL
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigurationError("option 'interval' must be a number of seconds or a duration such as 5m, got %s" % describe(value))
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            raise ConfigurationError("option 'interval' has the value %s: %s; write seconds or a duration such as 5m or %s"
                                     % (describe(value), error, EXAMPLES)) from None
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ConfigurationError("option 'interval' must be between %d and %d seconds, got %s" % (MIN_INTERVAL, MAX_INTERVAL, describe(value)))
    return seconds


def _ids(value: Any) -> Optional[tuple[str, ...]]:
    """Customer IDs as a list, or as one comma-separated string (as an environment variable carries them)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        raise ConfigurationError("option 'ids' must be a list of customer IDs, got %s" % describe(value))
    if not value:
        raise ConfigurationError("option 'ids' is empty; leave it out to watch every customer the app can see")
    return tuple(normalize_customer_ids(value, "customer ID in option 'ids'"))


def _state_file(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError("option 'state_file' must be a file path, got %s" % describe(value))
    return value.strip()


def _flag(value: Any, name: str) -> bool:
    if value is None:
        return False
    flag = parse_boolean(value)
    if flag is None:
        raise ConfigurationError("option '%s' must be a boolean (true or false), got %s" % (name, describe(value)))
    return flag
