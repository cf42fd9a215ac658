# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the avepoint_customers inventory keeps in the Ansible inventory cache.

The key is a one-way hash of what selects the data: the inventory file, the mode, the
requester identity (URLs, API, scope, client ID and every credential, see
``module_utils._identity``) and the fact options on (``last_success``, ``subscriptions``, ``protection``), so a
different credential never reads another's entry. The
value holds customer facts only, so a cache file can never leak a secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from typing import Any, Iterable, Optional, Sequence

from ansible_collections.avepoint.graph.plugins.module_utils._client import CustomerSet
from ansible_collections.avepoint.graph.plugins.module_utils._identity import requester_identity
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FactOption, cache_identity

FORMAT_VERSION = 2  # 2: keyed by the requester identity

# Cache plugins that keep one file per key in the directory named by cache_connection. They write
# every file 0644 whatever the umask, so only the directory can keep the facts from other users.
FILE_CACHE_PLUGINS = frozenset(("jsonfile", "ansible.builtin.jsonfile", "yaml", "community.general.yaml",
                                "pickle", "community.general.pickle"))


def private_cache_directory(cache_plugin: Optional[str], connection: Optional[str]) -> Optional[str]:
    """Create a file cache's directory readable by its owner only (before the cache plugin creates it with
    the umask); for an existing directory that others may read, return a warning instead of changing it."""
    if cache_plugin not in FILE_CACHE_PLUGINS or not connection:
        return None
    path = os.path.expanduser(connection)
    try:
        if not os.path.exists(path):
            os.makedirs(path, mode=0o700)  # the mode applies to the last directory: the one holding the files
            return None
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None  # the cache plugin reports what is wrong with the path
    if os.path.isdir(path) and mode & 0o077:
        return ("the inventory cache directory %s can be read by other users (mode %04o) and holds customer facts, "
                "owner e-mail addresses among them; make it private: chmod 700 %s" % (path, mode, path))
    return None


def customer_cache_key(plugin_name: str, path: str, mode: str, settings: ConnectionSettings,
                       fact_options: Sequence[FactOption] = ()) -> str:
    """A cache key that changes with anything that changes which customers (and facts) the API returns."""
    selector = [FORMAT_VERSION, path, mode, cache_identity(requester_identity(settings), fact_options)]
    digest = hashlib.sha256(json.dumps(selector).encode("utf-8")).hexdigest()
    return "%s_%s" % (plugin_name.replace(".", "_"), digest[:32])


def cache_entry(found: CustomerSet) -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "customers": [dict(c) for c in found.customers], "missing_ids": list(found.missing_ids)}


def customers_from_entry(entry: Any, wanted_ids: Optional[Iterable[str]] = None) -> Optional[CustomerSet]:
    """The cached customers, or None when the entry is unusable or lacks a wanted ID.

    ``wanted_ids`` None means the entry must be the full customer list (hosts mode); in
    enrich mode an entry answers when it knows every wanted ID (found or missing).
    """
    if not isinstance(entry, dict) or entry.get("version") != FORMAT_VERSION:
        return None
    customers, missing = entry.get("customers"), entry.get("missing_ids")
    if not isinstance(customers, list) or not isinstance(missing, list):
        return None
    if not all(isinstance(c, dict) and isinstance(c.get("id"), str) for c in customers):
        return None
    if wanted_ids is None:
        return CustomerSet(customers=customers, missing_ids=[])
    by_id = {c["id"]: c for c in customers}
    wanted = list(wanted_ids)
    if any(customer_id not in by_id and customer_id not in missing for customer_id in wanted):
        return None
    return CustomerSet(
        customers=[by_id[customer_id] for customer_id in wanted if customer_id in by_id],
        missing_ids=[customer_id for customer_id in wanted if customer_id not in by_id],
    )
