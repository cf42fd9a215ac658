# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate credentials: load and check a PEM certificate and key, sign client assertions.

Everything that can be checked locally (files, PEM format, passphrase, key/certificate
match, validity period) is checked when the credential is loaded, before any request.
Neither the key material nor the passphrase ever appears in a message or ``repr``.
"""

from __future__ import annotations

import base64
import datetime
import time
import uuid
from typing import Any, Callable, Optional

from ._deps import CertificateLibraries, certificate_libraries
from ._errors import ConfigurationError

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 300  # short-lived: the assertion is used once, right away

_DER_HINT = "convert a DER (.cer) file with: openssl x509 -inform der -in app.cer -out app.pem"


class CertificateCredential:
    """A certificate and its matching RSA private key, ready to sign client assertions."""

    def __init__(self, certificate: Any, private_key: Any, certificate_path: str, libraries: CertificateLibraries) -> None:
        self._certificate = certificate
        self._private_key = private_key
        self._jwt = libraries.jwt
        self.certificate_path = certificate_path
        der = certificate.public_bytes(libraries.serialization.Encoding.DER)
        digest = libraries.hashes.Hash(libraries.hashes.SHA1())  # nosec - x5t is defined as the SHA-1 thumbprint
        digest.update(der)
        sha1 = digest.finalize()
        self.x5t = base64.urlsafe_b64encode(sha1).rstrip(b"=").decode("ascii")
        self.thumbprint = sha1.hex().upper()  # what AvePoint Elements shows for an uploaded certificate

    def __repr__(self) -> str:
        return "CertificateCredential(%s, thumbprint=%s)" % (self.certificate_path, self.thumbprint)

    def client_assertion(self, client_id: str, token_url: str, clock: Callable[[], float] = time.time) -> str:
        """An RS256-signed JWT that authenticates ``client_id`` at ``token_url`` for a few minutes."""
        now = int(clock())
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": token_url,
            "jti": str(uuid.uuid4()),  # fresh every time: token services reject a replayed assertion
            "iat": now,
            "nbf": now,
            "exp": now + ASSERTION_LIFETIME_SECONDS,
        }
        return self._jwt.encode(claims, self._private_key, algorithm="RS256", headers={"x5t": self.x5t, "kid": self.thumbprint})


def load_certificate_credential(
    certificate_path: str,
    private_key_path: str,
    passphrase: Optional[str] = None,
    now: Optional[datetime.datetime] = None,
) -> CertificateCredential:
    """Load and check the certificate and key; raise ConfigurationError naming the problem."""
    libraries = certificate_libraries()
    certificate = _load_certificate(libraries, certificate_path)
    _check_validity(certificate, certificate_path, now or datetime.datetime.now(datetime.timezone.utc))
    private_key = _load_private_key(libraries, private_key_path, passphrase)
    if not isinstance(private_key, libraries.rsa.RSAPrivateKey):
        raise ConfigurationError(
            "private_key_path '%s' does not hold an RSA key; client assertions are signed with RS256 and need one" % private_key_path
        )
    if _public_der(libraries, private_key.public_key()) != _public_der(libraries, certificate.public_key()):
        raise ConfigurationError(
            "the private key in private_key_path '%s' does not belong to the certificate in certificate_path '%s'; "
            "give the key the certificate was created with" % (private_key_path, certificate_path)
        )
    return CertificateCredential(certificate, private_key, certificate_path, libraries)


def _read(path: str, option: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigurationError("%s '%s' is not a readable file (%s)" % (option, path, error.strerror or type(error).__name__)) from None


def _load_certificate(libraries: CertificateLibraries, path: str) -> Any:
    data = _read(path, "certificate_path")
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise ConfigurationError(
            "certificate_path '%s' is not a PEM certificate (no '-----BEGIN CERTIFICATE-----' block); %s" % (path, _DER_HINT)
        )
    start = data.index(b"-----BEGIN CERTIFICATE-----")  # a combined key + certificate file works too
    try:
        return libraries.x509.load_pem_x509_certificate(data[start:])
    except ValueError:
        raise ConfigurationError("certificate_path '%s' holds a damaged PEM certificate that cannot be read" % path) from None


def _check_validity(certificate: Any, path: str, now: datetime.datetime) -> None:
    not_before = _utc(certificate, "not_valid_before")
    not_after = _utc(certificate, "not_valid_after")
    if now > not_after:
        raise ConfigurationError(
            "the certificate in certificate_path '%s' expired on %s; create a new certificate and upload it "
            "to the app registration in AvePoint Elements" % (path, not_after.strftime("%Y-%m-%d %H:%M:%S UTC"))
        )
    if now < not_before:
        raise ConfigurationError(
            "the certificate in certificate_path '%s' is not valid before %s (check the clock of this host)"
            % (path, not_before.strftime("%Y-%m-%d %H:%M:%S UTC"))
        )


def _utc(certificate: Any, name: str) -> datetime.datetime:
    value = getattr(certificate, name + "_utc", None)  # cryptography >= 42
    if value is None:
        value = getattr(certificate, name).replace(tzinfo=datetime.timezone.utc)
    return value


def _load_private_key(libraries: CertificateLibraries, path: str, passphrase: Optional[str]) -> Any:
    data = _read(path, "private_key_path")
    if b"PRIVATE KEY-----" not in data:
        raise ConfigurationError("private_key_path '%s' is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' block)" % path)
    encrypted = b"ENCRYPTED" in data
    if encrypted and not passphrase:
        raise ConfigurationError(
            "the private key in private_key_path '%s' is encrypted: set private_key_passphrase "
            "(or AVEPOINT_PRIVATE_KEY_PASSPHRASE)" % path
        )
    password = passphrase.encode("utf-8") if encrypted and passphrase else None  # a passphrase for a plain key is ignored
    try:
        return libraries.serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError):
        # Never include the library's message: nothing about the key material may leak.
        if encrypted:
            raise ConfigurationError("cannot decrypt the private key in private_key_path '%s': wrong private_key_passphrase" % path) from None
        raise ConfigurationError("private_key_path '%s' holds a damaged or unsupported PEM private key" % path) from None


def _public_der(libraries: CertificateLibraries, public_key: Any) -> bytes:
    encoding = libraries.serialization
    return public_key.public_bytes(encoding.Encoding.DER, encoding.PublicFormat.SubjectPublicKeyInfo)
