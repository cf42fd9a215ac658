"""The options max_pages and batch_size: defaults, bounds, environment, and their documentation."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.avepoint.graph.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import (
    CONNECTION_OPTIONS, module_argument_spec, settings_from_getter)

BASE = {"client_id": "app", "client_secret": "s3cret", "api_url": "https://graph.example.test"}
NEW_OPTIONS = {"max_pages": (1000, 1, 100000, "AVEPOINT_MAX_PAGES"), "batch_size": (100, 1, 1000, "AVEPOINT_BATCH_SIZE")}


def settings(**values):
    return settings_from_getter(dict(BASE, **values).get)


@pytest.mark.parametrize("name", sorted(NEW_OPTIONS))
def test_defaults_and_bounds(name):
    default, low, high, env = NEW_OPTIONS[name]
    assert getattr(settings(), name) == default
    assert getattr(settings(**{name: str(high)}), name) == high
    assert getattr(settings(**{name: low}), name) == low
    for bad in (low - 1, high + 1):
        with pytest.raises(ConfigurationError, match="option '%s' must be between %d and %d, got %d" % (name, low, high, bad)):
            settings(**{name: bad})
    with pytest.raises(ConfigurationError, match="option '%s' must be a whole number" % name):
        settings(**{name: "many"})
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
