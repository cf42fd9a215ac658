# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: defined once, validated once, for modules and plugins alike.

Modules read options from ``module.params`` (environment variables arrive through
``env_fallback``); plugins read them from ``get_option`` (``env``/``ini``/``vars`` come
from the doc fragment), which hands booleans, paths and choices over as given (see
``plugins/doc_fragments/connection.py``). Both hand a getter to :func:`settings_from_getter`,
so every check and default below applies identically everywhere: strict booleans, choices
listed in the error, empty text counted as not set, numbers within range.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ._clouds import API_SCOPES, CLOUDS, MAX_SCOPE_LENGTH, READS_CUSTOMERS, default_scope
from ._errors import ConfigurationError
from ._redaction import MASK, proxy_secrets
from ._shown import origin

OptionGetter = Callable[[str], Any]
# Where an option's value came from, as a message names it (an environment variable...), or None.
OptionSource = Callable[[str], Optional[str]]

DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 64
# Paging and batching limits the AvePoint documentation leaves open (docs/api-migration.md).
DEFAULT_MAX_PAGES = 1000
MAX_MAX_PAGES = 100000
DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 1000
DEFAULT_TOTAL_TIMEOUT = 300.0
MAX_TOTAL_TIMEOUT = 86400.0

# name -> argument spec entry plus the environment variable it falls back to.
CONNECTION_OPTIONS: dict[str, dict[str, Any]] = {
    "cloud": {"type": "str", "default": "commercial", "choices": sorted(CLOUDS), "env": "AVEPOINT_CLOUD"},
    "api_url": {"type": "str", "env": "AVEPOINT_API_URL"},
    "token_url": {"type": "str", "no_log": False, "env": "AVEPOINT_TOKEN_URL"},  # a URL, not a secret
    "client_id": {"type": "str", "env": "AVEPOINT_CLIENT_ID"},
    "client_secret": {"type": "str", "no_log": True, "env": "AVEPOINT_CLIENT_SECRET"},
    "certificate_path": {"type": "path", "env": "AVEPOINT_CERTIFICATE_PATH"},
    "private_key_path": {"type": "path", "env": "AVEPOINT_PRIVATE_KEY_PATH"},
    "private_key_passphrase": {"type": "str", "no_log": True, "env": "AVEPOINT_PRIVATE_KEY_PASSPHRASE"},
    "access_token": {"type": "str", "no_log": True, "env": "AVEPOINT_ACCESS_TOKEN"},
    "api": {"type": "str", "default": "partner", "choices": sorted(API_SCOPES), "env": "AVEPOINT_API"},
    "scope": {"type": "str", "env": "AVEPOINT_SCOPE"},
    "validate_certs": {"type": "bool", "default": True, "env": "AVEPOINT_VALIDATE_CERTS"},
    "ca_path": {"type": "path", "env": "AVEPOINT_CA_PATH"},
    "timeout": {"type": "float", "default": 30.0, "env": "AVEPOINT_TIMEOUT"},
    "retries": {"type": "int", "default": 5, "env": "AVEPOINT_RETRIES"},
    "proxy": {"type": "str", "no_log": True, "env": "AVEPOINT_PROXY"},  # may carry a proxy password
    "concurrency": {"type": "int", "default": DEFAULT_CONCURRENCY, "env": "AVEPOINT_CONCURRENCY"},
    "max_pages": {"type": "int", "default": DEFAULT_MAX_PAGES, "env": "AVEPOINT_MAX_PAGES"},
    "batch_size": {"type": "int", "default": DEFAULT_BATCH_SIZE, "env": "AVEPOINT_BATCH_SIZE"},
    "total_timeout": {"type": "float", "default": DEFAULT_TOTAL_TIMEOUT, "env": "AVEPOINT_TOTAL_TIMEOUT"},
}
# Options whose values are never shown in a message (Ansible masks them in module output only).
SECRET_OPTIONS = frozenset(name for name, entry in CONNECTION_OPTIONS.items() if entry.get("no_log"))


def unknown_source(name: str) -> Optional[str]:  # pylint: disable=unused-argument
    """Where a value came from when the caller cannot tell (a module: env_fallback does not say)."""
    return None


def module_argument_spec() -> dict[str, dict[str, Any]]:
    """Argument spec entries for modules, with environment variable fallbacks."""
    spec = {}
    for name, entry in CONNECTION_OPTIONS.items():
        option = {key: value for key, value in entry.items() if key != "env"}
        option["fallback"] = (env_fallback, [entry["env"]])
        spec[name] = option
    return spec


@dataclass(frozen=True)
class ConnectionSettings:
    """Validated connection settings; ``repr`` never shows a secret."""

    api: str
    api_url: str
    token_url: str
    scope: str
    cloud: str = "commercial"  # the URLs above are what it selected (or the overrides)
    client_id: Optional[str] = None
    client_secret: Optional[str] = field(default=None, repr=False)
    access_token: Optional[str] = field(default=None, repr=False)
    validate_certs: bool = True
    ca_path: Optional[str] = None
    timeout: float = 30.0
    retries: int = 5
    proxy: Optional[str] = field(default=None, repr=False)
    concurrency: int = DEFAULT_CONCURRENCY
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    certificate_path: Optional[str] = None
    private_key_path: Optional[str] = None
    private_key_passphrase: Optional[str] = field(default=None, repr=False)
    max_pages: int = DEFAULT_MAX_PAGES
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value these settings hold, for redaction."""
        values = (self.client_secret, self.access_token, self.private_key_passphrase, *proxy_secrets(self.proxy))
        return tuple(value for value in values if value)

    @property
    def credential_kind(self) -> str:
        """``client_secret``, ``certificate`` or ``access_token``: the one credential given."""
        if self.access_token:
            return "access_token"
        return "certificate" if self.certificate_path else "client_secret"

    @property
    def verify(self) -> Any:
        """The ``verify`` argument for requests: a CA bundle path or a bool."""
        if not self.validate_certs:
            return False
        return self.ca_path or True


def settings_from_module(module: Any, reads: Sequence[str] = READS_CUSTOMERS) -> ConnectionSettings:
    """Adapter for modules: options come from ``module.params``."""
    return settings_from_getter(module.params.get, reads)


def settings_from_getter(get: OptionGetter, reads: Sequence[str] = READS_CUSTOMERS,
                         source: Optional[OptionSource] = None) -> ConnectionSettings:
    """Validate every connection option; raise ConfigurationError naming the first problem.

    ``reads`` names the kinds of data the consumer reads (``customers``, ``jobs``): without a
    ``scope`` option the token asks for exactly the permissions they need on the chosen API.
    ``source`` names where a value came from, for the errors of booleans and choices.
    """
    where = source or unknown_source
    cloud = _choice(get, "cloud", sorted(CLOUDS), where)
    api = _choice(get, "api", sorted(API_SCOPES), where)
    endpoints = CLOUDS[cloud]
    api_url = _url(_text(get, "api_url") or endpoints.api_url, "api_url", allow_path=False)
    token_url = _url(_text(get, "token_url") or endpoints.token_url, "token_url", allow_path=True)
    scope = _scope(_text(get, "scope") or default_scope(api, reads))

    client_id = _text(get, "client_id")
    client_secret = _text(get, "client_secret")
    access_token = _text(get, "access_token")
    certificate_path = _path(get, "certificate_path")
    private_key_path = _path(get, "private_key_path")
    _check_credentials(client_id, client_secret, access_token, certificate_path, private_key_path)
    # The passphrase only matters for a certificate; a leftover environment variable is ignored otherwise.
    passphrase = _raw(get, "private_key_passphrase") if certificate_path else None
    if passphrase is not None and not isinstance(passphrase, str):
        raise ConfigurationError("option 'private_key_passphrase' must be a string, got a %s" % type(passphrase).__name__)

    ca_path = _path(get, "ca_path")
    if ca_path:
        _check_ca_bundle(ca_path)

    return ConnectionSettings(
        cloud=cloud,
        api=api,
        api_url=api_url,
        token_url=token_url,
        scope=scope,
        client_id=client_id,
        client_secret=client_secret,
        access_token=access_token,
        validate_certs=checked_boolean("validate_certs", _raw(get, "validate_certs"), where),
        ca_path=ca_path,
        timeout=_number(get, "timeout", float, minimum=0.001, maximum=3600),
        retries=int(_number(get, "retries", int, minimum=0, maximum=20)),
        proxy=_proxy(_text(get, "proxy"), api_url, token_url),
        concurrency=int(_number(get, "concurrency", int, minimum=1, maximum=MAX_CONCURRENCY)),
        total_timeout=_number(get, "total_timeout", float, minimum=1, maximum=MAX_TOTAL_TIMEOUT),
        certificate_path=certificate_path,
        private_key_path=private_key_path,
        private_key_passphrase=passphrase or None,
        max_pages=int(_number(get, "max_pages", int, minimum=1, maximum=MAX_MAX_PAGES)),
        batch_size=int(_number(get, "batch_size", int, minimum=1, maximum=MAX_BATCH_SIZE)),
    )


def _default(name: str) -> Any:
    return CONNECTION_OPTIONS[name].get("default")


def _raw(get: OptionGetter, name: str) -> Any:
    """The value as given; empty text counts as not set (AWX / AAP credential types and CI systems
    export every variable they know, empty or not)."""
    value = get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return _default(name)
    return value


def _text(get: OptionGetter, name: str) -> Optional[str]:
    value = _raw(get, name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigurationError("option '%s' must be a string, got %s" % (name, type(value).__name__))
    value = value.strip()
    return value or None


def _path(get: OptionGetter, name: str) -> Optional[str]:
    value = _text(get, name)
    return os.path.expanduser(value) if value else None


def _choice(get: OptionGetter, name: str, choices: list[str], where: OptionSource) -> str:
    return checked_choice(name, _text(get, name), choices, where)


def _label(name: str, source: Optional[str] = None) -> str:
    """An option as messages name it, with where its value came from when that is known."""
    return "option '%s'" % name if source is None else "option '%s' (%s)" % (name, source)


def checked_choice(name: str, value: Any, choices: Sequence[Any], where: OptionSource = unknown_source) -> Any:
    """``value`` if it is one of ``choices``; else a ConfigurationError that lists them."""
    try:
        known = value in choices
    except TypeError:  # an unhashable value
        known = False
    if not known:
        raise ConfigurationError("%s must be one of %s, got %s" % (
            _label(name, where(name)), ", ".join(str(choice) for choice in choices), shown_value(name, value)))
    return value


def parse_boolean(value: Any) -> Optional[bool]:
    """``value`` as a bool in Ansible's own vocabulary (yes/no, true/false, on/off, 1/0, y/n, t/f, any
    letter case), or None when it is not a boolean; the one place booleans are parsed."""
    if isinstance(value, bool):
        return value
    normalized = value.strip().lower() if isinstance(value, str) else value
    try:
        if normalized in BOOLEANS_TRUE:
            return True
        if normalized in BOOLEANS_FALSE:
            return False
    except TypeError:  # unhashable, such as a list
        pass
    return None


def checked_boolean(name: str, value: Any, where: OptionSource = unknown_source) -> bool:
    """``value`` as a bool; anything else is a ConfigurationError (Ansible's own conversion would make it False)."""
    boolean = parse_boolean(value)
    if boolean is None:
        raise ConfigurationError("%s must be a boolean (true or false), got %s" % (_label(name, where(name)), shown_value(name, value)))
    return boolean


def _number(get: OptionGetter, name: str, kind: type, minimum: float, maximum: float) -> float:
    value = _raw(get, name)
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigurationError(
            "option '%s' must be a %s, got %s" % (name, "number" if kind is float else "whole number", shown_value(name, value))
        )
    if not minimum <= number <= maximum:
        raise ConfigurationError(
            "option '%s' must be between %s and %s, got %s" % (name, _plain(minimum), _plain(maximum), _plain(number))
        )
    return number


def _url(value: str, name: str, allow_path: bool) -> str:
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigurationError("option '%s' is not a valid URL (%s)" % (name, exc))
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigurationError("option '%s' must be an absolute https:// URL, got %s" % (name, shown_value(name, value)))
    if parts.username or parts.password:
        raise ConfigurationError("option '%s' must not contain user credentials" % name)
    if parts.query or parts.fragment:
        raise ConfigurationError("option '%s' must not contain a query or fragment, got %s" % (name, shown_value(name, value)))
    if not allow_path and parts.path not in ("", "/"):
        raise ConfigurationError(
            "option '%s' must be the API base URL without a path (e.g. https://graph.avepointonlineservices.com), got %s"
            % (name, shown_value(name, value))
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigurationError(
            "refusing to send credentials over plain http to '%s' (option '%s'): use https; "
            "plain http is allowed only to loopback addresses such as the bundled simulator" % (host, name)
        )
    return value.rstrip("/") if not allow_path else value


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP addresses (where plain http cannot be sniffed)."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _scope(scope: str) -> str:
    if len(scope) > MAX_SCOPE_LENGTH:
        raise ConfigurationError("option 'scope' is longer than %d characters" % MAX_SCOPE_LENGTH)
    return " ".join(scope.split())


def _check_ca_bundle(path: str) -> None:
    """A CA bundle that is not PEM would only fail later, as a puzzling TLS error."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024 * 1024)
    except OSError:
        raise ConfigurationError("ca_path '%s' is not a readable file" % path) from None
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise ConfigurationError("ca_path '%s' holds no PEM certificate (-----BEGIN CERTIFICATE-----)" % path)


def _proxy(proxy: Optional[str], *urls: str) -> Optional[str]:
    """The proxy URL; its value is never shown, since it may hold a password."""
    if proxy is None:
        return None
    try:
        parts = urlsplit(proxy)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host = None
    if parts.scheme not in PROXY_SCHEMES or not host:
        raise ConfigurationError(
            "option 'proxy' must be a URL with a scheme (%s), such as http://proxy.example:3128; "
            "the value given is not shown, as it may hold a password" % ", ".join(PROXY_SCHEMES)
        )
    check_plain_http_proxy(proxy_label(proxy), host, urls, "option 'proxy'")
    return proxy


PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def check_plain_http_proxy(label: str, host: str, urls: Any, source: str) -> None:
    """A plain-http request through a proxy elsewhere would show the proxy the secret and the token in clear."""
    if is_loopback(host):
        return
    for url in urls:
        if urlsplit(url).scheme == "http":
            raise ConfigurationError(
                "refusing to send credentials over plain http through the proxy %s (%s): %s is a plain http:// URL, so the "
                "proxy would see the client secret and the bearer token in clear; use https, or no proxy for loopback "
                "addresses (NO_PROXY=127.0.0.1,localhost)" % (label, source, origin(url))
            )


def proxy_label(proxy: str) -> str:
    """A proxy as messages name it: host and port only, never its credentials (nor its whole value, which
    Ansible would mask in module output, as it is a no_log option)."""
    parts = urlsplit(proxy)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or "?"
    host = "[%s]" % host if ":" in host else host
    return "'%s:%d'" % (host, port) if port else "'%s'" % host


def _check_credentials(
    client_id: Optional[str],
    client_secret: Optional[str],
    access_token: Optional[str],
    certificate_path: Optional[str] = None,
    private_key_path: Optional[str] = None,
) -> None:
    kinds = []
    if client_secret:
        kinds.append("client_secret")
    if certificate_path or private_key_path:
        kinds.append("certificate_path" if certificate_path else "private_key_path")
    if access_token:
        kinds.append("access_token")
    if len(kinds) > 1:
        raise ConfigurationError(
            "give exactly one kind of credential, not %s (check the AVEPOINT_* environment variables too)"
            % " and ".join(kinds)
        )
    if not kinds:
        raise ConfigurationError(
            "no credential given: set client_id and client_secret (or AVEPOINT_CLIENT_ID and "
            "AVEPOINT_CLIENT_SECRET), client_id with certificate_path and private_key_path "
            "(AVEPOINT_CERTIFICATE_PATH, AVEPOINT_PRIVATE_KEY_PATH), or access_token (AVEPOINT_ACCESS_TOKEN)"
        )
    if kinds[0] in ("certificate_path", "private_key_path"):
        for name, value in (("certificate_path", certificate_path), ("private_key_path", private_key_path)):
            if not value:
                raise ConfigurationError(
                    "certificate authentication needs both certificate_path and private_key_path, but %s is missing "
                    "(option %s or AVEPOINT_%s)" % (name, name, name.upper())
                )
    if kinds[0] != "access_token" and not client_id:
        raise ConfigurationError("%s is set but client_id is missing (option client_id or AVEPOINT_CLIENT_ID)" % kinds[0])


def shown_value(name: str, value: Any, limit: int = 60) -> str:
    """An option value as messages show it: never the value of a no_log option, never the user
    name and password of something that looks like a URL, and cut to ``limit`` characters."""
    if name in SECRET_OPTIONS:
        return "a value that is not shown (it is a secret)"
    if isinstance(value, str):
        value = _USERINFO.sub(lambda match: match.group(1) + MASK + "@", value)
        if len(value) > limit:
            value = value[:limit] + "..."
    return repr(value)


_USERINFO = re.compile(r"\A(\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?)[^/?#@\s]*@")


def configured_secrets(get: OptionGetter) -> list[str]:
    """The secret values among the options as given (not validated: a configuration error is masked with
    them), including the password of a malformed proxy value."""
    values = []
    for name in sorted(SECRET_OPTIONS):
        value = get(name)
        if isinstance(value, str) and value.strip():
            values.extend((value, value.strip()))
    proxy = get("proxy")
    if isinstance(proxy, str):
        values.extend(proxy_secrets(proxy))
    return values


def _plain(number: float) -> str:
    return ("%g" % number) if isinstance(number, float) else str(number)
