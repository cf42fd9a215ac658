"""Token issuing/validation and client authentication (secret or JWT client assertion)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Optional

KNOWN_SCOPES = ("partner.customers.read.all", "elements.customers.read.all",
                "partner.jobs.read.all", "elements.jobs.read.all",
                "partner.cbprotected.read.all", "elements.cbprotected.read.all",
                "partner.license.read.all", "elements.license.read.all")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_SCOPE_LENGTH = 300
CLOCK_SKEW = 30  # seconds of leeway for nbf/iat/exp checks
MAX_ASSERTION_LIFETIME = 3600  # an assertion valid for longer than this is rejected


class OAuthError(Exception):
    """Maps to a 400 IdentityServer-style `{"error": code}` response."""

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(reason or code)
        self.code = code
        self.reason = reason


@dataclass
class IssuedToken:
    scopes: frozenset[str]
    expires_at: float


class TokenStore:
    def __init__(self, ttl: int) -> None:
        self.ttl = ttl
        self._tokens: dict[str, IssuedToken] = {}
        self._issued: list[str] = []
        self._lock = threading.Lock()

    def issue(self, scopes: Iterable[str]) -> str:
        token = secrets.token_urlsafe(32)  # opaque on purpose: clients must not parse it
        with self._lock:
            self._tokens[token] = IssuedToken(frozenset(scopes), time.time() + self.ttl)
            self._issued.append(token)
        return token

    def validate(self, token: str) -> tuple[Optional[IssuedToken], str]:
        """Return (token, "") or (None, reason)."""
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return None, "unknown or revoked token"
            if info.expires_at <= time.time():
                del self._tokens[token]
                return None, "token expired"
            return info, ""

    def issued(self) -> list[str]:
        """Every token issued so far (tests grep output for them: none may leak)."""
        with self._lock:
            return list(self._issued)

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()


def x5t_of(cert_der: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(cert_der).digest()).rstrip(b"=").decode()


class ClientAuthenticator:
    """Checks client credentials. The cryptography/PyJWT imports happen only when an
    assertion actually arrives so secret-only setups need neither package."""

    def __init__(self, client_id: str, client_secret: str, trusted_cert_pem: Optional[bytes]) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self._trusted_cert_pem = trusted_cert_pem
        self._public_key: Any = None
        self._x5t: Optional[str] = None
        self._cert_not_after: Optional[float] = None
        self._seen_jti: dict[str, float] = {}
        self._lock = threading.Lock()

    def reset_replay_cache(self) -> None:
        with self._lock:
            self._seen_jti.clear()

    def authenticate(self, form: dict[str, str], audiences: list[str]) -> None:
        assertion_type = form.get("client_assertion_type")
        assertion = form.get("client_assertion")
        if assertion_type or assertion:
            if assertion_type != ASSERTION_TYPE or not assertion:
                raise OAuthError("invalid_client", "bad client_assertion_type or missing client_assertion")
            self._check_assertion(assertion, form.get("client_id"), audiences)
            return
        cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        # compare_digest: constant time, no reason to model a timing leak.
        if not (hmac.compare_digest(cid, self.client_id) and hmac.compare_digest(secret, self.client_secret)):
            raise OAuthError("invalid_client", "unknown client or wrong secret")

    def _load_key(self) -> None:
        if self._public_key is not None or self._trusted_cert_pem is None:
            return
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        cert = x509.load_pem_x509_certificate(self._trusted_cert_pem)
        self._public_key = cert.public_key()
        self._x5t = x5t_of(cert.public_bytes(serialization.Encoding.DER))
        not_after = getattr(cert, "not_valid_after_utc", None)  # cryptography >= 42
        if not_after is None:
            import datetime as dt

            not_after = cert.not_valid_after.replace(tzinfo=dt.timezone.utc)
        self._cert_not_after = not_after.timestamp()

    def _check_assertion(self, assertion: str, form_client_id: Optional[str], audiences: list[str]) -> None:
        if self._trusted_cert_pem is None:
            raise OAuthError("invalid_client", "no certificate registered for this client")
        import jwt  # PyJWT, lazily

        self._load_key()
        if self._cert_not_after is not None and self._cert_not_after < time.time():
            raise OAuthError("invalid_client", "registered certificate expired")
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_client", f"malformed assertion: {exc}") from exc
        if header.get("alg") != "RS256":
            raise OAuthError("invalid_client", "assertion must be RS256")
        if header.get("x5t") and header["x5t"] != self._x5t:
            raise OAuthError("invalid_client", "x5t does not match the registered certificate")
        try:
            claims = jwt.decode(
                assertion,
                self._public_key,
                algorithms=["RS256"],
                audience=audiences,
                issuer=self.client_id,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "sub", "aud", "jti"]},
            )
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_client", f"assertion rejected: {exc}") from exc
        now = time.time()
        if claims.get("sub") != self.client_id:
            raise OAuthError("invalid_client", "sub must equal client_id")
        if form_client_id and form_client_id != self.client_id:
            raise OAuthError("invalid_client", "client_id does not match assertion")
        iat = claims.get("iat")
        if iat is not None and (not isinstance(iat, (int, float)) or iat > now + CLOCK_SKEW):
            raise OAuthError("invalid_client", "iat in the future")
        if claims["exp"] > now + MAX_ASSERTION_LIFETIME + CLOCK_SKEW:
            raise OAuthError("invalid_client", "assertion lifetime too long")
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti:
            raise OAuthError("invalid_client", "jti missing")
        with self._lock:
            # Drop jti entries whose assertion has expired anyway; keeps memory bounded.
            for key in [k for k, exp in self._seen_jti.items() if exp + CLOCK_SKEW < now]:
                del self._seen_jti[key]
            if jti in self._seen_jti:
                raise OAuthError("invalid_client", "jti replayed")
            self._seen_jti[jti] = float(claims["exp"])


def resolve_scopes(requested: Optional[str], allowed: Iterable[str]) -> list[str]:
    """Validate the requested scope string; IdentityServer grants all allowed scopes when
    none is requested."""
    allowed_list = [s for s in KNOWN_SCOPES if s in set(allowed)] + [s for s in allowed if s not in KNOWN_SCOPES]
    if requested is None or not requested.strip():
        if not allowed_list:
            raise OAuthError("invalid_scope", "no scopes allowed for this client")
        return allowed_list
    if len(requested) > MAX_SCOPE_LENGTH:
        raise OAuthError("invalid_scope", "scope string too long")
    scopes = requested.split()
    for scope in scopes:
        if scope not in allowed_list:
            raise OAuthError("invalid_scope", f"scope {scope!r} not allowed")
    return list(dict.fromkeys(scopes))
