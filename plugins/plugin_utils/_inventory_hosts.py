# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enrich mode: find the customer ID of each host that earlier inventory sources defined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible.inventory.helpers import get_group_vars
from ansible.utils.vars import combine_vars

from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import is_customer_id
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe


@dataclass
class HostCustomerIds:
    """Customer ID (lowercase) per host name, and one message per host whose ID is unusable."""

    ids: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def inventory_vars(inventory: Any, host_name: str) -> dict[str, Any]:
    """A host's variables as its inventory sources set them: group vars (by depth and priority), then host vars.

    Variables from host_vars/ and group_vars/ directories are not included: Ansible loads them
    only after every inventory source has been parsed.
    """
    host = inventory.get_host(host_name)
    return combine_vars(get_group_vars(host.get_groups()), host.get_vars())


def collect_customer_ids(inventory: Any, var_name: str, templar: Any) -> HostCustomerIds:
    """Read ``var_name`` from every host in the inventory so far (hosts without it are skipped)."""
    result = HostCustomerIds()
    for host_name in sorted(inventory.hosts):
        variables = inventory_vars(inventory, host_name)
        if variables.get(var_name) is None:
            continue
        value = variables[var_name]
        try:
            if isinstance(value, str) and templar.is_template(value):
                templar.available_variables = variables
                value = templar.template(value)
        except Exception as error:  # any templating failure concerns this host only
            result.problems.append("host %s: cannot template %s: %s" % (host_name, var_name, error))
            continue
        if is_customer_id(value):
            result.ids[host_name] = str(value).lower()
        else:
            result.problems.append(
                "host %s: %s is not a customer ID (expected a GUID), got %s" % (host_name, var_name, describe(value))
            )
    return result
