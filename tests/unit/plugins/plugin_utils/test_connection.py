"""The option layer of the lookup and inventory plugins (plugin_utils/_connection.PluginOptions).

Checked through the real plugins' set_options and connection_settings, with Ansible resolving the
sources: unknown keys, templates in connection options, booleans in Ansible's vocabulary, choices
listed in the error, empty variables counted as unset, for keywords, the inventory file,
ansible_avepoint_* variables, the environment and ansible.cfg."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import inventory_loader, lookup_loader

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import checked_choice, parse_boolean
from ansible_collections.avepoint.graph.plugins.module_utils._shown import describe, type_name


LOOKUP = "avepoint.graph.avepoint_customer"
INVENTORY = "avepoint.graph.avepoint_customers"
BASE = {"client_id": "app", "client_secret": "unit-secret", "api_url": "https://graph.example.test",
        "token_url": "https://login.example.test/connect/token"}
CLOUDS = "aos2, commercial, fedramp, us_gov"


class Templar:
    """The two methods of Ansible's templar the plugins use; '{{ x }}' renders from ``values``."""

    def __init__(self, **values):
        self.values = values

    @staticmethod
    def is_template(value):
        return isinstance(value, str) and value.startswith("{{")

    def template(self, value):
        return self.values[value.strip("{} ")]


def lookup(templar=None):
    plugin = lookup_loader.get(LOOKUP)
    plugin._templar = templar  # pylint: disable=protected-access
    return plugin


def inventory(templar=None):
    plugin = inventory_loader.get(INVENTORY)
    plugin.templar = templar
    return plugin


def inventory_file(**keys):
    return dict({"plugin": INVENTORY}, **keys)


@pytest.mark.parametrize("value, expected", [(True, True), ("yes", True), (" True ", True), ("1", True), (1, True), ("on", True),
                                             (False, False), ("no", False), ("off", False), (0, False), ("N", False),
                                             ("maybe", None), ("ture", None), ("", None), (2, None), (["true"], None), ({"a": 1}, None)])
def test_booleans_are_parsed_in_one_place(value, expected):
    assert parse_boolean(value) is expected


def settings_of(plugin, direct, variables=None):
    plugin.set_options(var_options=variables or {}, direct=direct)
    return plugin.connection_settings()


@pytest.mark.parametrize("value", ["maybe", "{{ verify }}", 2, ["true"]])
def test_a_lookup_keyword_that_is_no_boolean_is_refused(clean_env, value):
    with pytest.raises(ConfigurationError, match="option 'validate_certs' must be a boolean"):
        settings_of(lookup(), dict(BASE, validate_certs=value))


def test_an_inventory_boolean_of_ansible_itself_is_strict_too():
    # 'strict' (Constructable) and 'cache' (Cacheable): Ansible would read 'maybe' as false.
    for key in ("strict", "cache"):
        with pytest.raises(ConfigurationError, match="option '%s' must be a boolean .*'maybe'" % key):
            inventory().set_options(direct=inventory_file(**{key: "maybe"}), var_options={})


def test_a_variable_is_named_when_it_holds_the_bad_boolean(clean_env):
    with pytest.raises(ConfigurationError, match=r"option 'validate_certs' \(ansible_avepoint_validate_certs\) must be a boolean"):
        settings_of(lookup(Templar(v="maybe")), BASE, {"ansible_avepoint_validate_certs": "{{ v }}"})


def test_environment_variable_is_checked_from_its_raw_text(clean_env):
    def settings(**direct):
        return settings_of(lookup(), dict(BASE, **direct))

    clean_env.setenv("AVEPOINT_VALIDATE_CERTS", "no")
    assert settings().validate_certs is False
    clean_env.setenv("AVEPOINT_VALIDATE_CERTS", "ture")
    with pytest.raises(ConfigurationError, match=r"\(AVEPOINT_VALIDATE_CERTS\) must be a boolean .*'ture'"):
        settings()
    # a valid keyword wins over a bad environment value: only the source in use is checked
    assert settings(validate_certs=True).validate_certs is True
    # an empty variable (AWX exports every variable it knows) is not set: certificates stay checked
    clean_env.setenv("AVEPOINT_VALIDATE_CERTS", "")
    assert settings().validate_certs is True


def test_connection_options_are_rendered_and_other_keys_left_alone(clean_env):
    plugin = inventory(Templar(verify="false", t=15, secret="from-a-vault-variable"))
    compose = {"a": "{{ other }}"}
    settings = settings_of(plugin, inventory_file(validate_certs="{{ verify }}", timeout="{{ t }}", client_secret="{{ secret }}",
                                                  client_id="app", compose=compose))
    assert (settings.validate_certs, settings.timeout, settings.client_secret) == (False, 15.0, "from-a-vault-variable")
    assert plugin.get_option("compose") == compose  # an expression evaluated per host, never here


def test_a_typed_option_from_a_variable_may_be_a_template(clean_env):
    settings = settings_of(lookup(Templar(t="45")), BASE, {"ansible_avepoint_timeout": "{{ t }}"})
    assert settings.timeout == 45.0


def test_templates_in_ansible_cfg_and_the_environment_are_rendered(clean_env, ini_file):
    ini_file(client_secret="{{ from_ini }}")
    clean_env.setenv("AVEPOINT_CLIENT_ID", "{{ from_env }}")
    plugin = lookup(Templar(from_ini="ini-secret", from_env="env-app"))
    settings = settings_of(plugin, {key: value for key, value in BASE.items() if key not in ("client_id", "client_secret")})
    assert (settings.client_id, settings.client_secret) == ("env-app", "ini-secret")


def test_a_secret_from_another_variable_reaches_the_settings(clean_env):
    plugin = lookup(Templar(vault_avepoint_secret="the-real-secret"))
    settings = settings_of(plugin, {key: value for key, value in BASE.items() if key != "client_secret"},
                           {"ansible_avepoint_client_secret": "{{ vault_avepoint_secret }}", "unrelated": "{{ x }}"})
    assert settings.client_secret == "the-real-secret"


def test_without_a_templar_a_template_stays_text(clean_env):
    assert settings_of(lookup(None), dict(BASE, client_secret="{{ vaulted }}")).client_secret == "{{ vaulted }}"


@pytest.mark.parametrize("make, direct, variables, message", [
    (lookup, {"cloud": "mars"}, {}, "option 'cloud' must be one of %s, got 'mars'" % CLOUDS),
    (lookup, {"on_missing": "ignore"}, {}, "option 'on_missing' must be one of error, warn, skip, got 'ignore'"),
    (lookup, {}, {"ansible_avepoint_api": "graphql"}, "option 'api' (ansible_avepoint_api) must be one of elements, partner, got 'graphql'"),
    (inventory, {"cloud": "mars"}, {}, "option 'cloud' must be one of %s, got 'mars'" % CLOUDS),
    (inventory, {"mode": "bogus"}, {}, "option 'mode' must be one of hosts, enrich, got 'bogus'"),
    (inventory, {"hostname": "fqdn"}, {}, "option 'hostname' must be one of id, organization, got 'fqdn'"),
])
def test_a_value_outside_the_choices_lists_them(clean_env, make, direct, variables, message):
    base = dict(BASE, plugin=INVENTORY) if make is inventory else BASE
    with pytest.raises(ConfigurationError) as error:
        settings_of(make(), dict(base, **direct), variables)
    assert str(error.value) == message


def test_a_choice_from_the_environment_lists_them_and_names_the_variable(clean_env):
    clean_env.setenv("AVEPOINT_CLOUD", "mars")
    with pytest.raises(ConfigurationError) as error:
        settings_of(lookup(), BASE)
    assert str(error.value) == "option 'cloud' (AVEPOINT_CLOUD) must be one of %s, got 'mars'" % CLOUDS
    assert settings_of(lookup(), dict(BASE, cloud="us_gov")).cloud == "us_gov"  # a keyword wins: no error


def test_a_choice_from_ansible_cfg_lists_them_and_names_the_file(clean_env, ini_file):
    ini_file(api="graphql")
    with pytest.raises(ConfigurationError) as error:
        settings_of(inventory(), dict(BASE, plugin=INVENTORY))
    assert "option 'api' (api in [avepoint_graph] of " in str(error.value)
    assert str(error.value).endswith("must be one of elements, partner, got 'graphql'")


def test_a_boolean_from_ansible_cfg_is_strict_and_names_the_file(clean_env, ini_file):
    # Ansible's own conversion made this false: certificate checks off without a word.
    ini_file(validate_certs="maybe")
    with pytest.raises(ConfigurationError) as error:
        settings_of(lookup(), BASE)
    assert str(error.value).startswith("option 'validate_certs' (validate_certs in [avepoint_graph] of ")
    assert str(error.value).endswith("must be a boolean (true or false), got 'maybe'")


@pytest.mark.parametrize("name", ["certificate_path", "private_key_path", "ca_path", "cloud", "api", "validate_certs"])
def test_an_empty_environment_variable_is_not_set(clean_env, name):
    # AWX / AAP credential types export every variable they know; Ansible would make an empty path the current directory.
    clean_env.setenv("AVEPOINT_" + name.upper(), "")
    settings = settings_of(lookup(), BASE)
    assert getattr(settings, name) == {"cloud": "commercial", "api": "partner", "validate_certs": True}.get(name)


def test_paths_are_expanded_as_ansible_expands_them(clean_env, ini_file, tmp_path):
    clean_env.setenv("HOME", str(tmp_path))
    clean_env.setenv("CERTS_DIR", str(tmp_path))
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_of(lookup(), dict(BASE, ca_path="~/ca.pem")).ca_path == str(tmp_path / "ca.pem")
    clean_env.setenv("AVEPOINT_CA_PATH", "$CERTS_DIR/ca.pem")
    assert settings_of(lookup(), BASE).ca_path == str(tmp_path / "ca.pem")
    clean_env.delenv("AVEPOINT_CA_PATH")
    ini_file(ca_path="ca.pem")  # relative to the directory of the ansible.cfg it is in
    assert settings_of(lookup(), BASE).ca_path == str(tmp_path / "ca.pem")


def test_a_secret_value_is_never_shown():
    with pytest.raises(ConfigurationError) as error:
        checked_choice("client_secret", "s3cr3t-value", ["a"])
    assert "s3cr3t-value" not in str(error.value) and "not shown" in str(error.value)


def test_a_typo_in_a_lookup_keyword_is_refused_with_the_closest_option(clean_env):
    with pytest.raises(ConfigurationError) as error:
        lookup().set_options(var_options={}, direct=dict(BASE, on_mising="skip"))
    message = str(error.value)
    assert message.startswith("unknown option 'on_mising' (did you mean 'on_missing'?) for the avepoint_customer lookup")
    assert "valid options are: access_token, api," in message and "_terms" not in message


@pytest.mark.parametrize("keys, expected", [
    ({"hostnme": "organization"}, "unknown option 'hostnme' (did you mean 'hostname'?)"),
    ({"filter": {"job_status": ["Failed"]}}, "unknown option 'filter' (did you mean 'filters'?)"),
    ({"client_secert": "x", "zzz": 1}, "unknown options 'client_secert' (did you mean 'client_secret'?), 'zzz' for"),
])
def test_a_typo_in_an_inventory_file_is_refused(keys, expected):
    with pytest.raises(ConfigurationError) as error:
        inventory().set_options(direct=inventory_file(**keys), var_options={})
    assert str(error.value).startswith(expected) and "the avepoint_customers inventory" in str(error.value)
    assert "'x'" not in str(error.value)  # values are never shown


def test_constructable_and_cacheable_keys_are_options_of_the_inventory(clean_env):
    plugin = inventory()
    plugin.set_options(direct=inventory_file(compose={"a": "b"}, groups={}, keyed_groups=[], leading_separator=False,
                                             use_extra_vars=True, strict="yes", cache="no", cache_plugin="ansible.builtin.jsonfile",
                                             cache_timeout=60, cache_connection="/tmp/x", cache_prefix="p"), var_options={})
    assert plugin.get_option("strict") is True and plugin.get_option("cache") is False


def test_lookup_run_reports_option_errors_as_lookup_errors(clean_env):
    with pytest.raises(AnsibleLookupError, match="option 'validate_certs' must be a boolean"):
        lookup_loader.get(LOOKUP).run(["0f8fad5b-d9cb-469f-a165-70867728950e"], variables={}, validate_certs="maybe", **BASE)
    with pytest.raises(AnsibleLookupError, match="unknown option 'on_mising'"):
        lookup_loader.get(LOOKUP).run(["0f8fad5b-d9cb-469f-a165-70867728950e"], variables={}, on_mising="skip", **BASE)


def test_type_names_hide_ansible_wrappers():
    # tagged values only exist from ansible-core 2.19 on
    Origin = pytest.importorskip("ansible._internal._datatag._tags").Origin

    tagged = Origin(path="/inventory.yml").tag(12345)
    assert type(tagged).__name__ != "int" and type_name(tagged) == "int"
    assert describe(tagged) == "12345 (an int, not a string)"
    assert describe([1]) == "[1] (a list, not a string)"
