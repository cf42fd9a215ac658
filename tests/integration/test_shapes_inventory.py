"""API shapes the AvePoint docs leave open, through the inventory plugin in real ansible-inventory runs.

Each run holds several inventory sources under one shape set: sources that must succeed are
checked in the listing, sources that must fail in their "Failed to parse" warnings (the run goes
on with the other sources, as Ansible does by default).
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import yaml

from harness import BIN, connection_env, plain
from shapes_cases import DOES_NOT_SERVE, DUP, EMPTY, NULLS, WRONG, facts, shape_sets

PLUGIN = "avepoint.graph.avepoint_customers"


def run_inventory(sim, tmp_path, shapes: str, sources: dict[str, Any], env_extra=None) -> tuple[dict, str]:
    """ansible-inventory --list over ``sources`` (file name -> content) under a shape set; (hostvars, stderr)."""
    for name, content in sources.items():
        (tmp_path / name).write_text(yaml.safe_dump(content, sort_keys=False))
    command = [str(BIN / "ansible-inventory"), "--list"]
    for name in sources:
        command += ["-i", str(tmp_path / name)]
    sim.set_shapes(shape_sets(sim.customers)[shapes])
    env = {key: value for key, value in os.environ.items() if not key.startswith("AVEPOINT_")}
    env.update(connection_env(sim, AVEPOINT_RETRIES="0", **(env_extra or {})))
    proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    listing = plain(json.loads(proc.stdout))
    return listing["_meta"]["hostvars"], " ".join(proc.stderr.split())  # warnings may be wrapped


def failed_source(stderr: str, name: str) -> str:
    """The error text reported for the inventory source ``name`` (the plugin's messages start with its path)."""
    marker = "/%s: " % name
    assert marker in stderr, stderr
    return stderr.split(marker, 1)[1]


def customers_source(**options: Any) -> dict[str, Any]:
    return {"plugin": PLUGIN, **options}


def static_hosts(customers, **hosts: int) -> dict[str, Any]:
    return {"all": {"hosts": {name: {"avepoint_customer_id": customers[index]["id"]} for name, index in hosts.items()}}}


def test_plain_next_link_paging_and_null_fields(sim, tmp_path):
    hostvars, stderr = run_inventory(sim, tmp_path, "plain", {"p.avepoint_customers.yml": customers_source()})
    customers = sim.customers
    assert {host: v["avepoint_customer"] for host, v in hostvars.items()} == {
        c["id"]: facts(c, "partner", "plain", customers[NULLS]["id"]) for c in customers}
    assert "WARNING" not in stderr, stderr
    assert sim.counters()["by_path"] == {"GET /partner/customers": 3}  # 25 customers in pages of 10


def test_token_paging(sim, tmp_path):
    hostvars, _stderr = run_inventory(sim, tmp_path, "token", {"p.avepoint_customers.yml": customers_source()})
    assert sorted(hostvars) == sorted(c["id"] for c in sim.customers)
    assert sim.counters()["by_path"] == {"GET /partner/customers": 4}  # pages of 7


def test_elements_odd_shapes_a_halved_batch_and_a_host_without_the_partner_api(sim, tmp_path):
    customers = sim.customers
    hostvars, stderr = run_inventory(sim, tmp_path, "elements", {
        # every customer but WRONG as a host, then enriched by ID in batches the service refuses (25 > 20)
        "hosts.yml": {"all": {"hosts": {c["id"]: {"avepoint_customer_id": c["id"]} for i, c in enumerate(customers) if i != WRONG}}},
        "e.avepoint_customers.yml": customers_source(mode="enrich", api="elements"),
        "partner.avepoint_customers.yml": customers_source(),
    })
    expected = {c["id"]: facts(c, "elements", "elements", customers[NULLS]["id"]) for i, c in enumerate(customers) if i != WRONG}
    assert {host: v["avepoint_customer"] for host, v in hostvars.items()} == expected
    assert "refused 24 customer IDs in one request as too many" in stderr
    assert DOES_NOT_SERVE in failed_source(stderr, "partner.avepoint_customers.yml")

    hostvars, stderr = run_inventory(sim, tmp_path, "elements", {"all.avepoint_customers.yml": customers_source(api="elements")})
    assert hostvars[customers[NULLS]["id"]]["avepoint_customer"] == facts(customers[NULLS], "elements", "elements", customers[NULLS]["id"])
    assert len(hostvars) == 25 and "WARNING" not in stderr, stderr


def test_endless_lists_and_empty_answers_fail_their_source(sim, tmp_path):
    customers = sim.customers
    _hostvars, stderr = run_inventory(sim, tmp_path, "repeat", {
        "p.avepoint_customers.yml": customers_source(),
        "e.avepoint_customers.yml": customers_source(api="elements"),
    })
    assert "more than once in the customer list (on pages 1 and 4)" in failed_source(stderr, "p.avepoint_customers.yml")
    assert "metadata.totalCount 1000000000" in failed_source(stderr, "e.avepoint_customers.yml")

    _hostvars, stderr = run_inventory(sim, tmp_path, "plain", {
        "hosts.yml": static_hosts(customers, host_wrong=WRONG, host_empty=EMPTY),
        "enrich.avepoint_customers.yml": customers_source(mode="enrich"),
    })
    error = failed_source(stderr, "enrich.avepoint_customers.yml")
    assert "customer %s with HTTP 204 and an empty body" % customers[EMPTY]["id"] in error
    assert "answered the request for customer %s with customer" % customers[WRONG]["id"] in error


def test_max_pages_and_duplicates_fail_their_source(sim, tmp_path):
    customers = sim.customers
    _hostvars, stderr = run_inventory(sim, tmp_path, "fresh", {
        "file.avepoint_customers.yml": customers_source(max_pages=4),
        "env.avepoint_customers.yml": customers_source(),
    }, env_extra={"AVEPOINT_MAX_PAGES": "3"})
    for name, pages in (("file.avepoint_customers.yml", 4), ("env.avepoint_customers.yml", 3)):
        assert ("the customer list still has more pages after %d pages, the limit set by the option max_pages" % pages
                in failed_source(stderr, name))

    _hostvars, stderr = run_inventory(sim, tmp_path, "duplicates", {
        "hosts.yml": static_hosts(customers, host_dup=DUP),
        "p.avepoint_customers.yml": customers_source(),
        "e.avepoint_customers.yml": customers_source(api="elements"),
        "batch.avepoint_customers.yml": customers_source(mode="enrich", api="elements"),
    })
    assert "refusing to follow the next page link https://pages.example.invalid/" in failed_source(stderr, "p.avepoint_customers.yml")
    dup = customers[DUP]["id"]
    assert "customer %s more than once in the customer list" % dup in failed_source(stderr, "e.avepoint_customers.yml")
    assert "customer %s more than once in customer %s" % (dup, dup) in failed_source(stderr, "batch.avepoint_customers.yml")
