"""The collection's module, lookup and inventory plugin run inside the test process.

Option and customer ID errors are checked here case by case, in milliseconds instead of an
ansible-playbook process each; test_bad_input_*.py keep one real run per consumer to prove
that the same errors reach the user. Everything goes through Ansible's own entry points:
``AnsibleModule`` reads its arguments as from a task (community.hashi_vault's
``patch_ansible_module`` pattern), the plugins come from Ansible's plugin loaders, and
warnings are read where Ansible's ``Display`` receives them, before any line wrapping.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from typing import Any, Callable, Iterator, Mapping, Optional
from unittest import mock

from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.module_utils import basic
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader, lookup_loader
from ansible.template import Templar
from ansible.utils.display import Display

try:  # ansible-core 2.19+: tagged values; a template only renders when trusted
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.16 to 2.18: every string is a template
    def trust_as_template(value: Any) -> Any:
        return value

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.16 to 2.18: the global that AnsibleModule reads its arguments from
    @contextlib.contextmanager
    def patch_module_args(args: Optional[dict[str, Any]] = None) -> Iterator[None]:
        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield


class Outcome:
    """What one in-process run gave: a result, or the error Ansible would report, and the warnings."""

    def __init__(self) -> None:
        self.result: Any = None
        self.error: Optional[str] = None
        self.warnings: list[str] = []

    @property
    def failed(self) -> bool:
        return self.error is not None


@contextlib.contextmanager
def avepoint_environment(env: Optional[Mapping[str, str]] = None) -> Iterator[None]:
    """The process environment without the caller's AVEPOINT_* variables, plus ``env``."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("AVEPOINT_")}
    clean.update(env or {})
    with mock.patch.dict(os.environ, clean, clear=True):
        yield


@contextlib.contextmanager
def recorded(outcome: Outcome, env: Optional[Mapping[str, str]]) -> Iterator[None]:
    """Run the body with ``env``, Display's warnings recorded in ``outcome``, an AnsibleError as its error."""
    def warning(_display: Display, msg: str, *args: Any, **kwargs: Any) -> None:
        outcome.warnings.append(str(msg))

    with avepoint_environment(env), mock.patch.object(Display, "warning", warning):
        try:
            yield
        except AnsibleError as error:
            outcome.error = str(error)


def run_module(main: Callable[[], None], args: Mapping[str, Any], env: Optional[Mapping[str, str]] = None) -> Outcome:
    """Run a module's ``main()`` with ``args`` as a task would give them; its JSON result (failed or not)."""
    outcome = Outcome()
    stdout = io.StringIO()
    with avepoint_environment(env), patch_module_args(dict(args)), contextlib.redirect_stdout(stdout):
        try:
            main()
        except SystemExit:
            pass
    outcome.result = json.loads(stdout.getvalue())
    if outcome.result.get("failed"):
        outcome.error = outcome.result["msg"]
    outcome.warnings = list(outcome.result.get("warnings", []))
    return outcome


def run_lookup(name: str, terms: list[Any], variables: Optional[Mapping[str, Any]] = None,
               env: Optional[Mapping[str, str]] = None, **kwargs: Any) -> Outcome:
    """Call lookup ``name`` as ``query(name, *terms, **kwargs)`` would, with task ``variables``.

    String variables are templates as in a playbook (trusted on ansible-core 2.19+).
    """
    outcome = Outcome()
    variables = {key: trust_as_template(value) if isinstance(value, str) else value for key, value in (variables or {}).items()}
    loader = DataLoader()
    with recorded(outcome, env):
        lookup = lookup_loader.get(name, loader=loader, templar=Templar(loader=loader, variables=variables))
        outcome.result = lookup.run(list(terms), variables=variables, **kwargs)
    return outcome


def parse_inventory(name: str, path: str, hosts: Optional[Mapping[str, Mapping[str, Any]]] = None,
                    env: Optional[Mapping[str, str]] = None) -> Outcome:
    """Parse inventory source ``path`` with plugin ``name`` after earlier sources defined ``hosts`` (name -> vars).

    The result is the InventoryData the plugin filled, also when it failed (to see what it left).
    """
    outcome = Outcome()
    outcome.result = inventory = InventoryData()
    for host, variables in (hosts or {}).items():
        inventory.add_host(host)
        for key, value in variables.items():
            inventory.set_variable(host, key, value)
    plugin = inventory_loader.get(name)
    assert plugin.verify_file(path), "%s does not accept %s" % (name, path)
    with recorded(outcome, env):
        plugin.parse(inventory, DataLoader(), path, cache=False)
    return outcome
