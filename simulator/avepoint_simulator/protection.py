"""Deterministic protected data (Cloud Backup for Microsoft 365) per customer, and its two API views.

A customer's protection depends only on (seed, customer index), so tests can ask the simulator for
it and compute what a client must answer. Each customer has a profile (cycling with its index):

full         Exchange Online, SharePoint Online, OneDrive, Microsoft Teams, Microsoft 365 Groups: all protected
partial      the same, one of them with 80-94% of its scanned objects protected
no_onedrive  OneDrive absent from the list: never added to the backup
unprotected  OneDrive listed with scanned objects, none of them protected
unscanned    Microsoft Teams listed with nothing scanned (nothing to protect yet)
none         an empty list: Cloud Backup for Microsoft 365 not set up

Items are stored in the API's shape without ``customerId``/``customer`` (added by the views), with
``serviceModule`` named as the v3 jobs API names job modules; the views spell modules as the
``protection_module_names`` shape says. A dataset file may give a customer a ``protection`` list
(items in the API's shape) to serve exactly that, module names verbatim.
"""
from __future__ import annotations

import random
from typing import Any

from .jobs import size_text

PROFILES = ("full", "partial", "full", "no_onedrive", "unprotected", "unscanned", "none")
SERVICE = "Cloud Backup for Microsoft 365"
WORKLOADS = ("Exchange Online", "SharePoint Online", "OneDrive", "Microsoft Teams", "Microsoft 365 Groups")
# How AvePoint's published protection samples (and the partner module names of its PowerShell module) spell modules.
SAMPLE_SPELLINGS = {"Microsoft 365 Groups": "Microsoft 365 Group", "OneDrive": "OneDrive for Business"}
MODULE_NAMES = ("sample", "jobs")


def profile_of(index: int) -> str:
    return PROFILES[index % len(PROFILES)]


def generate_protection(index: int, seed: int) -> list[dict[str, Any]]:
    """The protected data of the customer at ``index``: one item per workload (API shape, no customer fields)."""
    profile = profile_of(index)
    if profile == "none":
        return []
    rng = random.Random(f"avepoint-sim-protection/{seed}/{index}")
    short = rng.choice([name for name in WORKLOADS if name != "Microsoft 365 Groups"])
    items = []
    for name in WORKLOADS:
        if profile == "no_onedrive" and name == "OneDrive":
            continue
        scanned = rng.randint(5, 800)
        protected = scanned
        if profile == "partial" and name == short:
            protected = scanned * rng.randint(80, 94) // 100
        elif profile == "unprotected" and name == "OneDrive":
            protected = 0
        elif profile == "unscanned" and name == "Microsoft Teams":
            scanned = protected = 0
        size = size_text(rng) if protected else "0 GB"
        byos = index % 2 == 1  # every other customer keeps its backups in its own storage
        items.append({"serviceType": SERVICE, "serviceModule": name, "totalScannedObjects": scanned,
                      "totalProtectedObjects": protected, "dataSizeStoredInAvePoint": "N/A" if byos else size,
                      "dataSizeStoredInBYOS": size if byos else "N/A"})
    return items


def protection_view(item: dict[str, Any], customer: dict[str, Any], module_names: str, generated: bool) -> dict[str, Any]:
    """One item as both APIs send it: the customer's ID and e-mail first, modules spelt as ``module_names`` says
    (a dataset's own items keep theirs)."""
    view = {"customerId": customer["id"], "customer": customer.get("ownerEmail")}
    view.update(item)
    if generated and module_names == "sample":
        view["serviceModule"] = SAMPLE_SPELLINGS.get(item["serviceModule"], item["serviceModule"])
    return view
