# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side glue shared by the lookup and inventory plugins.

Options come from ``get_option`` (keywords, ``ansible_avepoint_*`` variables, ``AVEPOINT_*``
environment variables, ``[avepoint_graph]`` in ansible.cfg); values that are still
templates (ansible-core 2.19+ hands variables over untemplated) are rendered with the
plugin's templar before the shared validation in module_utils runs.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._deps import require_libraries
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings, settings_from_getter

# Every connection option can come from a variable with this prefix (doc fragment PLUGINS).
VARIABLE_PREFIX = "ansible_avepoint_"


def connection_settings(plugin: Any, templar: Optional[Any] = None) -> ConnectionSettings:
    """Validated connection settings from a plugin's options, templates rendered first."""

    def get(name: str) -> Any:
        return _rendered(plugin.get_option(name), templar)

    return settings_from_getter(get)


def plugin_client(plugin: Any, templar: Optional[Any] = None, warn: Optional[Callable[[str], None]] = None) -> AvePointClient:
    """An API client for a plugin; raises AvePointError (caller converts it to its Ansible error)."""
    return client_for(connection_settings(plugin, templar), warn)


def client_for(settings: ConnectionSettings, warn: Optional[Callable[[str], None]] = None) -> AvePointClient:
    """An API client for settings a plugin has already validated."""
    require_libraries()
    return AvePointClient(settings, warn=warn)


def templated_variables(variables: Optional[Mapping[str, Any]], templar: Optional[Any]) -> dict[str, Any]:
    """A shallow copy of ``variables`` with the ``ansible_avepoint_*`` values rendered.

    Pass the result to ``set_options(var_options=...)``: a typed option (``timeout: "{{ t }}"``)
    would otherwise fail its type check before the plugin sees it.
    """
    rendered = dict(variables or {})
    for name, value in rendered.items():
        if name.startswith(VARIABLE_PREFIX):
            rendered[name] = _rendered(value, templar)
    return rendered


def _rendered(value: Any, templar: Optional[Any]) -> Any:
    if templar is not None and isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value
