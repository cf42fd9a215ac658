# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event-Driven Ansible event source avepoint.graph.customer_events (the logic: plugin_utils/_event_*.py)."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, Optional

DOCUMENTATION = r"""
---
short_description: Poll AvePoint for customer and backup changes and send one event per change
description:
  - An ansible-rulebook event source that polls the AvePoint Graph API (partner or Elements v3
    API) every O(interval) and sends one event per change under C(event.avepoint).
  - AvePoint offers no webhooks or alert API; polling through one long-lived connection with
    one reused token is how a rulebook can react to a failed backup within minutes.
  - Event kinds (C(event.avepoint.kind)) are C(customer_added), C(customer_removed),
    C(job_status_changed), C(customer_changed) (another fact, named by C(field)), and with
    O(last_successful_backup_within) C(backup_stale) and C(backup_recovered).
  - Every event has the keys C(kind), C(customer_id), C(organization), C(field), C(previous),
    C(current) (values as the facts spell them, for example C(Working) and C(Failed)),
    C(workload), C(within), C(customer) (the customer facts), C(detected_at) and C(initial).
  - The first poll takes the baseline and sends nothing, unless O(initial_events) is set.
    With O(state_file), a restart compares with the state saved before the stop, so a change
    made while the source was stopped is sent once and nothing is sent twice.
  - A failed poll sends nothing; it is logged once per outage and polling goes on with backoff.
  - The connection options are those of the collection's modules, with the same
    E(AVEPOINT_*) environment variables and defaults; an empty variable counts as not set.
    See the module avepoint.graph.avepoint_customer_info for their full description.
  - Needs ansible-core and the collection's Python requirements (requests, jsonschema,
    cryptography, PyJWT) where ansible-rulebook runs, as in the decision environment of the
    collection's docs/decision-environment.yml.
options:
  interval:
    description:
      - Time between two polls, in seconds (V(60)) or as a duration (V(5m), V(1h)), from 1 second to 1 day.
      - During an outage the time doubles after each failed poll, up to 15 minutes or O(interval) when longer.
    type: raw
    default: 300
  ids:
    description:
      - Watch only these customers (GUIDs). Without it, every customer the app registration can see.
      - A comma-separated string is accepted too.
    type: list
    elements: str
  state_file:
    description:
      - File that keeps the last state seen, so a restart reports what changed while the source was stopped.
      - Written atomically with mode 0600 after each poll that changed it; it holds customer facts, never a credential.
      - Its directory must exist. A state written with another O(api), O(api_url) or O(ids) is set aside with a warning.
    type: path
  last_successful_backup_within:
    description:
      - >-
        The recency rule of the role avepoint.graph.customer_compliance, one duration such as V(24h) or V(2d), or a
        mapping of workloads to durations such as C({Exchange Online: 24h, SharePoint Online: 24h, OneDrive: 24h}).
      - With it, each poll also reads the customers' jobs and sends C(backup_stale) when a last successful backup
        becomes older than its duration (or there is none), and C(backup_recovered) when it is recent again.
      - One duration applies to the customer's last success of any workload (C(workload) null in the events); it
        cannot see one workload failing while another succeeds.
      - The mapping applies each duration to the last success of that workload, and its events name it in
        C(workload); a listed workload without any job has no success. Workloads are AvePoint's job module names, in
        any letter case or spelling the APIs use (V(OneDrive for Business) is V(OneDrive)) or short forms such as
        V(Exchange) and V(Teams); an unknown one stops the source at start with the list of known workloads.
    type: raw
  initial_events:
    description:
      - Send the state found by the first poll as events (C(customer_added) for each customer, C(backup_stale)
        for each stale one), with C(initial) true, instead of taking it silently as the baseline.
      - Has no effect when O(state_file) holds a saved state.
    type: bool
    default: false
  cloud:
    description: [AvePoint cloud that selects the token and API URLs. Environment variable E(AVEPOINT_CLOUD).]
    type: str
    choices: [aos2, commercial, fedramp, us_gov]
    default: commercial
  api_url:
    description: [Base URL of the AvePoint Graph API. Environment variable E(AVEPOINT_API_URL).]
    type: str
  token_url:
    description: [OAuth 2.0 token endpoint. Environment variable E(AVEPOINT_TOKEN_URL).]
    type: str
  client_id:
    description: [Application (client) ID of the API app registration. Environment variable E(AVEPOINT_CLIENT_ID).]
    type: str
  client_secret:
    description: [Client secret of the app registration. Environment variable E(AVEPOINT_CLIENT_SECRET).]
    type: str
  certificate_path:
    description: [PEM certificate of the app registration. Environment variable E(AVEPOINT_CERTIFICATE_PATH).]
    type: path
  private_key_path:
    description: [PEM private key of that certificate. Environment variable E(AVEPOINT_PRIVATE_KEY_PATH).]
    type: path
  private_key_passphrase:
    description: [Passphrase of an encrypted private key. Environment variable E(AVEPOINT_PRIVATE_KEY_PASSPHRASE).]
    type: str
  access_token:
    description: [A bearer token obtained elsewhere. Environment variable E(AVEPOINT_ACCESS_TOKEN).]
    type: str
  api:
    description: [Which API to read, the partner API or the Elements v3 API. Environment variable E(AVEPOINT_API).]
    type: str
    choices: [elements, partner]
    default: partner
  scope:
    description: [OAuth scope of the token; by default the permissions the source needs. Environment variable E(AVEPOINT_SCOPE).]
    type: str
  validate_certs:
    description: [Verify TLS certificates. Environment variable E(AVEPOINT_VALIDATE_CERTS).]
    type: bool
    default: true
  ca_path:
    description: [PEM CA bundle to verify the service with. Environment variable E(AVEPOINT_CA_PATH).]
    type: path
  timeout:
    description: [Seconds to wait for a connection or a read. Environment variable E(AVEPOINT_TIMEOUT).]
    type: float
    default: 30
  retries:
    description: [Retries of a transient failure within a poll. Environment variable E(AVEPOINT_RETRIES).]
    type: int
    default: 5
  proxy:
    description: [Proxy URL. Environment variable E(AVEPOINT_PROXY).]
    type: str
  concurrency:
    description: [Requests in flight at once. Environment variable E(AVEPOINT_CONCURRENCY).]
    type: int
    default: 16
  max_pages:
    description: [Most pages read from one list. Environment variable E(AVEPOINT_MAX_PAGES).]
    type: int
    default: 1000
  batch_size:
    description: [Customer IDs per Elements v3 batch request. Environment variable E(AVEPOINT_BATCH_SIZE).]
    type: int
    default: 100
  total_timeout:
    description: [Seconds one poll may take in all. Environment variable E(AVEPOINT_TOTAL_TIMEOUT).]
    type: float
    default: 300
"""

EXAMPLES = r"""
- name: React to AvePoint backups
  hosts: localhost
  sources:
    - name: AvePoint customers
      avepoint.graph.customer_events:
        interval: 5m
        state_file: /var/lib/eda/avepoint-customer-events.json
        last_successful_backup_within: 24h
        # client_id and client_secret from AVEPOINT_CLIENT_ID and AVEPOINT_CLIENT_SECRET
  rules:
    - name: A backup is stale
      condition: event.avepoint.kind == "backup_stale"
      action:
        run_playbook:
          name: open_backup_ticket.yml
    - name: Backups fail
      condition: event.avepoint.kind == "job_status_changed" and event.avepoint.current == "Failed"
      action:
        debug:
          msg: "{{ event.avepoint.organization }}: {{ event.avepoint.previous }} -> {{ event.avepoint.current }}"
"""


def collection_root(path: str) -> Optional[str]:
    """The directory holding ``ansible_collections`` when ``path`` lies in the installed avepoint.graph.

    ansible-rulebook runs this file by its path, without the collection on ``sys.path``: the
    shared code must be made importable from here. The path is not resolved, so a collection
    installed through a symbolic link is found where it is installed.
    """
    parts = os.path.abspath(path).split(os.sep)
    for index in range(len(parts) - 3, -1, -1):
        if parts[index:index + 3] == ["ansible_collections", "avepoint", "graph"]:
            return os.sep.join(parts[:index]) or os.sep
    return None


_ROOT = collection_root(__file__)
if _ROOT is not None and _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

try:
    from ansible_collections.avepoint.graph.plugins.plugin_utils._event_source import run  # noqa: E402
except ImportError as error:  # pragma: no cover - depends on where the file is run from
    raise ImportError(
        "avepoint.graph.customer_events cannot import %s: run it from the installed collection "
        "(ansible_collections/avepoint/graph, as avepoint.graph.customer_events) where ansible-core and the "
        "collection's Python requirements are installed" % (error.name or error)
    ) from error


async def main(queue: asyncio.Queue[Any], args: dict[str, Any]) -> None:
    """Poll AvePoint and put one event per change on ``queue``, until cancelled."""
    await run(queue, args)


if __name__ == "__main__":
    # A quick look without ansible-rulebook: the connection from the AVEPOINT_* variables, events printed.

    class PrintingQueue:
        async def put(self, event: dict[str, Any]) -> None:
            print(event)

    asyncio.run(main(PrintingQueue(), {"interval": 60, "initial_events": True}))  # type: ignore[arg-type]
