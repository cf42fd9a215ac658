"""The bad-input corpus through the shared layer in-process (what lookup and inventory call).

Plugins hand their options to ``settings_from_getter``, build a client and give it their IDs,
so every connection option and customer ID case must fail there, before any request.
Fast: no ansible-playbook run; the module-level run is test_bad_input_module.py.
"""

from __future__ import annotations

import pytest

from bad_inputs import BAD_IDS, BAD_OPTIONS, connection_options

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._customers import normalize_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

BASE = {"api_url": "http://127.0.0.1:9", "token_url": "http://127.0.0.1:9/connect/token",
        "client_id": "11111111-2222-3333-4444-555555555555", "client_secret": "s"}
PLACEHOLDERS = {"api_url": BASE["api_url"], "token_url": BASE["token_url"], "api_host": "127.0.0.1:9"}
ENV_OPTIONS = {"AVEPOINT_" + name.upper(): name for name in ("timeout", "cloud", "access_token")}


def plugin_style_options(case) -> dict:
    """Options as a plugin sees them: environment variables arrive as option values (strings)."""
    options = connection_options(case, BASE, PLACEHOLDERS)
    for variable, value in case.env.items():
        options[ENV_OPTIONS[variable]] = value
    return options


@pytest.mark.parametrize("case", BAD_OPTIONS, ids=[case.name for case in BAD_OPTIONS])
def test_bad_option_is_rejected_by_the_shared_validation(case):
    with pytest.raises(ConfigurationError) as error:
        # Building the client also loads credential files (certificate, key), still without a request.
        AvePointClient(settings_from_getter(plugin_style_options(case).get)).close()
    for fragment in case.expected("lookup"):
        assert fragment in str(error.value)


@pytest.mark.parametrize("case", BAD_IDS, ids=[case.name for case in BAD_IDS])
def test_bad_customer_id_is_rejected_by_the_shared_validation(case):
    with pytest.raises(ConfigurationError) as error:
        normalize_customer_ids(case.ids)
    for fragment in case.expected("lookup"):
        assert fragment in str(error.value)
