# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one option layer of the lookup and inventory plugins.

:class:`PluginOptions` is mixed into both plugins, in front of Ansible's base class. Options
come from ``get_option`` (keywords or the inventory file, ``ansible_avepoint_*`` variables,
``AVEPOINT_*`` environment variables, ``[avepoint_graph]`` in ansible.cfg). Before Ansible's
own (lenient) checks run, :meth:`PluginOptions.set_options` checks what the user wrote:

* unknown keys are refused, naming the key and the closest valid option;
* connection option values that are templates are rendered (ansible-core 2.19+ hands
  ``ansible_avepoint_*`` variables over untemplated, and a secret may come from a vault variable);
* booleans follow Ansible's own vocabulary, strictly: Ansible would turn 'maybe', a typo or an
  unrendered template into False, which would silently turn certificate checks off;
* a value outside an option's choices is refused with an error that lists the choices.

Every problem is a ConfigurationError, raised before any request. Its message never shows the value
of a secret option, and it passes through the same redaction as API errors with the secret values
as given (raw and rendered, from every source), so a message can never carry one: modules have
Ansible's no_log masking, plugins only this.
"""

from __future__ import annotations

import configparser
import difflib
import os
from typing import Any, Callable, Mapping, Optional, Sequence

from ansible import constants as C
from ansible.errors import AnsibleOptionsError

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe
from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError, ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, SECRET_OPTIONS, ConnectionSettings, configured_secrets, parse_boolean, settings_from_getter)
from ansible_collections.avepoint.graph.plugins.module_utils._redaction import redact

BOOLEAN_TYPES = ("bool", "boolean")
# Options whose values may be templates; the inventory's compose/groups/keyed_groups are
# expressions evaluated per host, so only the connection options are rendered here.
TEMPLATED_OPTIONS = frozenset(CONNECTION_OPTIONS)


class PluginOptions:
    """Mixin for the lookup and inventory plugins: checked options and validated connection settings.

    Use it first among the bases (``class LookupModule(PluginOptions, LookupBase)``).
    """

    # Provided by Ansible's plugin base classes.
    plugin_type: str
    _load_name: str
    get_option: Callable[[str], Any]

    def set_options(self, task_keys: Any = None, var_options: Any = None, direct: Any = None) -> None:
        definitions = self.option_definitions()
        self._given_secrets = given_secrets(definitions, direct or {}, var_options or {})
        try:
            self._set_checked_options(definitions, task_keys, var_options, direct)
        except AvePointError as error:
            raise error.redacted(self._given_secrets) from None
        except AnsibleOptionsError as error:
            if redact(str(error), self._given_secrets) == str(error):
                raise
            raise AnsibleOptionsError(redact(str(error), self._given_secrets)) from None

    def _set_checked_options(self, definitions: dict[str, dict[str, Any]], task_keys: Any, var_options: Any, direct: Any) -> None:
        templar = self.option_templar()
        if direct is not None:
            direct = checked_direct_options(direct, definitions, templar, self.plugin_label())
        if var_options is not None:
            var_options = checked_variables(var_options, definitions, templar)
        self._given_secrets += given_secrets(definitions, direct or {}, var_options or {}, environment=False)  # rendered
        try:
            super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)  # type: ignore[misc]
        except AnsibleOptionsError:
            # Keywords, the inventory file and variables were checked above: the bad value is in
            # the environment or ansible.cfg. Say which, with the choices; else Ansible's message stands.
            problem = configured_value_problem(definitions, direct or {}, var_options or {})
            if problem is None:
                raise
            raise problem from None

    def option_definitions(self) -> dict[str, dict[str, Any]]:
        return C.config.get_configuration_definitions(self.plugin_type, self._load_name)

    def option_templar(self) -> Optional[Any]:
        # LookupBase keeps it in _templar, BaseInventoryPlugin in templar.
        return getattr(self, "_templar", None) or getattr(self, "templar", None)

    def plugin_label(self) -> str:
        return "the %s %s" % (self._load_name.rsplit(".", 1)[-1], self.plugin_type)

    def connection_settings(self, reads: Sequence[str] = READS_CUSTOMERS) -> ConnectionSettings:
        """Validated connection settings from the options set; ``reads`` picks the default scope. A problem is a
        ConfigurationError with every secret masked."""
        templar = self.option_templar()
        seen: dict[str, Any] = {}

        def get(name: str) -> Any:
            # Keywords and variables were rendered in set_options; this renders templates from ansible.cfg.
            seen[name] = rendered(configured_value(self, name), templar)
            return seen[name]

        try:
            return settings_from_getter(get, reads)
        except AvePointError as error:
            raise error.redacted(getattr(self, "_given_secrets", []) + configured_secrets(seen.get)) from None


def given_secrets(definitions: Mapping[str, Mapping[str, Any]], direct: Mapping[str, Any], variables: Mapping[str, Any],
                  environment: bool = True) -> list[str]:
    """The values of the secret options wherever they were given: keywords or the inventory file, their
    ``ansible_avepoint_*`` variables, and (``environment``) the AVEPOINT_* variables and ansible.cfg."""
    sources = [direct.get]
    for name in SECRET_OPTIONS & set(definitions):
        for entry in definitions[name].get("vars") or ():
            sources.append(_renamed(name, variables.get(entry["name"])))
        if environment:
            for found in (_environment_value(definitions[name]), _ini_value(definitions[name])):
                if found is not None:
                    sources.append(_renamed(name, found[0]))
    return [value for source in sources for value in configured_secrets(source)]


def _renamed(name: str, value: Any) -> Callable[[str], Any]:
    """A getter that knows one option's value."""
    return lambda wanted: value if wanted == name else None


def client_for(settings: ConnectionSettings, warn: Optional[Callable[[str], None]] = None) -> AvePointClient:
    """An API client for settings a plugin has already validated."""
    return AvePointClient(settings, warn=warn)


def checked_direct_options(options: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]], templar: Optional[Any],
                           plugin: str) -> dict[str, Any]:
    """Keywords (lookup) or file keys (inventory): known keys only, templates rendered, values checked."""
    unknown = sorted(str(key) for key in options if key not in definitions)
    if unknown:
        raise ConfigurationError(unknown_keys_message(unknown, definitions, plugin))
    checked = dict(options)
    for name, value in options.items():
        if name in TEMPLATED_OPTIONS:
            value = rendered(value, templar)
        checked[name] = checked_value(name, value, definitions[name], name)
    return checked


def checked_variables(variables: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]],
                      templar: Optional[Any]) -> dict[str, Any]:
    """A shallow copy of ``variables`` with the values of option variables (``ansible_avepoint_*``) rendered and checked.

    Pass it to ``set_options(var_options=...)``: a typed option (``timeout: "{{ t }}"``) would
    otherwise fail Ansible's type check before the plugin sees it.
    """
    checked = dict(variables)
    for name, spec in definitions.items():
        for entry in spec.get("vars") or ():
            variable = entry["name"]
            if variable in checked:
                value = rendered(checked[variable], templar) if name in TEMPLATED_OPTIONS else checked[variable]
                checked[variable] = checked_value(name, value, spec, variable)
    return checked


def checked_value(name: str, value: Any, spec: Mapping[str, Any], source: str) -> Any:
    """``value`` of option ``name`` as given in ``source``: a boolean as a bool, a choice among the choices."""
    if value is None:
        return value
    if spec.get("type") in BOOLEAN_TYPES:
        boolean = parse_boolean(value)
        if boolean is None:
            raise ConfigurationError("%s must be a boolean (true or false), got %s" % (where(name, source), shown(name, value)))
        return boolean
    choices = spec.get("choices")
    if choices and spec.get("type") not in ("list", "dict") and not _among(value, choices):
        raise ConfigurationError("%s must be one of %s, got %s" % (where(name, source), ", ".join(str(c) for c in choices), shown(name, value)))
    return value


def _among(value: Any, choices: Any) -> bool:
    try:
        return value in choices
    except TypeError:  # an unhashable value against a mapping of choices
        return False


def where(name: str, source: str) -> str:
    return "option '%s'" % name if source == name else "option '%s' (%s)" % (name, source)


def shown(name: str, value: Any) -> str:
    return "a value that is not shown (it is a secret)" if name in SECRET_OPTIONS else describe(value)


def unknown_keys_message(unknown: list[str], definitions: Mapping[str, Any], plugin: str) -> str:
    valid = sorted(name for name in definitions if not name.startswith("_"))
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hints.append("'%s'%s" % (key, " (did you mean '%s'?)" % close[0] if close else ""))
    return "unknown option%s %s for %s; valid options are: %s" % (
        "s" if len(unknown) > 1 else "", ", ".join(hints), plugin, ", ".join(valid))


def configured_value_problem(definitions: Mapping[str, Mapping[str, Any]], direct: Mapping[str, Any],
                             variables: Mapping[str, Any]) -> Optional[ConfigurationError]:
    """The first choice option whose value in use comes from the environment or ansible.cfg and is not a choice."""
    for name, spec in definitions.items():
        if not spec.get("choices") or name in direct:
            continue
        if any(entry["name"] in variables for entry in spec.get("vars") or ()):
            continue
        found = _environment_value(spec) or _ini_value(spec)
        if found is None:
            continue
        value, source = found
        try:
            checked_value(name, value, spec, source)
        except ConfigurationError as problem:
            return problem
    return None


def _environment_value(spec: Mapping[str, Any]) -> Optional[tuple[str, str]]:
    for entry in reversed(spec.get("env") or ()):  # the last one set wins, as in Ansible
        if os.environ.get(entry["name"]):
            return os.environ[entry["name"]], entry["name"]
    return None


def _ini_value(spec: Mapping[str, Any]) -> Optional[tuple[str, str]]:
    config_file = C.config.get_config_value_and_origin("CONFIG_FILE")[0]  # the ansible.cfg in use
    if not config_file or not spec.get("ini"):
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(config_file)
    except configparser.Error:
        return None
    for entry in reversed(spec["ini"]):
        section = entry.get("section", "defaults")
        if parser.has_option(section, entry["key"]):
            return parser.get(section, entry["key"]), "%s in [%s] of %s" % (entry["key"], section, config_file)
    return None


def configured_value(plugin: Any, name: str) -> Any:
    """An option's value. One set by an ``AVEPOINT_*`` environment variable is taken from the
    variable's own text: empty counts as not set (AWX / AAP credential types and CI systems
    export every variable they know, and Ansible would turn an empty path into the current
    directory), and a boolean is checked strictly."""
    value, origin = _value_and_origin(plugin, name)
    if isinstance(origin, str) and origin.startswith("env:"):
        env_name = origin[len("env:"):].strip()
        raw = os.environ.get(env_name, "")
        if not raw.strip():
            return None
        return checked_value(name, raw, CONNECTION_OPTIONS[name], env_name)
    return value


def _value_and_origin(plugin: Any, name: str) -> tuple[Any, Any]:
    """The option's value and where Ansible took it from (``"env: NAME"``, ``"Direct"``...)."""
    value = plugin.get_option(name)
    try:
        recomputed, origin = plugin.get_option_and_origin(name)
    except KeyError:
        return value, None
    # ansible-core 2.16 recomputes the origin from configuration sources only, ignoring keywords
    # and variables; a value that differs from the one in use did not come from there.
    return value, (origin if recomputed == value else "Direct")


def rendered(value: Any, templar: Optional[Any]) -> Any:
    if templar is not None and isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value
