# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side glue shared by the lookup and inventory plugins.

Options come from ``get_option`` (keywords, ``ansible_avepoint_*`` variables, ``AVEPOINT_*``
environment variables, ``[avepoint_graph]`` in ansible.cfg); values that are still
templates (ansible-core 2.19+ hands variables over untemplated) are rendered with the
plugin's templar before the shared validation in module_utils runs.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Optional

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._customers import describe
from ansible_collections.avepoint.graph.plugins.module_utils._deps import require_libraries
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, ConnectionSettings, settings_from_getter

# Every connection option can come from a variable with this prefix (doc fragment PLUGINS).
VARIABLE_PREFIX = "ansible_avepoint_"

# Ansible's plugin configuration turns any value it does not know into False for a bool option
# ('maybe', a typo, an unrendered template), which would silently turn certificate checks off.
# These are checked strictly, from the value the user wrote, before Ansible converts them.
BOOLEAN_OPTIONS = frozenset(name for name, spec in CONNECTION_OPTIONS.items() if spec["type"] == "bool")


def connection_settings(plugin: Any, templar: Optional[Any] = None) -> ConnectionSettings:
    """Validated connection settings from a plugin's options, templates rendered first."""

    def get(name: str) -> Any:
        return _rendered(_option(plugin, name), templar)

    return settings_from_getter(get)


def _option(plugin: Any, name: str) -> Any:
    """An option's value. One set by an ``AVEPOINT_*`` environment variable is taken from the
    variable's own text: empty counts as not set (AWX / AAP credential types and CI systems
    export every variable they know, and Ansible would turn an empty path into the current
    directory), and a boolean is checked strictly."""
    value, origin = _value_and_origin(plugin, name)
    if isinstance(origin, str) and origin.startswith("env:"):
        env_name = origin[len("env:"):].strip()
        raw = os.environ.get(env_name, "")
        if not raw.strip():
            return None
        return strict_value(name, raw, env_name)
    return value


def _value_and_origin(plugin: Any, name: str) -> tuple[Any, Any]:
    """The option's value and where Ansible took it from (``"env: NAME"``, ``"Direct"``...)."""
    value = plugin.get_option(name)
    if not hasattr(plugin, "get_option_and_origin"):  # a bare option source (unit tests)
        return value, None
    try:
        recomputed, origin = plugin.get_option_and_origin(name)
    except KeyError:
        return value, None
    # ansible-core 2.16 recomputes the origin from configuration sources only, ignoring keywords
    # and variables; a value that differs from the one in use did not come from there.
    return value, (origin if recomputed == value else "Direct")


def client_for(settings: ConnectionSettings, warn: Optional[Callable[[str], None]] = None) -> AvePointClient:
    """An API client for settings a plugin has already validated."""
    require_libraries()
    return AvePointClient(settings, warn=warn)


def templated_variables(variables: Optional[Mapping[str, Any]], templar: Optional[Any]) -> dict[str, Any]:
    """A shallow copy of ``variables`` with the ``ansible_avepoint_*`` values rendered (booleans checked).

    Pass the result to ``set_options(var_options=...)``: a typed option (``timeout: "{{ t }}"``)
    would otherwise fail its type check before the plugin sees it.
    """
    rendered = dict(variables or {})
    for name, value in rendered.items():
        if name.startswith(VARIABLE_PREFIX):
            rendered[name] = strict_value(name[len(VARIABLE_PREFIX):], _rendered(value, templar), name)
    return rendered


def templated_options(options: Optional[Mapping[str, Any]], templar: Optional[Any]) -> dict[str, Any]:
    """A shallow copy of directly given options (lookup keywords, inventory file) with the
    connection options rendered and booleans checked; pass it to ``set_options(direct=...)``."""
    rendered = dict(options or {})
    for name in CONNECTION_OPTIONS:
        if name in rendered:
            rendered[name] = strict_value(name, _rendered(rendered[name], templar), name)
    return rendered


def strict_value(name: str, value: Any, source: str) -> Any:
    """``value`` of option ``name`` (given as ``source``); a boolean option must hold a boolean."""
    if name not in BOOLEAN_OPTIONS or value is None or isinstance(value, bool):
        return value
    normalized = value.strip().lower() if isinstance(value, str) else value
    try:
        if normalized in BOOLEANS_TRUE:
            return True
        if normalized in BOOLEANS_FALSE:
            return False
    except TypeError:  # unhashable, such as a list
        pass
    where = "option '%s'" % name if source == name else "option '%s' (%s)" % (name, source)
    raise ConfigurationError("%s must be a boolean (true or false), got %s" % (where, describe(value)))


def _rendered(value: Any, templar: Optional[Any]) -> Any:
    if templar is not None and isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value
