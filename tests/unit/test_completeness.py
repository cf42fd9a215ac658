"""Completeness: every place that describes an option or a customer fact agrees with the one definition.

The sources of truth are ``CONNECTION_OPTIONS`` (module_utils/_options.py: name, type, default,
choices, no_log, environment variable) and ``FACT_FIELDS``/``ELEMENTS_FACT_FIELDS``
(module_utils/_customer_facts.py). Checked against them, option by option and fact by fact, so an
option or a fact added later is checked without touching this file:

* the doc fragment (plugins/doc_fragments/connection.py), its MODULES sub-fragment (types and
  choices AnsibleModule checks) and its PLUGINS sub-fragment (env, ini, vars, and the types under
  which Ansible hands values over as given), and what Ansible's plugin loader makes of them for
  the lookup and inventory;
* the module's argument spec, against the table and against its documentation;
* the AWX / AAP credential type (extensions/awx/);
* every option with choices wherever it is documented (modules, plugins, filters, the role's
  argument specs), against its source in module_utils or plugin_utils, or else against each other;
* the customer facts of the module's and the lookup's RETURN and the inventory's description.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
import yaml
from ansible import constants as C
from ansible.plugins.loader import inventory_loader, lookup_loader

from ansible_collections.avepoint.graph.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.avepoint.graph.plugins.module_utils import _module_runtime
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import API_SCOPES, CLOUDS
from ansible_collections.avepoint.graph.plugins.module_utils._backup_status import BACKUP_STATUS_NAMES
from ansible_collections.avepoint.graph.plugins.module_utils._customer_facts import ELEMENTS_FACT_FIELDS, FACT_FIELDS
from ansible_collections.avepoint.graph.plugins.module_utils._protection import WORKLOAD_FIELDS
from ansible_collections.avepoint.graph.plugins.module_utils._subscriptions import CUSTOMER_FIELDS, SUBSCRIPTION_FIELDS
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, module_argument_spec
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import SCOPES
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.rules import CHECKED_FIELDS, ENTRY_KEYS, MATCH_MODES
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FACT_OPTIONS

from ansible_collections.avepoint.graph.plugins.plugin_utils._hostnames import HOSTNAME_SOURCES

from collection_docs import ROOT, documentation, load_yaml, plugin_files

COMMON = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
MODULE_TYPES = yaml.safe_load(ModuleDocFragment.MODULES)["options"]
PLUGIN_SOURCES = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
# What a module documents: the shared part and the module part (test_the_fragment_parts_share_no_key).
FRAGMENT = {name: dict(doc, **MODULE_TYPES.get(name, {})) for name, doc in COMMON.items()}
# The type a plugin declares, where Ansible's conversion would lose what the user wrote.
PLUGIN_TYPES = {"bool": "raw", "path": "str"}
OPTIONS = sorted(CONNECTION_OPTIONS)
ELEMENTS_ONLY = [name for name in ELEMENTS_FACT_FIELDS if name not in FACT_FIELDS]
PLUGINS = {"lookup": (lookup_loader, "avepoint.graph.avepoint_customer"), "inventory": (inventory_loader, "avepoint.graph.avepoint_customers")}
ROLE_PREFIX = "customer_compliance_"

# Where the choices of an option come from, by option name (role variables without their prefix).
CHOICE_SOURCES = {
    "cloud": CLOUDS,
    "api": API_SCOPES,
    "hostname": HOSTNAME_SOURCES,
    "scope": SCOPES,
    "match": MATCH_MODES,
}


def same_default(documented: Any, defined: Any) -> bool:
    if isinstance(defined, float) or isinstance(documented, float):
        return documented is not None and defined is not None and float(documented) == float(defined)
    return documented == defined


def text(description: Any) -> str:
    return " ".join(description) if isinstance(description, list) else str(description or "")


# ---------------------------------------------------------------- the doc fragment

def test_the_fragments_document_exactly_the_connection_options():
    assert sorted(COMMON) == OPTIONS
    assert sorted(PLUGIN_SOURCES) == OPTIONS
    assert set(MODULE_TYPES) <= set(OPTIONS)


@pytest.mark.parametrize("name", OPTIONS)
def test_the_fragment_parts_share_no_key(name):
    # Ansible merges fragments key by key (the first one listed wins) and unions lists such as choices;
    # modules add MODULES to the shared part, plugins PLUGINS.
    assert not set(COMMON[name]) & set(MODULE_TYPES.get(name, {}))
    assert not set(COMMON[name]) & set(PLUGIN_SOURCES[name])


@pytest.mark.parametrize("name", OPTIONS)
def test_the_fragment_documents_the_option_as_defined(name):
    spec, doc = CONNECTION_OPTIONS[name], FRAGMENT[name]
    assert doc["type"] == spec["type"]
    assert same_default(doc.get("default"), spec.get("default")), (doc.get("default"), spec.get("default"))
    assert sorted(doc.get("choices") or []) == sorted(spec.get("choices") or [])
    assert "E(%s)" % spec["env"] in text(doc["description"]), "the description does not name %s" % spec["env"]
    assert doc.get("version_added"), "no version_added"


@pytest.mark.parametrize("name", OPTIONS)
def test_plugins_read_the_option_from_its_variable_environment_and_ini_key(name):
    sources = {key: value for key, value in PLUGIN_SOURCES[name].items() if key != "type"}
    assert sources == {
        "env": [{"name": CONNECTION_OPTIONS[name]["env"]}],
        "ini": [{"section": "avepoint_graph", "key": name}],
        "vars": [{"name": "ansible_avepoint_" + name}],
    }


@pytest.mark.parametrize("plugin", sorted(PLUGINS))
def test_ansible_gives_each_plugin_every_connection_option_with_its_sources(plugin):
    loader, name = PLUGINS[plugin]
    loaded = loader.get(name)
    definitions = C.config.get_configuration_definitions(loaded.plugin_type, loaded._load_name)  # pylint: disable=protected-access
    for option in OPTIONS:
        table_type = CONNECTION_OPTIONS[option]["type"]
        assert definitions[option]["env"] == [{"name": CONNECTION_OPTIONS[option]["env"]}], option
        # A bool or path is handed over as given, and choices are left to the table: it checks them as for modules.
        assert definitions[option]["type"] == PLUGIN_TYPES.get(table_type, table_type), option
        assert not definitions[option].get("choices"), option


def test_the_fragment_names_the_test_that_checks_it():
    source = (ROOT / "plugins" / "doc_fragments" / "connection.py").read_text(encoding="utf-8")
    named = re.findall(r"tests/unit/\w+\.py", source)
    assert named and all((ROOT / path).is_file() for path in named), named


# ---------------------------------------------------------------- the module's argument spec

class _Captured(Exception):
    pass


def module_argument_specs() -> Iterator[tuple[str, dict, dict]]:
    """(module name, argument spec, documented options incl. fragments) for every module, captured from main()."""
    import importlib

    for path in plugin_files("modules"):
        module = importlib.import_module("ansible_collections.avepoint.graph.plugins.modules." + path.stem)
        captured = {}

        def capture(argument_spec, **kwargs):
            captured.update(argument_spec)
            raise _Captured()

        original = _module_runtime.AnsibleModule
        _module_runtime.AnsibleModule = capture
        try:
            with pytest.raises(_Captured):
                module.main()
        finally:
            _module_runtime.AnsibleModule = original
        doc = documentation(path)
        documented = dict(doc.get("options") or {})
        if "avepoint.graph.connection.modules" in (doc.get("extends_documentation_fragment") or []):
            documented.update(FRAGMENT)
        yield path.stem, captured, documented


@pytest.mark.parametrize("module, spec, documented", [pytest.param(*case, id=case[0]) for case in module_argument_specs()])
def test_module_argument_spec_matches_the_table_and_the_docs(module, spec, documented):
    shared = module_argument_spec()
    for name in OPTIONS:
        assert spec[name] == shared[name], "%s overrides connection option %s" % (module, name)
    assert sorted(spec) == sorted(documented)
    for name, entry in spec.items():
        doc = documented[name]
        assert doc["type"] == entry.get("type", "str"), name
        assert sorted(doc.get("choices") or []) == sorted(entry.get("choices") or []), name
        assert same_default(doc.get("default"), entry.get("default")), name
        assert sorted(doc.get("aliases") or []) == sorted(entry.get("aliases") or []), name


# ---------------------------------------------------------------- the AWX credential type

CREDENTIAL_TYPE = load_yaml("extensions/awx/avepoint_credential_type.yml")
AWX_FIELDS = {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}
ENV_TO_OPTION = {spec["env"]: name for name, spec in CONNECTION_OPTIONS.items()}


def awx_injections() -> list[tuple[str, str, str, bool]]:
    """(environment variable, option, AWX field, injected as a file) per env injector."""
    found = []
    for variable, template in CREDENTIAL_TYPE["injectors"]["env"].items():
        as_file = re.search(r"tower\.filename\.(\w+)", template)
        field = as_file.group(1) if as_file else re.search(r"{{\s*(\w+)", template).group(1)
        found.append((variable, ENV_TO_OPTION.get(variable, ""), field, bool(as_file)))
    return found


@pytest.mark.parametrize("variable, option, field, as_file", [pytest.param(*case, id=case[0]) for case in awx_injections()])
def test_the_awx_credential_type_injects_options_as_defined(variable, option, field, as_file):
    assert option, "%s is not the environment variable of any connection option" % variable
    assert field in AWX_FIELDS, "the injector of %s uses an unknown field %s" % (variable, field)
    definition, spec = AWX_FIELDS[field], CONNECTION_OPTIONS[option]
    if as_file:
        assert definition.get("secret") and definition.get("multiline"), "file content (a PEM key) is secret"
        return
    assert bool(definition.get("secret")) == bool(spec.get("no_log")), "secret must follow no_log"
    assert sorted(definition.get("choices") or []) == sorted(spec.get("choices") or [])
    assert definition.get("default") == spec.get("default")


def test_every_credential_can_be_stored_in_the_awx_credential_type():
    injected = {option for _variable, option, _field, _as_file in awx_injections()}
    secrets = {name for name, spec in CONNECTION_OPTIONS.items() if spec.get("no_log")} - {"proxy"}  # a proxy is a job setting
    assert secrets <= injected
    assert set(AWX_FIELDS) == {field for _variable, _option, field, _as_file in awx_injections()}, "a field is never injected"


# ---------------------------------------------------------------- choices, wherever documented

def documented_options() -> Iterator[tuple[str, str, dict]]:
    """(where, option name, documentation) of every documented option, nested ones included."""

    def walk(where: str, options: dict, prefix: str = "") -> Iterator[tuple[str, str, dict]]:
        for name, doc in (options or {}).items():
            yield where, prefix + name, doc
            yield from walk(where, doc.get("options") or doc.get("suboptions") or {}, prefix + name + ".")

    yield from walk("doc fragment", FRAGMENT)
    for kind in ("modules", "lookup", "inventory"):
        for path in plugin_files(kind):
            yield from walk("%s/%s" % (kind, path.stem), documentation(path).get("options") or {})
    for path in sorted((ROOT / "plugins" / "filter").glob("*.yml")):
        yield from walk("filter/%s" % path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))["DOCUMENTATION"].get("options"))
    for path in sorted((ROOT / "roles").glob("*/meta/argument_specs.yml")):
        for entry, spec in yaml.safe_load(path.read_text(encoding="utf-8"))["argument_specs"].items():
            yield from walk("role %s (%s)" % (path.parts[-3], entry), spec.get("options"))


def options_with_choices() -> dict[str, list[tuple[str, list, Any]]]:
    by_name: dict[str, list[tuple[str, list, Any]]] = {}
    for where, name, doc in documented_options():
        if doc.get("choices"):
            key = name[len(ROLE_PREFIX):] if name.startswith(ROLE_PREFIX) else name
            by_name.setdefault(key, []).append((where, list(doc["choices"]), doc.get("default")))
    return by_name


CHOICES = options_with_choices()


@pytest.mark.parametrize("name", sorted(CHOICES))
def test_choices_agree_with_their_source_and_across_places(name):
    places = CHOICES[name]
    expected = sorted(CHOICE_SOURCES[name]) if name in CHOICE_SOURCES else sorted(places[0][1])
    for where, choices, default in places:
        assert sorted(choices) == expected, "%s: %s" % (where, name)
        assert default is None or default in choices, "%s: default of %s" % (where, name)
    assert len({str(default) for _where, _choices, default in places}) == 1, "defaults differ: %s" % places


def test_every_choice_source_is_documented_somewhere():
    assert set(CHOICE_SOURCES) <= set(CHOICES)


def test_the_role_declares_the_entry_keys_and_status_names_the_code_knows():
    spec = load_yaml("roles/customer_compliance/meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert sorted(spec[ROLE_PREFIX + "expected"]["options"]) == sorted(ENTRY_KEYS)
    assert sorted(spec[ROLE_PREFIX + "defaults"]["options"]) == sorted(CHECKED_FIELDS)
    listed = re.findall(r"V\(([^)]*)\)", text(spec[ROLE_PREFIX + "expected"]["options"]["job_status"]["description"]))
    # every canonical name is documented (next to other spellings and the codes)
    assert set(BACKUP_STATUS_NAMES.values()) <= set(listed)


# ---------------------------------------------------------------- customer facts

OPTIONAL_FACTS = tuple(name for option in FACT_OPTIONS for name in option.facts)  # added by the plugins' fact options
ADDED_IN = {"last_success": "1.1.0", "last_success_by_workload": "1.2.0", "subscriptions": "1.2.0", "protection": "1.2.0"}


@pytest.mark.parametrize("path, key, optional", [
    (ROOT / "plugins/modules/avepoint_customer_info.py", "customers", ()),
    (ROOT / "plugins/lookup/avepoint_customer.py", "_raw", OPTIONAL_FACTS),
], ids=["module", "lookup"])
def test_return_documents_every_fact_in_order(path, key, optional):
    contains = documentation(path, "RETURN")[key]["contains"]
    assert list(contains) == list(ELEMENTS_FACT_FIELDS) + list(optional)
    for name, doc in contains.items():
        returned = str(doc.get("returned", ""))
        assert ("api=elements" in returned) == (name in ELEMENTS_ONLY), "%s: returned: %r" % (name, returned)
        for option in FACT_OPTIONS:
            assert ("%s=true" % option.name in returned) == (name in option.facts), "%s: returned: %r" % (name, returned)


def test_the_subscription_module_documents_every_fact_in_order():
    customers = documentation(ROOT / "plugins/modules/avepoint_subscription_info.py", "RETURN")["customers"]["contains"]
    assert tuple(customers) == CUSTOMER_FIELDS
    assert tuple(customers["subscriptions"]["contains"]) == SUBSCRIPTION_FIELDS


@pytest.mark.parametrize("plugin", ["lookup/avepoint_customer.py", "inventory/avepoint_customers.py"])
@pytest.mark.parametrize("name", sorted(ADDED_IN))
def test_the_plugins_document_the_fact_options(plugin, name):
    assert sorted(ADDED_IN) == sorted(option.name for option in FACT_OPTIONS)
    option = documentation(ROOT / "plugins" / plugin)["options"][name]
    assert (option["type"], option["default"], str(option["version_added"])) == ("bool", False, ADDED_IN[name])


def test_the_inventory_names_every_fact():
    described = text(documentation(ROOT / "plugins/inventory/avepoint_customers.py")["description"])
    missing = [name for name in ELEMENTS_FACT_FIELDS + OPTIONAL_FACTS if "C(%s)" % name not in described]
    assert not missing, "the inventory's description does not name %s" % ", ".join(missing)


def test_the_protection_module_documents_every_workload_fact_in_order():
    customers = documentation(ROOT / "plugins/modules/avepoint_protection_info.py", "RETURN")["customers"]["contains"]
    assert list(customers) == ["customer_id", "workloads", "protected_workloads"]
    assert list(customers["workloads"]["contains"]) == list(WORKLOAD_FIELDS)
    lookup = documentation(ROOT / "plugins/lookup/avepoint_customer.py", "RETURN")["_raw"]["contains"]["workloads"]
    assert all("C(%s)" % name in text(lookup["description"]) for name in WORKLOAD_FIELDS)
