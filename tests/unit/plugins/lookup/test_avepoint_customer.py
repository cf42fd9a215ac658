"""The avepoint_customer lookup in process: option precedence, on_missing, terms, cache, errors."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ConfigurationError
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter
from ansible_collections.avepoint.graph.plugins.plugin_utils import _customer_lookup
from ansible_collections.avepoint.graph.plugins.plugin_utils._customer_lookup import (
    MissingCustomersError, cache_seconds, customer_ids_from_terms, lookup_customers)
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import FACT_OPTIONS
from ansible_collections.avepoint.graph.plugins.plugin_utils._lookup_cache import LookupCache

from fakes import API_URL, FakeTransport, TOKEN_URL, customer, response


NAME = "avepoint.graph.avepoint_customer"
IDS = ["0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "9b2d1f6e-3c4a-4e5b-8f7d-1a2b3c4d5e6f"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"
SECRET = "unit-test-client-secret-8d1f"


def loaded_lookup():
    plugin = lookup_loader.get(NAME)
    assert plugin is not None, "the lookup plugin was not found by the plugin loader"
    return plugin


def option_values(variables=None, **direct):
    plugin = loaded_lookup()
    plugin.set_options(var_options=variables or {}, direct=direct)
    return {name: plugin.get_option(name) for name in ("api_url", "timeout", "client_id", "cache_ttl", "on_missing")}


def test_defaults(ini_file, clean_env):
    ini_file()
    options = option_values()
    assert options == {"api_url": None, "timeout": 30, "client_id": None, "cache_ttl": 60, "on_missing": "error"}


def test_keyword_beats_variable_beats_environment_beats_ini(ini_file, clean_env):
    ini_file(api_url="https://ini.example.test", timeout="11", client_id="from-ini", lookup_cache_ttl="5")
    assert option_values() == {"api_url": "https://ini.example.test", "timeout": 11.0, "client_id": "from-ini",
                               "cache_ttl": 5.0, "on_missing": "error"}

    clean_env.setenv("AVEPOINT_API_URL", "https://env.example.test")
    clean_env.setenv("AVEPOINT_TIMEOUT", "12")
    clean_env.setenv("AVEPOINT_LOOKUP_CACHE_TTL", "0")
    options = option_values()
    assert (options["api_url"], options["timeout"], options["client_id"], options["cache_ttl"]) == (
        "https://env.example.test", 12.0, "from-ini", 0.0)

    variables = {"ansible_avepoint_api_url": "https://vars.example.test", "ansible_avepoint_timeout": 13}
    options = option_values(variables)
    assert (options["api_url"], options["timeout"]) == ("https://vars.example.test", 13.0)

    options = option_values(variables, api_url="https://keyword.example.test", on_missing="skip", cache_ttl=1)
    assert (options["api_url"], options["timeout"], options["on_missing"], options["cache_ttl"]) == (
        "https://keyword.example.test", 13.0, "skip", 1.0)


def test_settings_from_the_options_are_validated(ini_file, clean_env):
    ini_file(client_id="app", client_secret=SECRET)
    plugin = loaded_lookup()
    plugin.set_options(var_options={"ansible_avepoint_cloud": "us_gov"}, direct={"retries": 2})
    settings = plugin.connection_settings()
    assert (settings.api_url, settings.retries, settings.client_secret) == ("https://graph-gov.avepointonlineservices.com", 2, SECRET)
    plugin.set_options(var_options={}, direct={"api_url": "http://graph.example.test"})
    with pytest.raises(ConfigurationError, match="refusing to send credentials over plain http"):
        plugin.connection_settings()


def test_terms_are_validated_and_lists_flattened_one_level():
    assert customer_ids_from_terms([IDS[0].upper(), [IDS[1], IDS[0]], (IDS[2],)]) == [IDS[0], IDS[1], IDS[0], IDS[2]]
    with pytest.raises(ConfigurationError, match="invalid customer ID 'nope'"):
        customer_ids_from_terms([IDS[0], "nope"])
    with pytest.raises(ConfigurationError, match="a list, not a string"):
        customer_ids_from_terms([[[IDS[0]]]])
    with pytest.raises(ConfigurationError, match=r"invalid customer ID \(none\)"):
        customer_ids_from_terms([None])


@pytest.mark.parametrize("value, seconds", [(None, 60.0), (0, 0.0), ("2.5", 2.5), (86400, 86400.0)])
def test_cache_ttl(value, seconds):
    assert cache_seconds(value) == seconds


@pytest.mark.parametrize("value, message", [(-1, "between 0 and 86400"), ("soon", "number of seconds"), (True, "number of seconds")])
def test_bad_cache_ttl(value, message):
    with pytest.raises(ConfigurationError, match=message):
        cache_seconds(value)


class Service:
    """A fake API (over the scripted transport) that knows IDS; counts clients and requests."""

    def __init__(self, known=tuple(IDS), status=None):
        self.known = set(known)
        self.status = status
        self.transports = []

    def handler(self, method, url, token, body):
        if self.status:
            return response(self.status, {"message": "service trouble", "requestId": "req-7"})
        customer_id = url.rsplit("/", 1)[1]
        if customer_id == "customers":  # the list: the client's probe when every ID asked answered 404
            return response(200, {"value": [customer(known) for known in sorted(self.known)]})
        if customer_id not in self.known:
            return response(404, {"message": "Customer not found"})
        return response(200, customer(customer_id))

    def client_factory(self, settings, warn):
        transport = FakeTransport(self.handler)
        self.transports.append(transport)
        return AvePointClient(settings, warn=warn, transport=transport)

    @property
    def api_calls(self):
        return [call for transport in self.transports for call in transport.calls if not call[1].startswith(TOKEN_URL)]

    @property
    def token_requests(self):
        return sum(transport.token_requests for transport in self.transports)


def settings(**overrides):
    values = {"client_id": "app", "client_secret": SECRET, "api_url": API_URL, "token_url": TOKEN_URL, "concurrency": 4}
    values.update(overrides)
    return settings_from_getter(values.get)


def run(service, ids, cache=None, **options):
    options.setdefault("cache_ttl", 0)
    cache = LookupCache() if cache is None else cache
    return lookup_customers(ids, settings(), client_factory=service.client_factory, cache=cache, **options)


def test_one_dict_per_term_in_order_one_token_and_one_request_per_id():
    service = Service()
    facts = run(service, [IDS[2], IDS[0], IDS[2]])
    assert [f["id"] for f in facts] == [IDS[2], IDS[0], IDS[2]]
    assert facts[0] == {"id": IDS[2], "organization": "Org 9b2d", "owner_email": "owner@9b2d.example",
                        "job_status": "Working", "job_status_code": 1, "country_or_region": "Vietnam"}
    assert facts[0] is not facts[2]
    assert service.token_requests == 1 and len(service.api_calls) == 2


def test_on_missing_error_names_the_ids():
    with pytest.raises(MissingCustomersError) as error:
        run(Service(), [IDS[0], UNKNOWN])
    assert str(error.value).startswith("customer %s was not found" % UNKNOWN)
    assert "on_missing=warn" in str(error.value)
    with pytest.raises(MissingCustomersError, match="2 customers were not found \\(%s, %s\\)" % (UNKNOWN, IDS[1])):
        run(Service(known=[IDS[0]]), [UNKNOWN, IDS[0], IDS[1]])


def test_on_missing_warn_skips_with_a_warning():
    warnings = []
    facts = run(Service(), [UNKNOWN, IDS[1], UNKNOWN], on_missing="warn", warn=warnings.append)
    assert [f["id"] for f in facts] == [IDS[1]]
    assert len(warnings) == 1 and UNKNOWN in warnings[0] and "on_missing=warn" in warnings[0]


def test_on_missing_skip_is_silent():
    warnings = []
    assert run(Service(), [UNKNOWN], on_missing="skip", warn=warnings.append) == []
    assert warnings == []


def test_cache_answers_repeats_until_it_expires():
    now = [1000.0]
    cache = LookupCache(clock=lambda: now[0])
    service = Service()
    first = run(service, [IDS[0], UNKNOWN], cache=cache, cache_ttl=60, on_missing="skip")
    first[0]["organization"] = "changed by the caller"
    again = run(service, [UNKNOWN, IDS[0]], cache=cache, cache_ttl=60, on_missing="skip")
    assert [f["organization"] for f in again] == ["Org 0f8f"]  # a copy was cached, not the caller's dict
    assert len(service.api_calls) == 2 and len(service.transports) == 1  # the repeat made no client at all
    run(service, [IDS[0], IDS[1]], cache=cache, cache_ttl=60)
    assert len(service.api_calls) == 3  # only the new ID was requested
    now[0] += 61
    run(service, [IDS[0]], cache=cache, cache_ttl=60)
    assert len(service.api_calls) == 4


def test_cache_ttl_zero_turns_the_cache_off():
    cache = LookupCache()
    service = Service()
    run(service, [IDS[0]], cache=cache, cache_ttl=0)
    run(service, [IDS[0]], cache=cache, cache_ttl=0)
    assert len(service.api_calls) == 2 and len(cache) == 0


def test_a_different_credential_is_never_answered_from_the_cache():
    cache = LookupCache()
    service = Service()
    lookup_customers([IDS[0]], settings(), client_factory=service.client_factory, cache=cache, cache_ttl=60)
    lookup_customers([IDS[0]], settings(client_secret="another-secret"), client_factory=service.client_factory,
                     cache=cache, cache_ttl=60)
    lookup_customers([IDS[0]], settings(timeout=5, retries=1), client_factory=service.client_factory, cache=cache, cache_ttl=60)
    assert len(service.api_calls) == 2  # transport tuning does not change who asks


class JobsService(Service):
    """Service, plus the partner jobs endpoint: IDS[0] succeeded twice, IDS[1] only failed, IDS[2] is unknown to it."""

    JOBS = {IDS[0]: [("Finished", "2026-11-29T08:00:00Z", "Exchange Online"), ("Finished", "2026-11-28T08:00:00Z", "Exchange Online"),
                     ("Failed", "2026-11-30T08:00:00Z", "Exchange Online"), ("Failed", "2026-11-30T09:00:00Z", "OneDrive for Business")],
            IDS[1]: [("Failed", "2026-11-30T08:00:00Z", "Exchange Online")]}

    def handler(self, method, url, token, body):
        if not url.endswith("/jobs"):
            return super().handler(method, url, token, body)
        customer_id = url.rsplit("/", 2)[1]
        if customer_id not in self.JOBS:
            return response(404, {"message": "Customer not found"})
        return response(200, {"value": [
            {"jobType": "Microsoft 365", "jobModule": module, "status": status, "jobId": "J%d" % n, "name": "N/A",
             "startTime": end.replace("08:00", "07:00"), "endTime": end, "lastModifyTime": end, "jobDuration": "1h0m0s",
             "backupSize": "1 GB", "totalCount": "1", "failedCount": "0", "successfulCount": "1", "skippedCount": "0",
             "warningCount": "0"} for n, (status, end, module) in enumerate(self.JOBS[customer_id])]})


def test_last_success_is_added_on_request_with_one_client_and_kept_apart_in_the_cache():
    cache = LookupCache()
    service = JobsService()
    with_jobs = settings_from_getter({"client_id": "app", "client_secret": SECRET, "api_url": API_URL, "token_url": TOKEN_URL,
                                      "concurrency": 4}.get, ("customers", "jobs"))
    assert with_jobs.scope == "partner.customers.read.all partner.jobs.read.all"
    facts = lookup_customers(IDS, with_jobs, client_factory=service.client_factory, cache=cache, cache_ttl=60,
                             fact_options=FACT_OPTIONS[:1])
    assert [f["last_success"] for f in facts] == ["2026-11-29T08:00:00Z", None, None]  # none succeeded; unknown to the jobs API
    assert len(service.transports) == 1 and service.token_requests == 1 and len(service.api_calls) == 6
    # the same identity without the option: its own cache entries, no last_success
    plain = lookup_customers(IDS[:1], with_jobs, client_factory=service.client_factory, cache=cache, cache_ttl=60)
    assert "last_success" not in plain[0] and len(service.api_calls) == 7
    # with the option again: answered from the cache
    again = lookup_customers(IDS[:1], with_jobs, client_factory=service.client_factory, cache=cache, cache_ttl=60,
                             fact_options=FACT_OPTIONS[:1])
    assert again[0]["last_success"] == "2026-11-29T08:00:00Z" and len(service.api_calls) == 7
    assert "last_success_by_workload" not in again[0]


def test_the_last_success_of_each_workload_comes_from_the_same_jobs_read_and_is_cached_apart():
    cache = LookupCache()
    service = JobsService()
    with_jobs = settings_from_getter({"client_id": "app", "client_secret": SECRET, "api_url": API_URL, "token_url": TOKEN_URL}.get,
                                     ("customers", "jobs"))
    both = lookup_customers(IDS, with_jobs, client_factory=service.client_factory, cache=cache, cache_ttl=60,
                            fact_options=FACT_OPTIONS[:2])
    # the partner API's "OneDrive for Business" is the workload OneDrive; a customer unknown to the jobs API has none
    assert [f["last_success_by_workload"] for f in both] == [
        {"Exchange Online": "2026-11-29T08:00:00Z", "OneDrive": None}, {"Exchange Online": None}, {}]
    assert [f["last_success"] for f in both] == ["2026-11-29T08:00:00Z", None, None]
    assert len(service.api_calls) == 6  # three customers, then the jobs of each: one read for both facts
    alone = lookup_customers(IDS[:1], with_jobs, client_factory=service.client_factory, cache=cache, cache_ttl=60,
                             fact_options=FACT_OPTIONS[1:2])
    assert "last_success" not in alone[0] and alone[0]["last_success_by_workload"] == both[0]["last_success_by_workload"]
    assert len(service.api_calls) == 8  # its own cache entries


def test_the_plugin_asks_for_the_jobs_permission_and_reads_jobs_only_with_the_option(fake_service, monkeypatch):
    service, scopes = JobsService(), []

    def client_factory(settings, warn):
        scopes.append(settings.scope)
        return service.client_factory(settings, warn)
    monkeypatch.setattr(_customer_lookup, "AvePointClient", client_factory)
    assert "last_success" not in run_plugin([IDS[0]])[0]
    with pytest.raises(AnsibleLookupError, match="option 'last_success' must be a boolean"):
        run_plugin([IDS[0]], last_success="maybe")
    assert run_plugin([IDS[0]], last_success="yes")[0]["last_success"] == "2026-11-29T08:00:00Z"
    with pytest.raises(AnsibleLookupError, match="option 'last_success_by_workload' must be a boolean"):
        run_plugin([IDS[0]], last_success_by_workload="often")
    by_workload = run_plugin([IDS[0]], last_success_by_workload=True)[0]
    assert by_workload["last_success_by_workload"]["OneDrive"] is None and "last_success" not in by_workload
    assert scopes == ["partner.customers.read.all"] + ["partner.customers.read.all partner.jobs.read.all"] * 2
    assert [url.endswith("/jobs") for _method, url in service.api_calls] == [False, False, True, False, True]


@pytest.fixture
def fake_service(monkeypatch, ini_file, clean_env):
    ini_file()
    service = Service(status=None)
    monkeypatch.setattr(_customer_lookup, "AvePointClient", service.client_factory)
    return service


def run_plugin(terms, **kwargs):
    direct = {"client_id": "app", "client_secret": SECRET, "api_url": API_URL, "token_url": TOKEN_URL, "cache_ttl": 0}
    direct.update(kwargs)
    return loaded_lookup().run(terms, variables={}, **direct)


def test_plugin_returns_facts(fake_service):
    assert [f["id"] for f in run_plugin([IDS[1], [IDS[0]]])] == [IDS[1], IDS[0]]


@pytest.mark.parametrize("on_missing, expected", [("warn", [IDS[0]]), ("skip", [IDS[0]])])
def test_plugin_on_missing(fake_service, on_missing, expected):
    assert [f["id"] for f in run_plugin([IDS[0], UNKNOWN], on_missing=on_missing)] == expected


def test_plugin_errors_are_lookup_errors_without_a_chained_traceback(fake_service):
    with pytest.raises(AnsibleLookupError) as missing:
        run_plugin([UNKNOWN])
    assert "customer %s was not found" % UNKNOWN in str(missing.value)
    fake_service.status = 500
    with pytest.raises(AnsibleLookupError) as failed:
        run_plugin([IDS[0]], retries=0)
    assert "HTTP 500" in str(failed.value) and "service trouble" in str(failed.value)
    for error in (missing.value, failed.value):
        assert error.__cause__ is None and error.__suppress_context__
        assert SECRET not in str(error)


def test_plugin_refuses_a_bad_id_before_building_a_client(fake_service):
    with pytest.raises(AnsibleLookupError, match="invalid customer ID '../partner/customers'"):
        run_plugin([IDS[0], "../partner/customers"])
    assert fake_service.transports == []


def test_plugin_refuses_an_unknown_on_missing_before_building_a_client(fake_service):
    with pytest.raises(AnsibleLookupError, match="option 'on_missing' must be one of error, warn, skip, got 'ignore'"):
        run_plugin([IDS[0]], on_missing="ignore")
    assert fake_service.transports == []
