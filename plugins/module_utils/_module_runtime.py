# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection does around its own work: one place, thin modules."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._client import AvePointClient
from ._clouds import READS_CUSTOMERS
from ._deps import missing_libraries
from ._errors import AvePointError, PartialFailureError
from ._options import configured_secrets, module_argument_spec, settings_from_module

ModuleWork = Callable[[AnsibleModule, AvePointClient], dict]


def avepoint_module(argument_spec: dict[str, Any], **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with the connection options added to ``argument_spec``."""
    spec = module_argument_spec()
    spec.update(argument_spec)
    return AnsibleModule(argument_spec=spec, **kwargs)


# The options of a module that reads data of the customers it is given: one ID, or a list.
CUSTOMER_OPTIONS: dict[str, Any] = {"customer_id": {"type": "str"}, "customer_ids": {"type": "list", "elements": "str"}}


def per_customer_module(argument_spec: dict[str, Any]) -> AnsibleModule:
    """An AnsibleModule of a module that reads the data of the customers of ``customer_id`` or ``customer_ids``
    (exactly one of them), never changes anything and so supports check mode."""
    return avepoint_module(dict(CUSTOMER_OPTIONS, **argument_spec), mutually_exclusive=[("customer_id", "customer_ids")],
                           required_one_of=[("customer_id", "customer_ids")], supports_check_mode=True)


def customer_ids_asked(params: dict[str, Any]) -> list[Any]:
    """The customer IDs a per-customer module was given, as given (validated by the caller)."""
    return [params["customer_id"]] if params["customer_id"] is not None else params["customer_ids"]


def run_module(module: AnsibleModule, work: ModuleWork, reads: Sequence[str] = READS_CUSTOMERS) -> None:
    """Check dependencies and options, run ``work`` with a client, exit with its result.

    ``reads``: the kinds of data the module reads, which pick the default OAuth scope.
    """
    for library, error in missing_libraries().items():
        module.fail_json(msg=missing_required_lib(library), exception=error)
    try:
        settings = settings_from_module(module, reads)
        with AvePointClient(settings, warn=module.warn) as client:
            result = work(module, client)
    except PartialFailureError as error:
        module.fail_json(msg=str(error.redacted(configured_secrets(module.params.get))), failed_ids=error.failed_ids)
    except AvePointError as error:
        # Ansible masks no_log values as given, not their encoded spellings nor a proxy password alone.
        module.fail_json(msg=str(error.redacted(configured_secrets(module.params.get))))
    module.exit_json(**result)
