"""The benchmark cases: what each runs, and the requests it should make for N customers."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
BIN = Path(sys.executable).parent
ELEMENTS_BATCH_SIZE = 100  # IDs per Elements v3 batch request (the documented maximum)

INVENTORY_SOURCE = """\
plugin: avepoint.graph.avepoint_customers
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {cache_dir}
cache_timeout: 3600
"""


@dataclass
class Scratch:
    """The per-case working directory and the shared inputs of one dataset."""

    workdir: Path
    vars_file: Path  # extra vars: expected, bench_api, bench_ids

    @property
    def cache_dir(self) -> Path:
        return self.workdir / "inventory-cache"


@dataclass
class Case:
    name: str
    description: str
    command: Callable[[Scratch], list[str]]
    api_requests: Callable[[int], int]  # expected API requests for N customers, per run
    token_requests: int  # expected token requests per run
    extra_vars: dict = field(default_factory=dict)
    before_each_run: Optional[Callable[[Scratch], None]] = None
    check_output: Optional[Callable[[Scratch, int], Optional[str]]] = None  # a problem with the output, or None
    warm_up: bool = False  # one unmeasured run first (fills the inventory cache)


def playbook(name: str, **extra_vars: object) -> Callable[[Scratch], list[str]]:
    def command(scratch: Scratch) -> list[str]:
        args = [
            str(BIN / "ansible-playbook"), str(PLAYBOOKS / name), "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "@%s" % scratch.vars_file,
        ]
        if extra_vars:
            args += ["-e", json.dumps(extra_vars)]
        return args
    return command


def inventory(scratch: Scratch) -> list[str]:
    source = scratch.workdir / "bench.avepoint_customers.yml"
    source.write_text(INVENTORY_SOURCE.format(cache_dir=scratch.cache_dir))
    return [str(BIN / "ansible-inventory"), "-i", str(source), "--list", "--output", str(scratch.workdir / "inventory.json")]


def inventory_hosts(scratch: Scratch, n: int) -> Optional[str]:
    """Playbooks assert their own results; the inventory output is checked here."""
    listed = json.loads((scratch.workdir / "inventory.json").read_text())
    hosts = len(listed.get("_meta", {}).get("hostvars", {}))
    return None if hosts == n else "the inventory lists %d hosts, expected %d" % (hosts, n)


def empty_cache(scratch: Scratch) -> None:
    shutil.rmtree(scratch.cache_dir, ignore_errors=True)


def batches(n: int) -> int:
    return -(-n // ELEMENTS_BATCH_SIZE)


CASES: dict[str, Case] = {case.name: case for case in (
    Case("baseline", "uri token + uri loop + assert loop (hand-written)", playbook("baseline.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("module-partner", "avepoint_customer_info, ids of N, partner API", playbook("module.yml", bench_api="partner", bench_ids=True),
         api_requests=lambda n: n, token_requests=1),
    Case("module-elements", "avepoint_customer_info, ids of N, api: elements", playbook("module.yml", bench_api="elements", bench_ids=True),
         api_requests=batches, token_requests=1),
    Case("module-all", "avepoint_customer_info, every customer (list endpoint)", playbook("module.yml", bench_api="partner", bench_ids=False),
         api_requests=lambda n: 1, token_requests=1),
    Case("role", "customer_compliance role, N listed customers", playbook("role.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("lookup", "avepoint_customer lookup, one call with N terms", playbook("lookup.yml"),
         api_requests=lambda n: n, token_requests=1),
    Case("inventory-cold", "avepoint_customers inventory, hosts mode, empty cache", inventory,
         api_requests=lambda n: 1, token_requests=1, before_each_run=empty_cache, check_output=inventory_hosts),
    Case("inventory-warm", "avepoint_customers inventory, hosts mode, cache filled", inventory,
         api_requests=lambda n: 0, token_requests=0, warm_up=True, check_output=inventory_hosts),
)}
