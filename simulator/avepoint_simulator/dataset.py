"""Deterministic customer dataset for the simulator.

The same (count, seed) always yields the same customers so tests and benchmarks can
assert on concrete values without shipping fixture files.
"""
from __future__ import annotations

import json
import random
import re
import uuid
from typing import Any, Iterable

JOB_STATUS_NAMES: dict[int, str] = {
    0: "N/A",
    1: "Working",
    2: "Failed",
    3: "Waiting for configuration",
    4: "Multiple issues found",
    5: "Finished with exception",
    6: "No backup updates",
}

COUNTRIES: list[str] = [
    "United States", "Vietnam", "Germany", "Japan", "Australia", "United Kingdom",
    "Canada", "France", "Singapore", "Netherlands", "Brazil", "India",
]

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Fixed namespace so IDs are stable across machines and Python versions.
_NAMESPACE = uuid.UUID("6f1d3c2a-8a4e-4b7e-9c1d-a5e0b7c3d210")

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "cr", "dr", "gr", "pr", "tr", "st", "sh", "ch", "th"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODAS = ["", "", "n", "r", "l", "s", "x", "m", "nd", "rk"]
_SUFFIXES = ["Corp", "Ltd", "Group", "Systems", "Partners", "Labs", "Holdings",
             "Industries", "Solutions", "Logistics", "Consulting", "Networks"]


def is_guid(value: Any) -> bool:
    return isinstance(value, str) and bool(GUID_RE.match(value))


def _word(rng: random.Random) -> str:
    syllables = rng.choice([2, 2, 3])
    text = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _syllable in range(syllables))
    return (text + rng.choice(_CODAS)).capitalize()


def _job_status(index: int) -> int:
    # Mostly "Working"; every 4th customer cycles through the other codes so that any
    # dataset of >= 24 customers contains every code at least once.
    if index % 4 != 3:
        return 1
    return [2, 0, 3, 4, 5, 6][(index // 4) % 6]


def _management_mode(index: int) -> int:
    return {0: 0, 1: 1, 2: 1, 3: 2, 4: 1}[index % 5]


def generate_customers(count: int = 25, seed: int = 1) -> list[dict[str, Any]]:
    """Return `count` customers; identical output for identical (count, seed)."""
    rng = random.Random(f"avepoint-sim/{seed}")
    seen: set[str] = set()
    customers: list[dict[str, Any]] = []
    for index in range(count):
        base = _word(rng)
        org = f"{base} {rng.choice(_SUFFIXES)}"
        n = 2
        while org.lower() in seen:  # keep names unique, still readable
            org = f"{base} {rng.choice(_SUFFIXES)} {n}"
            n += 1
        seen.add(org.lower())
        slug = re.sub(r"[^a-z0-9]", "", org.lower())
        cid = str(uuid.uuid5(_NAMESPACE, f"customer/{seed}/{index}"))
        tenants = [{"id": str(uuid.uuid5(_NAMESPACE, f"tenant/{seed}/{index}/0")),
                    "name": f"{slug}.onmicrosoft.com"}]
        if rng.random() < 0.3:
            tenants.append({"id": str(uuid.uuid5(_NAMESPACE, f"tenant/{seed}/{index}/1")),
                            "name": f"{slug}dev.onmicrosoft.com"})
        # First two customers are pinned to the countries the docs mention explicitly.
        country = COUNTRIES[index] if index < 2 else rng.choice(COUNTRIES)
        customers.append({
            "id": cid,
            "organization": org,
            "ownerEmail": f"admin@{slug}.example.com",
            "jobStatusCode": _job_status(index),
            "countryOrRegion": country,
            "managementMode": _management_mode(index),
            "tenants": tenants,
        })
    return customers


def normalize_customers(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Fill defaults for a user-provided dataset; values are otherwise passed through
    untouched so odd data (nulls, strange strings) can be served on purpose."""
    result: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            raise ValueError(f"dataset entry {index} is not an object")
        item = dict(raw)
        item.setdefault("id", str(uuid.uuid5(_NAMESPACE, f"file/{index}")))
        if isinstance(item["id"], str):
            item["id"] = item["id"].lower()
        item.setdefault("organization", f"Customer {index + 1}")
        item.setdefault("ownerEmail", f"admin@customer{index + 1}.example.com")
        if "jobStatusCode" not in item:
            status = item.pop("jobStatus", 1)
            if isinstance(status, str):  # accept the partner-API name form too
                names = {v.lower(): k for k, v in JOB_STATUS_NAMES.items()}
                status = names.get(status.strip().lower(), 0)
            item["jobStatusCode"] = status
        item.setdefault("countryOrRegion", "United States")
        item.setdefault("managementMode", 1)
        item.setdefault("tenants", [])
        result.append(item)
    return result


def load_dataset_file(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list):
        raise ValueError("dataset file must contain a JSON list of customers")
    return normalize_customers(data)


def job_status_name(code: Any) -> Any:
    return JOB_STATUS_NAMES.get(code, "N/A") if isinstance(code, int) else code


def partner_view(customer: dict[str, Any]) -> dict[str, Any]:
    """Five-field shape of the legacy partner API (jobStatus as a name string).

    A dataset entry's ``partnerJobStatus`` is sent verbatim instead of the name of its code, to
    serve the spellings the partner API does not document ("No Backup Update", "working").
    """
    return {
        "id": customer["id"],
        "organization": customer["organization"],
        "ownerEmail": customer["ownerEmail"],
        "jobStatus": customer.get("partnerJobStatus", job_status_name(customer["jobStatusCode"])),
        "countryOrRegion": customer["countryOrRegion"],
    }


def v3_view(customer: dict[str, Any]) -> dict[str, Any]:
    """Elements v3 shape (jobStatus as integer code)."""
    return {
        "id": customer["id"],
        "organization": customer["organization"],
        "ownerEmail": customer["ownerEmail"],
        "jobStatus": customer["jobStatusCode"],
        "countryOrRegion": customer["countryOrRegion"],
        "managementMode": customer["managementMode"],
        "tenants": [dict(t) for t in customer.get("tenants") or []],
    }
