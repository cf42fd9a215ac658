"""Plugin connection options are checked from what the user wrote, before Ansible's lenient type conversion.

Ansible's plugin configuration turns any string it does not know into False for a bool option
('maybe', 'ture', an unrendered template), which silently turned certificate checks off in the
lookup and inventory plugins; and a template in a number option of an inventory file failed
its type check before the plugin could render it.
"""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.avepoint.graph.plugins.module_utils._customers import describe, type_name
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.plugin_utils._connection import (
    connection_settings, strict_value, templated_options, templated_variables)

LOOKUP = "avepoint.graph.avepoint_customer"
BASE = {"client_id": "app", "client_secret": "unit-secret", "api_url": "https://graph.example.test",
        "token_url": "https://login.example.test/connect/token"}


class Templar:
    """The two methods of Ansible's templar the plugins use; '{{ x }}' renders from ``values``."""

    def __init__(self, **values):
        self.values = values

    @staticmethod
    def is_template(value):
        return isinstance(value, str) and value.startswith("{{")

    def template(self, value):
        return self.values[value.strip("{} ")]


@pytest.mark.parametrize("value, expected", [(True, True), ("yes", True), (" True ", True), ("1", True), (1, True),
                                             (False, False), ("no", False), ("off", False), (0, False), (None, None)])
def test_booleans_accept_what_ansible_documents(value, expected):
    assert strict_value("validate_certs", value, "validate_certs") is expected


@pytest.mark.parametrize("value", ["maybe", "ture", "", "{{ verify }}", 2, ["true"], {"a": 1}])
def test_anything_else_is_refused_naming_the_option(value):
    with pytest.raises(ConfigurationError, match="option 'validate_certs' must be a boolean"):
        strict_value("validate_certs", value, "validate_certs")


def test_the_source_is_named_when_it_is_not_the_option_itself():
    with pytest.raises(ConfigurationError, match=r"option 'validate_certs' \(AVEPOINT_VALIDATE_CERTS\) must be a boolean .*'maybe'"):
        strict_value("validate_certs", "maybe", "AVEPOINT_VALIDATE_CERTS")


def test_other_options_pass_through_untouched():
    assert strict_value("timeout", "soon", "timeout") == "soon"  # Ansible's own float check names it


def test_templated_options_renders_connection_options_only():
    templar = Templar(verify="false", t=15, other="x")
    options = templated_options({"validate_certs": "{{ verify }}", "timeout": "{{ t }}", "compose": {"a": "{{ other }}"},
                                 "client_secret": "{{ other }}"}, templar)
    assert options == {"validate_certs": False, "timeout": 15, "compose": {"a": "{{ other }}"}, "client_secret": "x"}


def test_templated_variables_checks_booleans_and_names_the_variable():
    assert templated_variables({"ansible_avepoint_validate_certs": "{{ v }}", "unrelated": "{{ v }}"}, Templar(v="yes")) == {
        "ansible_avepoint_validate_certs": True, "unrelated": "{{ v }}"}
    with pytest.raises(ConfigurationError, match=r"\(ansible_avepoint_validate_certs\)"):
        templated_variables({"ansible_avepoint_validate_certs": "{{ v }}"}, Templar(v="maybe"))


def lookup_settings(monkeypatch, env=None, variables=None, **direct):
    monkeypatch.delenv("AVEPOINT_VALIDATE_CERTS", raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    plugin = lookup_loader.get(LOOKUP)
    plugin.set_options(var_options=templated_variables(variables, None), direct=templated_options(dict(BASE, **direct), None))
    return connection_settings(plugin)


def test_environment_variable_is_checked_from_its_raw_text(monkeypatch):
    assert lookup_settings(monkeypatch, env={"AVEPOINT_VALIDATE_CERTS": "no"}).validate_certs is False
    with pytest.raises(ConfigurationError, match=r"\(AVEPOINT_VALIDATE_CERTS\) must be a boolean .*'ture'"):
        lookup_settings(monkeypatch, env={"AVEPOINT_VALIDATE_CERTS": "ture"})
    # an empty variable (AWX exports every variable it knows) is not set: certificates stay checked
    assert lookup_settings(monkeypatch, env={"AVEPOINT_VALIDATE_CERTS": ""}).validate_certs is True
    # a valid keyword wins over a bad environment value: only the source in use is checked
    assert lookup_settings(monkeypatch, env={"AVEPOINT_VALIDATE_CERTS": "ture"}, validate_certs=True).validate_certs is True


def test_lookup_run_reports_a_bad_boolean_as_a_lookup_error(monkeypatch):
    monkeypatch.delenv("AVEPOINT_VALIDATE_CERTS", raising=False)
    with pytest.raises(AnsibleLookupError, match="option 'validate_certs' must be a boolean"):
        lookup_loader.get(LOOKUP).run(["0f8fad5b-d9cb-469f-a165-70867728950e"], variables={}, validate_certs="maybe", **BASE)


def test_type_names_hide_ansible_wrappers():
    # tagged values only exist from ansible-core 2.19 on
    Origin = pytest.importorskip("ansible._internal._datatag._tags").Origin

    tagged = Origin(path="/inventory.yml").tag(12345)
    assert type(tagged).__name__ != "int" and type_name(tagged) == "int"
    assert describe(tagged) == "12345 (an int, not a string)"
    assert describe([1]) == "[1] (a list, not a string)"
