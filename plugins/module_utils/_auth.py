# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bearer tokens: one per credential per process, reused until near expiry.

A token is cached in process memory only (never on disk), keyed by the one-way
requester identity (``_identity``: URLs, client ID, scope and every credential), so a
lookup templated many times in one worker, or an inventory with many pages, asks for one token.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional, Protocol

from ._certificate import ASSERTION_TYPE, CertificateCredential, load_certificate_credential
from ._errors import ApiError, AvePointError
from ._http import HttpTransport, redirect_note
from ._identity import requester_identity
from ._options import ConnectionSettings
from ._responses import ErrorDetails, decode_json
from ._schemas import check

EXPIRY_MARGIN_SECONDS = 60.0  # refresh this long before the token expires
# A token fetched after a 401 that is refused within this time is not replaced again (a long-lived client, such as the
# event source, still gets a new token for a refusal hours later: a revoked token).
REFUSED_AGAIN_SECONDS = 300.0


class TokenSource(Protocol):
    issued: list[str]  # credentials this source obtained or built (tokens, client assertions), for redaction

    def token(self) -> str:
        """A valid bearer token."""

    def invalidate(self, token: str) -> bool:
        """Forget ``token`` after a 401; True when a fresh one can be fetched."""


class GivenToken:
    """A bearer token obtained elsewhere (option access_token): it cannot be refreshed."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.issued: list[str] = []  # the given token is one of the settings' secrets already

    def token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> bool:
        return False


class _CachedToken:
    def __init__(self, value: str, expires_at: float) -> None:
        self.value = value
        self.expires_at = expires_at


_cache: dict[str, _CachedToken] = {}
_cache_lock = threading.Lock()


class ClientCredentialsToken:
    """OAuth 2.0 client credentials grant with a client secret."""

    def __init__(self, settings: ConnectionSettings, transport: HttpTransport, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._transport = transport
        self._clock = clock
        self._lock = threading.Lock()
        self.issued: list[str] = []  # tokens this source obtained, for redaction
        self._failure: Optional[AvePointError] = None
        self._refused: set[str] = set()  # tokens the service answered 401 to
        self._refreshes: dict[str, float] = {}  # token fetched to replace a refused one -> when
        self._key = requester_identity(settings)  # one-way: the cache never holds a credential

    def token(self) -> str:
        with self._lock:  # one request even when many worker threads start at once
            cached = _cache.get(self._key)
            if cached is not None and self._clock() < cached.expires_at:
                if cached.value not in self.issued:
                    self.issued.append(cached.value)
                return cached.value
            if self._failure is not None:
                # Threads queued behind a failed token request must not each ask again.
                raise self._failure
            try:
                fresh = self._request()
            except AvePointError as error:
                error.fatal = True  # every request needs this token: stop bulk work
                self._failure = error
                raise
            self.issued.append(fresh.value)
            if self._refused:
                self._refreshes[fresh.value] = self._clock()
            with _cache_lock:
                _cache[self._key] = fresh
            return fresh.value

    def invalidate(self, token: str) -> bool:
        with self._lock:
            fetched = self._refreshes.get(token)
            if fetched is not None and self._clock() - fetched < REFUSED_AGAIN_SECONDS:
                # A 401 to the token just fetched after a 401: the credentials or permissions are the problem, not the
                # token's age. Refreshing again (each worker thread that saw it would) only adds token requests.
                return False
            self._refused.add(token)
            with _cache_lock:
                cached = _cache.get(self._key)
                if cached is not None and cached.value == token:
                    del _cache[self._key]  # only the first of several threads that saw the 401 forgets it
            return True

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self._settings.client_id or "",
            "client_secret": self._settings.client_secret or "",
            "scope": self._settings.scope,
        }

    def _request(self) -> _CachedToken:
        url = self._settings.token_url
        started = self._clock()
        response = self._transport.send("POST", url, data=self.form())
        if response.status != 200:
            raise token_error(response.status, ErrorDetails(response), self._settings, redirect_note(response))
        document = decode_json(response, "the token request")
        check("token_response", document, "the token request")
        lifetime = _lifetime(document.get("expires_in"))
        margin = min(EXPIRY_MARGIN_SECONDS, lifetime / 10)
        return _CachedToken(document["access_token"], started + lifetime - margin)


class CertificateToken(ClientCredentialsToken):
    """OAuth 2.0 client credentials grant authenticated by a JWT client assertion (certificate)."""

    def __init__(
        self,
        settings: ConnectionSettings,
        transport: HttpTransport,
        clock: Callable[[], float] = time.monotonic,
        credential: Optional[CertificateCredential] = None,
    ) -> None:
        # Loading checks files, passphrase, key match and validity: all before any request.
        self._credential = credential or load_certificate_credential(
            settings.certificate_path or "", settings.private_key_path or "", settings.private_key_passphrase)
        super().__init__(settings, transport, clock)

    def form(self) -> dict[str, str]:
        assertion = self._credential.client_assertion(self._settings.client_id or "", self._settings.token_url)
        self.issued.append(assertion)  # short-lived, but a credential all the same: redact it too
        return {
            "grant_type": "client_credentials",
            "scope": self._settings.scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        }


def _lifetime(value: object) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 3600.0  # the documented lifetime when the service does not say
    return seconds if seconds > 0 else 3600.0


_CREDENTIAL_HINTS = {
    "client_secret": "check client_id and client_secret (AVEPOINT_CLIENT_ID / AVEPOINT_CLIENT_SECRET) and that the secret has not expired",
    "certificate": "check client_id (AVEPOINT_CLIENT_ID) and that the certificate in certificate_path is the one uploaded "
                   "to this app registration in AvePoint Elements (Settings > API app registration)",
    "access_token": "check access_token (AVEPOINT_ACCESS_TOKEN)",
}


def token_error(status: int, details: ErrorDetails, settings: ConnectionSettings, redirect: str = "") -> ApiError:
    """Map a failed token request to a message that says what to fix (``redirect``: where a 3xx pointed)."""
    code = details.code or ""
    where = "token URL %s" % settings.token_url
    if code == "invalid_scope":
        text = (
            "the token service refused the scope '%s' (invalid_scope): give the app registration the "
            "permission '%s' in AvePoint Elements (Settings > API app registration), or fix the scope option"
            % (settings.scope, settings.scope)
        )
    elif code in ("invalid_client", "unauthorized_client") or status == 401:
        text = "authentication failed (%s) at the %s: %s" % (code or "HTTP %d" % status, where, _CREDENTIAL_HINTS[settings.credential_kind])
    else:
        text = "the token request failed with HTTP %d at the %s%s%s" % (status, where, redirect, details.suffix())
    return ApiError(text, status=status, server_message=details.message,
                    request_id=details.request_id, trace_id=details.trace_id, fatal=True)


def token_source_for(settings: ConnectionSettings, transport: HttpTransport) -> TokenSource:
    if settings.access_token:
        return GivenToken(settings.access_token)
    if settings.certificate_path:
        return CertificateToken(settings, transport)
    return ClientCredentialsToken(settings, transport)
