# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side glue shared by the lookup and inventory plugins.

Options come from ``get_option`` (keywords, ``ansible_avepoint_*`` variables, ``AVEPOINT_*``
environment variables, ``[avepoint_graph]`` in ansible.cfg); values that are still
templates (ansible-core 2.19+ hands variables over untemplated) are rendered with the
plugin's templar before the shared validation in module_utils runs.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._deps import require_libraries
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings, settings_from_getter


def connection_settings(plugin: Any, templar: Optional[Any] = None) -> ConnectionSettings:
    """Validated connection settings from a plugin's options, templates rendered first."""

    def get(name: str) -> Any:
        value = plugin.get_option(name)
        if templar is not None and isinstance(value, str) and templar.is_template(value):
            value = templar.template(value)
        return value

    return settings_from_getter(get)


def plugin_client(plugin: Any, templar: Optional[Any] = None, warn: Optional[Callable[[str], None]] = None) -> AvePointClient:
    """An API client for a plugin; raises AvePointError (caller converts it to its Ansible error)."""
    require_libraries()
    return AvePointClient(connection_settings(plugin, templar), warn=warn)
