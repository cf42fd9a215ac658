"""A corpus of bad inputs that every consumer of the API layer must reject before any request.

Each case is plain data: the customer IDs asked for, the connection options set (or removed),
environment variables, and the substrings the error message must contain. A consumer
(module, lookup, inventory, role) turns a case into its own input with a small adapter:
``module_args`` below for ``avepoint.graph.avepoint_customer_info``; the lookup, inventory and
role adapters live in their test files (test_bad_input_<consumer>.py). Cases that concern one
consumer only (its own options) carry them in ``consumer_args`` and name that consumer.
The module, lookup and inventory run every case in-process (in_process.py); the role and one
real ansible-playbook / ansible-inventory run per consumer run a few of each kind.

Option values may contain ``{api_url}``, ``{token_url}`` and ``{api_host}`` placeholders: the
adapter fills them from the simulator, so a case that slipped through validation would show
up in the simulator's request counters instead of going to the internet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from ansible.release import __version__ as CORE_VERSION

MODULE = "module"
LOOKUP = "lookup"
INVENTORY = "inventory"
ROLE = "role"
ALL_CONSUMERS = frozenset((MODULE, LOOKUP, INVENTORY, ROLE))

VALID_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
SECOND_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

NOT_PEM_FILE = os.path.abspath(__file__)  # a readable file that is no certificate or key
UNSET = "__unset__"  # an option value that removes the option from the base connection options

CORE_BEFORE_219 = tuple(int(part) for part in CORE_VERSION.split(".")[:2]) < (2, 19)

ID_ERROR = "invalid customer ID"
# How each consumer words "this is not a customer ID" (the inventory reads IDs from host variables).
ID_ERROR_FOR = {INVENTORY: "is not a customer ID (expected a GUID)"}


@dataclass(frozen=True)
class BadInput:
    name: str
    expect: tuple[str, ...]  # substrings the error message must contain (case-sensitive)
    ids: tuple[Any, ...] = (VALID_ID,)  # the customer IDs asked for, in the consumer's own way
    options: Mapping[str, Any] = field(default_factory=dict)  # connection option overrides
    env: Mapping[str, str] = field(default_factory=dict)  # AVEPOINT_* environment variables
    module_only: Mapping[str, Any] = field(default_factory=dict)  # raw module arguments replacing ``ids``
    consumers: frozenset = ALL_CONSUMERS
    # Where a consumer's framework words the error differently (e.g. Ansible's option type checks).
    expect_for: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The consumer's own arguments (lookup keywords, inventory file keys, role variables).
    consumer_args: Mapping[str, Any] = field(default_factory=dict)
    # Where ansible-core before 2.19 rejects the value itself, in its own words, before our code runs.
    expect_before_219: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def expected(self, consumer: str) -> tuple[str, ...]:
        if CORE_BEFORE_219 and consumer in self.expect_before_219:
            return self.expect_before_219[consumer]
        if consumer in self.expect_for:
            return self.expect_for[consumer]
        wording = ID_ERROR_FOR.get(consumer, ID_ERROR)
        return tuple(wording if fragment == ID_ERROR else fragment for fragment in self.expect)


def _ids(name: str, *ids: Any, expect: Optional[tuple[str, ...]] = None, **expect_for: tuple[str, ...]) -> BadInput:
    return BadInput(name, expect or (ID_ERROR,), ids=ids, expect_for=expect_for)


def _option(name: str, expect: tuple[str, ...], **options: Any) -> BadInput:
    return BadInput(name, expect, options=options)


def _module(name: str, expect: tuple[str, ...], **module_only: Any) -> BadInput:
    return BadInput(name, expect, module_only=module_only, consumers=frozenset((MODULE,)))


# Customer IDs: nothing but a GUID may reach a URL path.
BAD_IDS = [
    _ids("not_a_guid", "not-a-guid", expect=(ID_ERROR, "not-a-guid")),
    _ids("path_traversal", "../x", expect=(ID_ERROR, "../x")),
    _ids("traversal_after_guid", VALID_ID + "/../../customers", expect=(ID_ERROR, "/../../customers")),
    _ids("encoded_traversal", "%2e%2e", expect=(ID_ERROR, "%2e%2e")),
    _ids("encoded_slashes", "..%2f..%2fpartner%2fcustomers", expect=(ID_ERROR, "%2f")),
    _ids("query_injection", VALID_ID + "?$filter=organization eq 'x'", expect=(ID_ERROR, "$filter")),
    _ids("query_only", "?$top=1000", expect=(ID_ERROR, "$top")),
    _ids("fragment", VALID_ID + "#x", expect=(ID_ERROR, "#x")),
    _ids("header_injection", VALID_ID + "\r\nX-Injected: 1", expect=(ID_ERROR, "\\r\\nX-Injected")),
    _ids("nul_byte", VALID_ID + "\x00", expect=(ID_ERROR, "\\x00")),
    _ids("empty_string", "", expect=(ID_ERROR, "empty string")),
    _ids("blank", "   ", expect=(ID_ERROR, "'   '")),
    # An inventory host whose ID variable is null has no ID: a warning that no host has one, no request.
    # Before 2.19, ansible-core's argument checks of the module and the role reject a null ID first.
    BadInput("null", (ID_ERROR,), ids=(None,),
             expect_for={INVENTORY: ("no host defined by earlier inventory sources has the variable",)},
             expect_before_219={MODULE: ("'ids'", "NoneType"), ROLE: ("'id'", "NoneType", "customer_compliance_expected")}),
    _ids("integer", 12345, expect=(ID_ERROR, "12345")),
    _ids("float", 1.5, expect=(ID_ERROR, "1.5")),
    _ids("boolean", True, expect=(ID_ERROR, "True")),
    _ids("very_long", "a" * 10000, expect=(ID_ERROR, "(10000 characters)")),
    _ids("guid_repeated", VALID_ID * 3, expect=(ID_ERROR, "characters)")),
    # Look-alikes: a Cyrillic 'a', full-width zero, a zero-width space; shown escaped so they are visible.
    _ids("cyrillic_lookalike", VALID_ID.replace("a", "\u0430", 1), expect=(ID_ERROR, "\\u0430")),
    _ids("fullwidth_digit", "\uff10" + VALID_ID[1:], expect=(ID_ERROR, "\\uff10")),
    _ids("zero_width_space", VALID_ID[:8] + "\u200b" + VALID_ID[8:], expect=(ID_ERROR, "\\u200b")),
    _ids("braced_guid", "{%s}" % VALID_ID, expect=(ID_ERROR, "{%s}" % VALID_ID)),
    _ids("guid_without_dashes", VALID_ID.replace("-", ""), expect=(ID_ERROR, VALID_ID.replace("-", ""))),
    # One bad ID among good ones: still nothing is requested.
    _ids("bad_among_good", VALID_ID, SECOND_ID, "bad-id", expect=(ID_ERROR, "bad-id")),
]

# Connection options: checked once in the shared layer, for every consumer.
BAD_OPTIONS = [
    _option("unknown_cloud", ("cloud", "mars"), cloud="mars"),
    _option("unknown_api", ("api", "graphql"), api="graphql"),
    _option("timeout_zero", ("timeout", "between"), timeout=0),
    _option("timeout_negative", ("timeout", "between", "-5"), timeout=-5),
    _option("timeout_not_a_number", ("timeout",), timeout="soon"),
    _option("concurrency_zero", ("concurrency", "between 1 and 64"), concurrency=0),
    _option("concurrency_negative", ("concurrency", "between 1 and 64"), concurrency=-4),
    _option("concurrency_too_high", ("concurrency", "between 1 and 64"), concurrency=1000),
    _option("retries_negative", ("retries", "between 0 and 20"), retries=-1),
    _option("retries_too_high", ("retries", "between 0 and 20"), retries=1000),
    _option("max_pages_zero", ("max_pages", "between 1 and 100000"), max_pages=0),
    _option("max_pages_not_a_number", ("max_pages",), max_pages="endless"),
    _option("batch_size_too_high", ("batch_size", "between 1 and 1000"), batch_size=5000),
    _option("two_credential_kinds", ("exactly one kind of credential", "client_secret and access_token"),
            access_token="an-access-token-value"),
    _option("no_credential", ("no credential given",), client_secret=UNSET),
    _option("empty_secret", ("no credential given",), client_secret=""),
    _option("secret_without_client_id", ("client_id is missing",), client_id=UNSET),
    _option("secret_and_certificate", ("exactly one kind of credential", "certificate_path"),
            certificate_path="/nonexistent/app.pem", private_key_path="/nonexistent/app.key"),
    _option("key_without_certificate", ("certificate_path is missing",), client_secret=UNSET, private_key_path="/nonexistent/app.key"),
    _option("certificate_unreadable", ("certificate_path", "not a readable file"),
            client_secret=UNSET, certificate_path="/nonexistent/app.pem", private_key_path="/nonexistent/app.key"),
    _option("certificate_not_pem", ("certificate_path", "not a PEM certificate"),
            client_secret=UNSET, certificate_path=NOT_PEM_FILE, private_key_path=NOT_PEM_FILE),
    _option("ca_path_missing", ("ca_path", "not a readable file"), ca_path="/nonexistent/avepoint-ca.pem"),
    _option("ca_path_directory", ("ca_path", "not a readable file"), ca_path="/"),
    _option("ca_path_not_pem", ("ca_path", "holds no PEM certificate"), ca_path="/etc/passwd"),
    _option("api_url_with_path", ("api_url", "without a path"), api_url="{api_url}/partner/customers"),
    _option("api_url_with_query", ("api_url", "query"), api_url="{api_url}/?$filter=x"),
    _option("api_url_with_user", ("api_url", "must not contain user credentials"), api_url="http://user:pw@{api_host}"),
    _option("api_url_without_scheme", ("api_url", "https://"), api_url="{api_host}"),
    _option("api_url_ftp", ("api_url", "https://"), api_url="ftp://{api_host}"),
    _option("api_url_plain_http_remote", ("plain http", "graph.example-msp.invalid", "api_url"),
            api_url="http://graph.example-msp.invalid"),
    _option("token_url_plain_http_remote", ("plain http", "identity.example-msp.invalid", "token_url"),
            token_url="http://identity.example-msp.invalid/connect/token"),
    _option("proxy_without_scheme", ("proxy", "must be a URL"), proxy="proxy.example-msp.invalid:3128"),
    # A proxy value is a secret (it may hold a password): refused without being shown (test_secrets_spellings.py
    # checks that the password appears nowhere), and plain http through a proxy off loopback is refused.
    _option("proxy_password_without_scheme", ("option 'proxy' must be a URL with a scheme", "not shown"),
            proxy="alice:Pr0xyPa55@proxy.example-msp.invalid:3128"),
    _option("plain_http_through_remote_proxy", ("plain http through the proxy 'proxy.example-msp.invalid:3128'", "in clear"),
            proxy="http://proxy.example-msp.invalid:3128"),
    _option("total_timeout_zero", ("total_timeout", "between 1 and 86400"), total_timeout=0),
    _option("total_timeout_not_a_number", ("total_timeout",), total_timeout="soon"),
    _option("scope_too_long", ("scope", "300"), scope="partner.customers.read.all " + "x" * 300),
    _option("validate_certs_not_bool", ("validate_certs",), validate_certs="maybe"),
    # The same checks apply to values from the environment: a task's `environment:` for the module and
    # the role, the environment of the controller process for the plugins (set per case in-process).
    BadInput("env_timeout_negative", ("timeout", "between"), env={"AVEPOINT_TIMEOUT": "-1"}),
    BadInput("env_unknown_cloud", ("cloud", "mars"), env={"AVEPOINT_CLOUD": "mars"}),
    BadInput("env_second_credential", ("exactly one kind of credential", "AVEPOINT_"),
             env={"AVEPOINT_ACCESS_TOKEN": "an-access-token-value"}),
]

# The environment of the HTTP layer, not an option of ours: a proxy from HTTP_PROXY would see a plain-http
# request, credentials included.
BAD_ENVIRONMENT = [
    BadInput("env_proxy_for_plain_http", ("plain http through the proxy 'proxy.example-msp.invalid:3128'", "HTTP_PROXY"),
             env={"HTTP_PROXY": "http://proxy.example-msp.invalid:3128", "NO_PROXY": ""}),
]

# Module arguments of avepoint_customer_info (replace ``ids``).
BAD_MODULE_ARGS = [
    _module("id_with_ids", ("mutually exclusive", "id", "ids"), id=VALID_ID, ids=[VALID_ID]),
    _module("id_empty", (ID_ERROR, "empty string"), id=""),
    _module("id_number", (ID_ERROR, "42"), id=42),
    _module("id_list", (ID_ERROR,), id=[VALID_ID]),
    _module("id_traversal", (ID_ERROR, "../../partner"), id="../../partner"),
    _module("ids_not_a_list_of_ids", (ID_ERROR, "a=b"), ids="a=b"),
    _module("unknown_argument", ("Unsupported parameters", "customer_ids"), customer_ids=[VALID_ID]),
]


def _own(consumer: str, name: str, expect: tuple[str, ...], ids: tuple[Any, ...] = (VALID_ID,), **consumer_args: Any) -> BadInput:
    return BadInput(name, expect, ids=ids, consumer_args=consumer_args, consumers=frozenset((consumer,)))


# Options of the avepoint_customer lookup (keyword arguments).
BAD_LOOKUP_ARGS = [
    _own(LOOKUP, "lookup_on_missing_unknown", ("on_missing", "bogus"), on_missing="bogus"),
    _own(LOOKUP, "lookup_cache_ttl_negative", ("cache_ttl", "between 0 and"), cache_ttl=-1),
    _own(LOOKUP, "lookup_cache_ttl_too_long", ("cache_ttl", "between 0 and"), cache_ttl=10 ** 9),
    _own(LOOKUP, "lookup_cache_ttl_not_a_number", ("cache_ttl", "soon"), cache_ttl="soon"),
    _own(LOOKUP, "lookup_term_is_a_dict", (ID_ERROR, "a dict, not a string"), ids=({"id": VALID_ID},)),
    _own(LOOKUP, "lookup_nested_list_term", (ID_ERROR, "a list, not a string"), ids=([VALID_ID],)),
]

# Keys of an avepoint_customers inventory file.
BAD_INVENTORY_ARGS = [
    _own(INVENTORY, "inventory_mode_unknown", ("mode", "bogus"), mode="bogus"),
    _own(INVENTORY, "inventory_hostname_unknown", ("hostname", "fqdn"), hostname="fqdn"),
    BadInput("inventory_filters_not_a_dict", ("filters", "'dict'", "Working"), consumer_args={"filters": "Working"},
             consumers=frozenset((INVENTORY,)), expect_before_219={INVENTORY: ("filters", "dictionary", "Working")}),
    _own(INVENTORY, "inventory_filter_unknown_key", ("filters", "status"), filters={"status": ["Working"]}),
    _own(INVENTORY, "inventory_customer_id_var_not_a_name", ("customer_id_var", "variable name", "customer id"),
         mode="enrich", customer_id_var="customer id"),
    _own(INVENTORY, "inventory_validate_certs_template", ("validate_certs", "boolean", "maybe"), validate_certs="{{ 'may' ~ 'be' }}"),
]

# Variables of the customer_compliance role (test_compliance_role.py has more declaration cases).
BAD_ROLE_ARGS = [
    _own(ROLE, "role_expected_not_a_list", ("customer_compliance_expected",), customer_compliance_expected={"id": VALID_ID}),
    _own(ROLE, "role_entry_not_a_dict", ("customer_compliance_expected",), customer_compliance_expected=["contoso"]),
    _own(ROLE, "role_entry_without_id", ("customer_compliance_expected", "id"), customer_compliance_expected=[{"name": "Contoso"}]),
    _own(ROLE, "role_entry_name_not_a_string", ("customer_compliance_expected[0].name",),
         customer_compliance_expected=[{"id": VALID_ID, "name": ["Contoso"]}]),
    _own(ROLE, "role_defaults_not_a_dict", ("customer_compliance_defaults",), customer_compliance_defaults="Working"),
    _own(ROLE, "role_fail_on_drift_not_bool", ("customer_compliance_fail_on_drift",), customer_compliance_fail_on_drift="maybe"),
    _own(ROLE, "role_country_aliases_not_a_dict", ("customer_compliance_country_aliases",),
         customer_compliance_country_aliases=["Viet Nam"]),
    _own(ROLE, "role_allow_empty_not_bool", ("customer_compliance_allow_empty",), customer_compliance_allow_empty="maybe"),
]

ALL_CASES = BAD_IDS + BAD_OPTIONS + BAD_ENVIRONMENT + BAD_MODULE_ARGS + BAD_LOOKUP_ARGS + BAD_INVENTORY_ARGS + BAD_ROLE_ARGS


def cases_for(consumer: str) -> list[BadInput]:
    return [case for case in ALL_CASES if consumer in case.consumers]


def named(cases: list[BadInput], *names: str) -> list[BadInput]:
    """The cases called ``names``, in that order (a sample for a real ansible run)."""
    by_name = {case.name: case for case in cases}
    return [by_name[name] for name in names]


def assert_names_the_problem(case: BadInput, consumer: str, message: Optional[str], limit: int = 600) -> None:
    """``message`` (what the user is shown) names the problem of ``case``, readably and without a traceback."""
    assert message, "no error or warning for %s" % case.name
    for fragment in case.expected(consumer):
        assert fragment in message, "%r not in %r" % (fragment, message[:1500])
    assert "Traceback" not in message
    assert len(message) < limit, "an error message should stay readable: %d characters" % len(message)


def assert_no_request(sim: Any) -> None:
    """The simulator saw no connection at all: not even a token request."""
    counters = sim.counters()
    assert counters["connections"] == 0 and counters["token_requests"] == 0 and counters["api_requests"] == 0, counters


def render(value: Any, context: Mapping[str, str]) -> Any:
    """Fill the ``{api_url}``-style placeholders of an option value."""
    if isinstance(value, str) and "{" in value:
        return value.format_map(dict(context))
    return value


def connection_options(case: BadInput, base: Mapping[str, Any], context: Mapping[str, str]) -> dict[str, Any]:
    """``base`` connection options with the case's overrides applied (UNSET removes one)."""
    options = dict(base)
    for name, value in case.options.items():
        if value == UNSET:
            options.pop(name, None)
        else:
            options[name] = render(value, context)
    return options


def module_args(case: BadInput, base: Mapping[str, Any], context: Mapping[str, str]) -> dict[str, Any]:
    """Arguments of avepoint_customer_info for a case."""
    args = connection_options(case, base, context)
    if case.module_only:
        args.update(case.module_only)
    else:
        args["ids"] = list(case.ids)
    return args


def simulator_options(sim: Any, client_id: str, client_secret: str) -> dict[str, Any]:
    """Base connection options: the simulator's URLs and its test app's credentials."""
    return {"api_url": sim.url, "token_url": sim.token_url, "client_id": client_id, "client_secret": client_secret}


def simulator_placeholders(sim: Any) -> dict[str, str]:
    """Values for the ``{api_url}``, ``{token_url}`` and ``{api_host}`` placeholders."""
    return {"api_url": sim.url, "token_url": sim.token_url, "api_host": urlsplit(sim.url).netloc}
