"""The arguments of the event source: the shared connection options (from the arguments or the AVEPOINT_*
variables, through CONNECTION_OPTIONS) and its own, each problem named before any request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._option_mapping import MappingOptions
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS
from ansible_collections.avepoint.graph.plugins.plugin_utils._event_args import SOURCE_OPTIONS, source_config

from collection_docs import ROOT, documentation


SECRET = "s3cr3t-value-for-the-test"
BASE = {"client_id": "11111111-2222-3333-4444-555555555555", "client_secret": SECRET}
A = "0f8fad5b-d9cb-469f-a165-70867728950e"
PLUGIN = ROOT / "extensions" / "eda" / "plugins" / "event_source" / "customer_events.py"


def problem(args, environ=None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        source_config(args, environ or {})
    assert SECRET not in str(caught.value)
    return str(caught.value)


def test_defaults():
    config = source_config(dict(BASE), {})
    assert config.interval == 300 and config.ids is None and config.state_file is None and config.recency is None
    assert config.initial_events is False
    assert config.settings.api == "partner" and config.settings.api_url == "https://graph.avepointonlineservices.com"
    assert config.settings.scope == "partner.customers.read.all"  # no recency rule: no jobs permission asked
    assert config.scope == {"api": "partner", "api_url": "https://graph.avepointonlineservices.com", "ids": None}


def test_connection_options_fall_back_to_their_environment_variables_and_empty_is_unset():
    environ = {"AVEPOINT_CLIENT_ID": BASE["client_id"], "AVEPOINT_CLIENT_SECRET": SECRET, "AVEPOINT_API": "elements",
               "AVEPOINT_TIMEOUT": "12.5", "AVEPOINT_VALIDATE_CERTS": "no", "AVEPOINT_ACCESS_TOKEN": "", "AVEPOINT_PROXY": "  "}
    settings = source_config({"timeout": 7}, environ).settings
    assert (settings.api, settings.client_secret, settings.timeout, settings.validate_certs) == ("elements", SECRET, 7.0, False)
    assert settings.access_token is None and settings.proxy is None
    # an empty argument counts as not given either: the variable is used
    assert source_config({"client_secret": "", "client_id": BASE["client_id"]}, environ).settings.client_secret == SECRET


def test_every_connection_option_falls_back_to_the_variable_of_the_table():
    environ = {entry["env"]: "value of %s" % name for name, entry in CONNECTION_OPTIONS.items()}
    options = MappingOptions({}, environ)
    for name, entry in CONNECTION_OPTIONS.items():
        assert options.get(name) == "value of %s" % name and options.variable(name) == entry["env"]
    given = MappingOptions({name: 1 for name in CONNECTION_OPTIONS}, environ)
    assert all(given.get(name) == 1 and given.variable(name) is None for name in CONNECTION_OPTIONS)
    assert MappingOptions({"interval": None}, environ).get("interval") is None  # not a connection option: no variable


def test_a_bad_value_from_the_environment_names_the_variable():
    text = problem(dict(BASE), {"AVEPOINT_TIMEOUT": "soon"})
    assert "option 'timeout' must be a number" in text and "environment variable AVEPOINT_TIMEOUT" in text
    text = problem(dict(BASE, api="graph"))
    assert "option 'api' must be one of elements, partner" in text and "environment variable" not in text


def test_secrets_never_shown():
    text = problem({"client_id": BASE["client_id"], "client_secret": SECRET, "access_token": SECRET + "-token"})
    assert "give exactly one kind of credential" in text
    text = problem(dict(BASE), {"AVEPOINT_PROXY": "user:%s@proxy.example:3128" % SECRET})
    assert "option 'proxy' must be a URL" in text and "AVEPOINT_PROXY" in text


def test_unknown_arguments_are_named_with_the_closest_valid_one():
    text = problem(dict(BASE, intervall=60, colour="red"))
    assert "'colour'" in text and "'intervall' (did you mean 'interval'?)" in text
    # ansible-rulebook's own additions are not the user's
    assert source_config(dict(BASE, eda_feedback_queue=object()), {}).interval == 300


@pytest.mark.parametrize("given, seconds", [(60, 60), (2.5, 2.5), ("90", 90), ("5m", 300), ("1h", 3600), ("PT2M", 120)])
def test_interval_in_seconds_or_as_a_duration(given, seconds):
    assert source_config(dict(BASE, interval=given), {}).interval == seconds


@pytest.mark.parametrize("given, expected", [
    (0, "between 1 and 86400 seconds"), ("2d", "between 1 and 86400 seconds"), (True, "number of seconds or a duration"),
    ("soon", "'soon'"), ([60], "number of seconds or a duration"),
])
def test_bad_intervals(given, expected):
    assert expected in problem(dict(BASE, interval=given))


def test_ids():
    upper = A.upper()
    assert source_config(dict(BASE, ids=[upper, A]), {}).ids == (A,)
    assert source_config(dict(BASE, ids="%s, 7c9e6679-7425-40de-944b-e07fc1f90ae7" % A), {}).ids == (A, "7c9e6679-7425-40de-944b-e07fc1f90ae7")
    assert "invalid customer ID in option 'ids' 'nope'" in problem(dict(BASE, ids=[A, "nope"]))
    assert "option 'ids' is empty" in problem(dict(BASE, ids=[]))
    assert "must be a list" in problem(dict(BASE, ids={"a": 1}))
    assert source_config(dict(BASE, ids=[A]), {}).scope["ids"] == [A]


def test_recency_rule_asks_for_the_jobs_permission_too():
    config = source_config(dict(BASE, last_successful_backup_within="24h"), {})
    assert config.recency.within == {"*": "24h"} and config.recency_data == {"*": "24h"}
    assert config.settings.scope == "partner.customers.read.all partner.jobs.read.all"
    assert "must be a duration with a unit" in problem(dict(BASE, last_successful_backup_within=24))
    assert "longer than zero" in problem(dict(BASE, last_successful_backup_within="0h"))


def test_per_workload_rule_reads_workloads_in_any_spelling_and_names_the_bad_one():
    config = source_config(dict(BASE, last_successful_backup_within={"exchange": "24h", "OneDrive for Business": "2d"}), {})
    assert config.recency.within == {"Exchange Online": "24h", "OneDrive": "2d"} and config.recency_data == config.recency.within
    assert config.settings.scope == "partner.customers.read.all partner.jobs.read.all"
    text = problem(dict(BASE, last_successful_backup_within={"Exchange Online": "24h", "Exchnage": "24h"}))
    assert "option 'last_successful_backup_within' names the workload 'Exchnage'" in text
    assert "known workloads" in text and "SharePoint Online" in text
    assert "option 'last_successful_backup_within'[OneDrive] must be a duration with a unit" in problem(
        dict(BASE, last_successful_backup_within={"OneDrive": 24}))
    assert "names the workload Exchange Online twice ('Exchange' and 'Exchange Online')" in problem(
        dict(BASE, last_successful_backup_within={"Exchange": "24h", "Exchange Online": "48h"}))
    assert "is an empty mapping" in problem(dict(BASE, last_successful_backup_within={}))


def test_flags_and_paths():
    assert source_config(dict(BASE, initial_events="yes", state_file=" ~/state.json "), {}).initial_events is True
    assert source_config(dict(BASE, state_file="~/state.json"), {}).state_file == "~/state.json"
    assert "option 'initial_events' must be a boolean" in problem(dict(BASE, initial_events="maybe"))
    assert "option 'state_file' must be a file path" in problem(dict(BASE, state_file=""))
    assert "must be a mapping" in problem(["interval", 5])


def test_documentation_matches_the_options():
    """DOCUMENTATION of the event source lists every argument, with the table's types, defaults, choices and variables."""
    options = documentation(PLUGIN)["options"]
    assert set(options) == set(CONNECTION_OPTIONS) | set(SOURCE_OPTIONS)
    for name, entry in CONNECTION_OPTIONS.items():
        documented = options[name]
        assert documented["type"] == entry["type"], name
        assert documented.get("choices") == entry.get("choices"), name
        default = entry.get("default")
        assert documented.get("default") == (default if not isinstance(default, float) else int(default)), name
        assert "E(%s)" % entry["env"] in " ".join(documented["description"]), name
    assert yaml_examples_name_the_source()


def yaml_examples_name_the_source() -> bool:
    text = Path(PLUGIN).read_text(encoding="utf-8")
    return bool(re.search(r"avepoint\.graph\.customer_events:", text))
