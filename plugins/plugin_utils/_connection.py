# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option layer of the lookup and inventory plugins.

:class:`PluginOptions` is mixed into both plugins, in front of Ansible's base class. Ansible
resolves every option (keywords or the inventory file, ``ansible_avepoint_*`` variables,
``AVEPOINT_*`` environment variables, ``[avepoint_graph]`` in ansible.cfg, as the doc fragment
declares them), and :meth:`PluginOptions.connection_settings` hands ``get_option`` to the shared
option table, which checks the connection options as it does for modules. The PLUGINS doc
fragment has Ansible hand booleans, paths and choices over as given, so that 'maybe', a typo or
an empty ``AVEPOINT_*`` variable (AWX / AAP export every variable they know) is an error or unset
there, never a silent false, the current directory or a message showing a secret.

What Ansible does not do is left here:

* unknown keys are refused, naming the key and the closest valid option (Ansible ignores them);
* templates in connection options are rendered (:func:`rendered`);
* the plugin's own booleans and choices given as keywords or file keys (``strict``,
  ``on_missing``...) are checked with the table's checks before Ansible's lenient conversion
  (they keep their declared types, which ansible-doc shows);
* errors name where a value came from (:meth:`PluginOptions.option_origin`);
* every error is masked with the secret values given, raw and rendered, wherever they came from:
  modules have Ansible's no_log masking, plugins only this.

Every problem is raised before any request.
"""

from __future__ import annotations

import difflib
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from ansible import constants as C
from ansible.config.manager import ensure_type
from ansible.errors import AnsibleError, AnsibleOptionsError

from ansible_collections.avepoint.graph.plugins.module_utils._clouds import READS_CUSTOMERS
from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError, ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, SECRET_OPTIONS, ConnectionSettings, checked_boolean, checked_choice, configured_secrets,
    settings_from_getter)
from ansible_collections.avepoint.graph.plugins.module_utils._redaction import redact

BOOLEAN_TYPES = ("bool", "boolean")


class PluginOptions:
    """Mixin for the lookup and inventory plugins: checked options and validated connection settings.

    Use it first among the bases (``class LookupModule(PluginOptions, LookupBase)``).
    """

    # Provided by Ansible's plugin base classes.
    plugin_type: str
    _load_name: str
    get_option: Callable[[str], Any]
    option_definitions: dict[str, dict[str, Any]]

    def set_options(self, task_keys: Any = None, var_options: Any = None, direct: Any = None) -> None:
        definitions = self.option_definitions
        self._secrets = given_secrets(definitions, direct, var_options)
        try:
            if direct is not None:
                refuse_unknown_keys(direct, definitions, self.plugin_label())
                check_own_options(direct, definitions)
            # Rendered before Ansible's type check, which would refuse timeout: "{{ t }}".
            direct, var_options = rendered_sources(direct, var_options, definitions, self.option_templar())
            self._secrets += given_secrets(definitions, direct, var_options)
            self._asked = {"keys": task_keys, "variables": var_options, "direct": direct}
            super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)  # type: ignore[misc]
        except AvePointError as error:
            raise error.redacted(self._secrets + self.configuration_secrets()) from None
        except AnsibleOptionsError as error:
            # Ansible's message may show a value (a number that is not one), and so a secret pasted there.
            message = redact(str(error), self._secrets + self.configuration_secrets())
            if message == str(error):
                raise
            raise AnsibleOptionsError(message) from None

    def connection_settings(self, reads: Sequence[str] = READS_CUSTOMERS) -> ConnectionSettings:
        """Validated connection settings from the options set; ``reads`` picks the default scope. A problem is a
        ConfigurationError with every secret masked."""
        templar = self.option_templar()
        seen: dict[str, Any] = {}

        def get(name: str) -> Any:
            # Keywords and variables were rendered in set_options; this renders templates from ansible.cfg
            # and the environment (ansible-core 2.19+ marks both as trusted for templating).
            value = rendered(self.get_option(name), templar)
            if CONNECTION_OPTIONS[name]["type"] == "path" and isinstance(value, str) and value.strip():
                # Ansible's own conversion (~, $VARIABLES, relative to the ansible.cfg it came from) of a path the
                # PLUGINS fragment has Ansible hand over as text: Ansible would make empty text the current directory.
                value = ensure_type(value, "path", self.option_origin(name))
            seen[name] = value
            return value

        try:
            return settings_from_getter(get, reads, source=self.option_source)
        except AvePointError as error:
            raise error.redacted(getattr(self, "_secrets", []) + configured_secrets(seen.get) + self.configuration_secrets()) from None

    def option_origin(self, name: str) -> str:
        """Where Ansible took the value of option ``name`` from: ``Direct``, ``var: NAME``, ``env: NAME``, the
        configuration file or ``default``."""
        # Ansible's own answer to the question set_options asked: ansible-core before 2.19 keeps no origin
        # (its get_option_and_origin asks again without the keywords and variables).
        asked = getattr(self, "_asked", {})
        return str(C.config.get_config_value_and_origin(name, plugin_type=self.plugin_type, plugin_name=self._load_name, **asked)[1])

    def option_source(self, name: str) -> Optional[str]:
        """Where the value of option ``name`` came from, as errors name it: an ``ansible_avepoint_*`` variable, an
        ``AVEPOINT_*`` environment variable or a key of ansible.cfg; None for keywords, the inventory file, defaults."""
        return source_label(self.option_origin(name), self.option_definitions[name])

    def configuration_secrets(self) -> list[str]:
        """The secret options' values in the environment or ansible.cfg, as Ansible reads them."""
        def get(name: str) -> Any:
            try:
                return C.config.get_config_value(name, plugin_type=self.plugin_type, plugin_name=self._load_name)
            except AnsibleError:
                return None

        return configured_secrets(get)

    def option_templar(self) -> Optional[Any]:
        # LookupBase keeps it in _templar, BaseInventoryPlugin in templar.
        return getattr(self, "_templar", None) or getattr(self, "templar", None)

    def plugin_label(self) -> str:
        return "the %s %s" % (self._load_name.rsplit(".", 1)[-1], self.plugin_type)


def rendered(value: Any, templar: Optional[Any]) -> Any:
    """``value`` with its template rendered by the plugin's templar.

    Ansible renders neither an inventory file nor, from ansible-core 2.19 on, the variables it hands a
    lookup: ``ansible_avepoint_client_secret: "{{ vault_secret }}"`` would arrive as that text.
    """
    if templar is not None and isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value


def rendered_sources(direct: Optional[Mapping[str, Any]], variables: Optional[Mapping[str, Any]],
                     definitions: Mapping[str, Mapping[str, Any]], templar: Optional[Any]) -> tuple[Any, Any]:
    """Copies of ``direct`` (keywords or the inventory file) and ``variables`` with the connection options and
    their ``ansible_avepoint_*`` variables rendered; other keys are left alone (the inventory's compose,
    groups and keyed_groups are expressions evaluated per host)."""
    if direct is not None:
        direct = {key: rendered(value, templar) if key in CONNECTION_OPTIONS else value for key, value in direct.items()}
    if variables is not None:
        names = option_variables(definitions, CONNECTION_OPTIONS)
        variables = {**variables, **{name: rendered(variables[name], templar) for name in names if name in variables}}
    return direct, variables


def given_secrets(definitions: Mapping[str, Mapping[str, Any]], direct: Optional[Mapping[str, Any]],
                  variables: Optional[Mapping[str, Any]]) -> list[str]:
    """The values of the secret options given as keywords or file keys, and as ``ansible_avepoint_*`` variables."""
    direct, variables = direct or {}, variables or {}
    from_variables = {name: variables[variable] for variable, name in option_variables(definitions, SECRET_OPTIONS).items()
                      if variable in variables}
    return configured_secrets(direct.get) + configured_secrets(from_variables.get)


def option_variables(definitions: Mapping[str, Mapping[str, Any]], options: Iterable[str]) -> dict[str, str]:
    """``ansible_avepoint_*`` variable -> option name, for the ``options`` the plugin has."""
    return {entry["name"]: name for name in options for entry in (definitions.get(name) or {}).get("vars") or ()}


def refuse_unknown_keys(direct: Mapping[str, Any], definitions: Mapping[str, Any], plugin: str) -> None:
    """A key that is no option (a typo) would be ignored by Ansible: an error naming it and the closest option."""
    unknown = sorted(str(key) for key in direct if key not in definitions)
    if not unknown:
        return
    valid = sorted(name for name in definitions if not name.startswith("_"))
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hints.append("'%s'%s" % (key, " (did you mean '%s'?)" % close[0] if close else ""))
    raise ConfigurationError("unknown option%s %s for %s; valid options are: %s" % (
        "s" if len(unknown) > 1 else "", ", ".join(hints), plugin, ", ".join(valid)))


def check_own_options(direct: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]) -> None:
    """Booleans and choices given as keywords or file keys, checked as the table checks its own.

    Ansible would turn 'maybe' into false for a ``bool`` option. The connection options are declared
    so that Ansible hands them over as given (the table checks them), the plugin's own options (and
    ``strict``, ``cache``... of Ansible's fragments) keep their types, which ansible-doc shows.
    """
    for name, value in direct.items():
        spec = definitions[name]
        if value is None:
            continue
        if spec.get("type") in BOOLEAN_TYPES:
            checked_boolean(name, value)
        elif spec.get("choices") and spec.get("type") not in ("list", "dict"):
            checked_choice(name, value, spec["choices"])


def source_label(origin: str, definition: Mapping[str, Any]) -> Optional[str]:
    """Ansible's origin of a value (``var: NAME``, ``env: NAME``, a configuration file...) as errors name it."""
    for kind in ("var: ", "env: "):
        if origin.startswith(kind):
            return origin[len(kind):]
    if origin in ("Direct", "default") or origin.startswith(("keyword: ", "cli: ")):
        return None
    # A configuration file: Ansible names the file; the option's one ini key says where in it.
    entries = definition.get("ini") or []
    if len(entries) != 1:
        return origin
    return "%s in [%s] of %s" % (entries[0]["key"], entries[0].get("section", "defaults"), origin)
