# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options from a plain mapping, for consumers that are neither a module nor a plugin.

The Event-Driven Ansible source gets its arguments as a dict from ansible-rulebook: no
``module.params``, no ``get_option``. :func:`settings_from_mapping` reads each connection
option from that dict and falls back to the option's ``AVEPOINT_*`` environment variable
(``CONNECTION_OPTIONS``), then validates everything through ``settings_from_getter``, so the
names, defaults and checks are those of every module and plugin. An empty value counts as not
set: AWX and EDA controller credential types export every variable they know, set or not.
"""

from __future__ import annotations

import os
import re
from typing import Any, Mapping, Optional, Sequence

from ._clouds import READS_CUSTOMERS
from ._errors import AvePointError, ConfigurationError
from ._options import CONNECTION_OPTIONS, ConnectionSettings, configured_secrets, settings_from_getter

_NAMED_OPTION = re.compile(r"\Aoption '([a-z_]+)'")


class MappingOptions:
    """A getter over ``values`` with the environment as fallback, remembering where each value came from."""

    def __init__(self, values: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> None:
        self.values = values
        self.environ = os.environ if environ is None else environ

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        if not _unset(value):
            return value
        variable = self.variable(name)
        return None if variable is None else self.environ[variable]

    def variable(self, name: str) -> Optional[str]:
        """The environment variable the value of ``name`` comes from, or None (given, or not set at all)."""
        if not _unset(self.values.get(name)) or name not in CONNECTION_OPTIONS:
            return None
        variable = CONNECTION_OPTIONS[name]["env"]
        return variable if not _unset(self.environ.get(variable)) else None


def _unset(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def settings_from_mapping(values: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None,
                          reads: Sequence[str] = READS_CUSTOMERS) -> ConnectionSettings:
    """Validated connection settings from ``values`` and the ``AVEPOINT_*`` variables of ``environ``.

    A problem is a ConfigurationError that names the environment variable when the bad value came
    from one, with every secret value masked.
    """
    options = MappingOptions(values, environ)
    try:
        return settings_from_getter(options.get, reads)
    except AvePointError as error:
        match = _NAMED_OPTION.match(error.message)
        variable = options.variable(match.group(1)) if match else None
        if variable is not None:
            error = ConfigurationError("%s (the value comes from the environment variable %s)" % (error.message, variable))
        raise error.redacted(configured_secrets(options.get)) from None
