"""Connection option validation, shared by modules and plugins."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleOptionsError
from ansible.plugins.loader import inventory_loader, lookup_loader

from ansible_collections.avepoint.graph.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, SECRET_OPTIONS, configured_secrets, module_argument_spec, settings_from_getter, shown_value)


BASE = {"client_id": "11111111-2222-3333-4444-555555555555", "client_secret": "s3cret"}


def settings(**options):
    values = dict(BASE)
    values.update(options)
    return settings_from_getter(values.get)


def test_defaults_select_the_commercial_cloud_and_partner_scope():
    s = settings()
    assert s.api_url == "https://graph.avepointonlineservices.com"
    assert s.token_url == "https://identity.avepointonlineservices.com/connect/token"
    assert s.scope == "partner.customers.read.all"
    assert (s.timeout, s.retries, s.concurrency, s.validate_certs) == (30.0, 5, 16, True)


@pytest.mark.parametrize("cloud, token_host, api_host", [
    ("us_gov", "identity-gov.avepointonlineservices.com", "graph-gov.avepointonlineservices.com"),
    ("aos2", "identity-aos2.avepointonlineservices.com", "graph-aos2.avepointonlineservices.com"),
    ("fedramp", "identity.online15.net", "graphusgovapi.online15.net"),
])
def test_cloud_selects_both_urls(cloud, token_host, api_host):
    s = settings(cloud=cloud)
    assert s.token_url == "https://%s/connect/token" % token_host
    assert s.api_url == "https://%s" % api_host


def test_overrides_win_over_the_cloud():
    s = settings(cloud="us_gov", api_url="https://graph.example.test/", token_url="https://id.example.test/connect/token")
    assert s.api_url == "https://graph.example.test"
    assert s.token_url == "https://id.example.test/connect/token"


def test_plain_http_only_to_loopback():
    assert settings(api_url="http://127.0.0.1:8080").api_url == "http://127.0.0.1:8080"
    assert settings(api_url="http://[::1]:8080").api_url == "http://[::1]:8080"
    assert settings(token_url="http://localhost:1/connect/token").token_url.startswith("http://localhost")
    with pytest.raises(ConfigurationError, match="refusing to send credentials over plain http to 'graph.example.test'"):
        settings(api_url="http://graph.example.test")


@pytest.mark.parametrize("options, message", [
    ({"cloud": "moon"}, "option 'cloud' must be one of aos2, commercial, fedramp, us_gov, got 'moon'"),
    ({"api": "v9"}, "option 'api' must be one of"),
    ({"timeout": 0}, "option 'timeout' must be between"),
    ({"timeout": "abc"}, "option 'timeout' must be a number"),
    ({"retries": -1}, "option 'retries' must be between 0 and 20"),
    ({"concurrency": 0}, "option 'concurrency' must be between 1 and 64"),
    ({"concurrency": 1000}, "option 'concurrency' must be between 1 and 64"),
    ({"validate_certs": "maybe"}, "option 'validate_certs' must be a boolean"),
    ({"api_url": "https://graph.example.test/partner"}, "without a path"),
    ({"api_url": "https://graph.example.test?x=1"}, "must not contain a query"),
    ({"api_url": "ftp://graph.example.test"}, "absolute https:// URL"),
    ({"api_url": "https://user:pw@graph.example.test"}, "must not contain user credentials"),
    ({"api_url": "https://graph.example.test:99999"}, "not a valid URL"),
    ({"client_secret": None}, "no credential given"),
    ({"access_token": "abc"}, "exactly one kind of credential, not client_secret and access_token"),
    ({"client_id": None}, "client_id is missing"),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' is not a readable file"),
    ({"proxy": "proxy.example:3128"}, "option 'proxy' must be a URL"),
    ({"scope": "x" * 301}, "longer than 300"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ConfigurationError) as error:
        settings(**options)
    assert message in str(error.value)


def test_access_token_alone_is_a_credential():
    s = settings_from_getter({"access_token": "tok"}.get)
    assert s.access_token == "tok" and s.client_secret is None


def test_repr_hides_secrets():
    s = settings(client_secret="hunter2-secret")
    assert "hunter2-secret" not in repr(s)
    assert s.secrets == ("hunter2-secret",)


def test_text_values_are_converted():
    s = settings_from_getter(dict(BASE, timeout="12.5", validate_certs="no").get)
    assert s.timeout == 12.5 and s.validate_certs is False


def test_module_spec_has_env_fallbacks_and_no_log():
    spec = module_argument_spec()
    assert set(spec) == set(CONNECTION_OPTIONS)
    assert spec["client_secret"]["no_log"] and spec["access_token"]["no_log"]
    assert spec["cloud"]["fallback"][1] == ["AVEPOINT_CLOUD"]
    assert all("env" not in entry for entry in spec.values())


def test_ca_path_must_hold_a_pem_certificate(tmp_path):
    not_pem = tmp_path / "ca.der"
    not_pem.write_bytes(b"\x30\x82\x01\x0a")
    with pytest.raises(ConfigurationError, match="holds no PEM certificate"):
        settings(ca_path=str(not_pem))
    with pytest.raises(ConfigurationError, match="is not a readable file"):
        settings(ca_path=str(tmp_path))


def test_a_proxy_password_is_a_secret():
    s = settings(proxy="http://user:pr0xy-pa55@proxy.example:3128")
    assert "pr0xy-pa55" in s.secrets
    assert module_argument_spec()["proxy"]["no_log"] is True


SECRET_BASE = {"client_id": "app", "client_secret": "unit-secret", "api_url": "https://graph.example.test",
               "token_url": "https://login.example.test/connect/token"}
PROXY_PASSWORD = "Pr0xyPa55"
MALFORMED_PROXIES = [
    "alice:%s@corp-proxy.test:3128" % PROXY_PASSWORD,  # no scheme: the example
    "corp-proxy.test:3128 alice:%s" % PROXY_PASSWORD,
    "ftp://alice:%s@corp-proxy.test:3128" % PROXY_PASSWORD,
    "http://alice:%s@corp-proxy.test:notaport" % PROXY_PASSWORD,
    "http://user:%s@" % PROXY_PASSWORD,
    "alice:%s@corp-proxy.test:3128/with/a/long/path/so/the/value/is/over/sixty/characters" % PROXY_PASSWORD,
]


def secret_settings(**options):
    return settings_from_getter(dict(SECRET_BASE, **options).get)


def refusal(**options) -> str:
    with pytest.raises(ConfigurationError) as caught:
        secret_settings(**options)
    return str(caught.value)


@pytest.mark.parametrize("proxy", MALFORMED_PROXIES)
def test_a_malformed_proxy_is_refused_without_showing_it(proxy):
    message = refusal(proxy=proxy)
    assert "option 'proxy' must be a URL with a scheme" in message
    assert PROXY_PASSWORD not in message and "alice" not in message and "corp-proxy" not in message


@pytest.mark.parametrize("proxy", [proxy for proxy in MALFORMED_PROXIES if "@" in proxy])
def test_the_password_of_a_malformed_proxy_is_among_the_secrets_to_mask(proxy):
    assert PROXY_PASSWORD in configured_secrets({"proxy": proxy}.get)


@pytest.mark.parametrize("name", sorted(SECRET_OPTIONS))
def test_a_secret_option_value_is_never_shown(name):
    assert "canary" not in shown_value(name, "canary-value")
    assert "canary" not in shown_value(name, "canary-" + "x" * 100)  # a cut value would escape Ansible's masking


def test_the_secret_options_are_the_no_log_ones():
    assert SECRET_OPTIONS == {"client_secret", "private_key_passphrase", "access_token", "proxy"}
    assert SECRET_OPTIONS == {name for name, entry in CONNECTION_OPTIONS.items() if entry.get("no_log")}


@pytest.mark.parametrize("name, value", [
    ("api_url", "user:pa55word@graph.example.test"),
    ("api_url", "ftp://user:pa55word@graph.example.test"),
    ("api_url", "https://user:pa55word@graph.example.test/?$filter=x"),
    ("token_url", "user:pa55word@login.example.test/connect/token"),
])
def test_a_url_option_never_shows_its_user_information(name, value):
    message = refusal(**{name: value})
    assert "pa55word" not in message and name in message


def test_shown_values_keep_what_helps():
    assert shown_value("cloud", "mars") == "'mars'"
    assert shown_value("api_url", "user:pw@host") == "'********@host'"
    assert shown_value("timeout", 1.5) == "1.5"
    assert shown_value("scope", "x" * 100).endswith("...'")


@pytest.mark.parametrize("proxy", ["http://proxy.example.test:3128", "http://u:p@10.1.2.3:8080", "socks5h://[2001:db8::1]:1080"])
def test_plain_http_through_a_remote_proxy_is_refused(proxy):
    message = refusal(api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token", proxy=proxy)
    assert "refusing to send credentials over plain http through the proxy" in message
    assert "http://127.0.0.1:8080" in message and "in clear" in message
    host = proxy.rsplit("@", 1)[-1].split("//")[-1]
    assert host in message, message  # the proxy is named by host and port...
    assert proxy not in message and ":p@" not in message  # ...never by its whole value or its credentials


def test_a_proxy_on_loopback_or_https_targets_are_allowed():
    assert secret_settings(api_url="http://127.0.0.1:8080", proxy="http://127.0.0.1:3128").proxy == "http://127.0.0.1:3128"
    assert secret_settings(proxy="http://proxy.example.test:3128").proxy == "http://proxy.example.test:3128"


def test_settings_repr_shows_no_proxy_credentials():
    assert PROXY_PASSWORD not in repr(secret_settings(proxy="http://alice:%s@corp-proxy.test:3128" % PROXY_PASSWORD))


def test_total_timeout_defaults_to_five_minutes_and_is_bounded():
    assert secret_settings().total_timeout == 300.0
    assert secret_settings(total_timeout="45").total_timeout == 45.0
    assert "option 'total_timeout' must be between 1 and 86400" in refusal(total_timeout=0)
    assert "option 'total_timeout' must be a number, got 'soon'" in refusal(total_timeout="soon")


def lookup():
    plugin = lookup_loader.get("avepoint.graph.avepoint_customer")
    plugin._templar = None  # pylint: disable=protected-access
    return plugin


def inventory():
    plugin = inventory_loader.get("avepoint.graph.avepoint_customers")
    plugin.templar = None
    return plugin


def plugin_error(plugin, direct, variables=None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        plugin.set_options(var_options=variables or {}, direct=direct)
        plugin.connection_settings()
    return str(caught.value)


@pytest.mark.parametrize("make", [lookup, inventory], ids=["lookup", "inventory"])
@pytest.mark.parametrize("proxy", MALFORMED_PROXIES[:2])
def test_a_plugin_never_shows_a_malformed_proxy(clean_env, make, proxy):
    direct = dict(SECRET_BASE, proxy=proxy)
    if make is inventory:
        direct["plugin"] = "avepoint.graph.avepoint_customers"
    assert PROXY_PASSWORD not in plugin_error(make(), direct)


@pytest.mark.parametrize("source", ["keyword", "variable", "environment", "ansible.cfg"])
def test_a_plugin_masks_secrets_that_reach_a_message_from_any_source(clean_env, ini_file, source):
    # A secret pasted into the wrong option (cloud) is shown there as text: every secret given is masked in it.
    secret = "pasted-s3cret+value"
    direct = dict(SECRET_BASE, cloud="commercial %s" % secret)
    variables = {}
    if source == "keyword":
        direct["client_secret"] = secret
    elif source == "variable":
        direct.pop("client_secret")
        variables["ansible_avepoint_client_secret"] = secret
    elif source == "environment":
        direct.pop("client_secret")
        clean_env.setenv("AVEPOINT_CLIENT_SECRET", secret)
    else:
        direct.pop("client_secret")
        ini_file(client_secret=secret)
    message = plugin_error(lookup(), direct, variables)
    assert "option 'cloud' must be one of" in message
    assert secret not in message and "pasted-s3cret%2Bvalue" not in message and "********" in message


@pytest.mark.parametrize("source", ["keyword", "environment", "ansible.cfg"])
def test_a_plugin_masks_secrets_in_ansibles_own_option_errors(clean_env, ini_file, source):
    # Ansible refuses a number that is not one in its own words, showing the value: here a pasted secret.
    secret = "pasted-s3cret+value"
    direct = {key: value for key, value in SECRET_BASE.items() if key != "client_secret"}
    if source == "keyword":
        direct["client_secret"] = secret
    elif source == "environment":
        clean_env.setenv("AVEPOINT_CLIENT_SECRET", secret)
    else:
        ini_file(client_secret=secret)
    with pytest.raises(AnsibleOptionsError) as caught:
        lookup().set_options(var_options={}, direct=dict(direct, timeout=secret))
    assert "timeout" in str(caught.value) and secret not in str(caught.value) and "********" in str(caught.value)


SHAPE_BASE = {"client_id": "app", "client_secret": "s3cret", "api_url": "https://graph.example.test"}
NEW_OPTIONS = {"max_pages": (1000, 1, 100000, "AVEPOINT_MAX_PAGES"), "batch_size": (100, 1, 1000, "AVEPOINT_BATCH_SIZE")}


def shape_settings(**values):
    return settings_from_getter(dict(SHAPE_BASE, **values).get)


@pytest.mark.parametrize("name", sorted(NEW_OPTIONS))
def test_defaults_and_bounds(name):
    default, low, high, env = NEW_OPTIONS[name]
    assert getattr(shape_settings(), name) == default
    assert getattr(shape_settings(**{name: str(high)}), name) == high
    assert getattr(shape_settings(**{name: low}), name) == low
    for bad in (low - 1, high + 1):
        with pytest.raises(ConfigurationError, match="option '%s' must be between %d and %d, got %d" % (name, low, high, bad)):
            shape_settings(**{name: bad})
    with pytest.raises(ConfigurationError, match="option '%s' must be a whole number" % name):
        shape_settings(**{name: "many"})
    assert module_argument_spec()[name]["fallback"][1] == [env]
    assert CONNECTION_OPTIONS[name]["default"] == default


@pytest.mark.parametrize("name", sorted(NEW_OPTIONS))
def test_documented_in_the_connection_fragment_for_modules_and_plugins(name):
    default, _low, _high, env = NEW_OPTIONS[name]
    option = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"][name]
    assert (option["type"], option["default"], option["version_added"]) == ("int", default, "1.1.0")
    assert "E(%s)" % env in " ".join(option["description"])
    plugin = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"][name]
    assert plugin == {"env": [{"name": env}], "ini": [{"section": "avepoint_graph", "key": name}],
                      "vars": [{"name": "ansible_avepoint_%s" % name}]}
