"""Option messages never show a secret (issues 14.1, 14.5, 17.7).

Modules get Ansible's no_log masking of the values as given; the lookup and the inventory get
only ours. So no message of the option layer shows a no_log option's value, a URL's user name
and password, or the password of a malformed proxy value, and the plugins mask every secret
given (raw and rendered, from every source) in their configuration errors.
"""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleOptionsError
from ansible.plugins.loader import inventory_loader, lookup_loader

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, SECRET_OPTIONS, configured_secrets, settings_from_getter, shown_value)

BASE = {"client_id": "app", "client_secret": "unit-secret", "api_url": "https://graph.example.test",
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


def settings(**options):
    return settings_from_getter(dict(BASE, **options).get)


def refusal(**options) -> str:
    with pytest.raises(ConfigurationError) as caught:
        settings(**options)
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


# ---------------------------------------------------------------- plain http through a proxy (17.7)

@pytest.mark.parametrize("proxy", ["http://proxy.example.test:3128", "http://u:p@10.1.2.3:8080", "socks5h://[2001:db8::1]:1080"])
def test_plain_http_through_a_remote_proxy_is_refused(proxy):
    message = refusal(api_url="http://127.0.0.1:8080", token_url="http://127.0.0.1:8080/connect/token", proxy=proxy)
    assert "refusing to send credentials over plain http through the proxy" in message
    assert "http://127.0.0.1:8080" in message and "in clear" in message
    host = proxy.rsplit("@", 1)[-1].split("//")[-1]
    assert host in message, message  # the proxy is named by host and port...
    assert proxy not in message and ":p@" not in message  # ...never by its whole value or its credentials


def test_a_proxy_on_loopback_or_https_targets_are_allowed():
    assert settings(api_url="http://127.0.0.1:8080", proxy="http://127.0.0.1:3128").proxy == "http://127.0.0.1:3128"
    assert settings(proxy="http://proxy.example.test:3128").proxy == "http://proxy.example.test:3128"


def test_settings_repr_shows_no_proxy_credentials():
    assert PROXY_PASSWORD not in repr(settings(proxy="http://alice:%s@corp-proxy.test:3128" % PROXY_PASSWORD))


# ---------------------------------------------------------------- the total timeout

def test_total_timeout_defaults_to_five_minutes_and_is_bounded():
    assert settings().total_timeout == 300.0
    assert settings(total_timeout="45").total_timeout == 45.0
    assert "option 'total_timeout' must be between 1 and 86400" in refusal(total_timeout=0)
    assert "option 'total_timeout' must be a number, got 'soon'" in refusal(total_timeout="soon")


# ---------------------------------------------------------------- the plugins mask their configuration errors

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
    direct = dict(BASE, proxy=proxy)
    if make is inventory:
        direct["plugin"] = "avepoint.graph.avepoint_customers"
    assert PROXY_PASSWORD not in plugin_error(make(), direct)


@pytest.mark.parametrize("source", ["keyword", "variable", "environment", "ansible.cfg"])
def test_a_plugin_masks_secrets_that_reach_a_message_from_any_source(clean_env, ini_file, source):
    # A secret pasted into the wrong option (cloud) is shown there as text: every secret given is masked in it.
    secret = "pasted-s3cret+value"
    direct = dict(BASE, cloud="commercial %s" % secret)
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
    direct = {key: value for key, value in BASE.items() if key != "client_secret"}
    if source == "keyword":
        direct["client_secret"] = secret
    elif source == "environment":
        clean_env.setenv("AVEPOINT_CLIENT_SECRET", secret)
    else:
        ini_file(client_secret=secret)
    with pytest.raises(AnsibleOptionsError) as caught:
        lookup().set_options(var_options={}, direct=dict(direct, timeout=secret))
    assert "timeout" in str(caught.value) and secret not in str(caught.value) and "********" in str(caught.value)
