"""Test PKI: a CA + server certificate for HTTPS, and app certificates for client
assertions. `cryptography` is imported lazily so plain-HTTP runs do not need it."""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from typing import Any

APP_KEY_PASSPHRASE = b"sim-passphrase"

CA_CERT = "ca.pem"
CA_KEY = "ca.key.pem"
SERVER_CERT = "server.crt.pem"
SERVER_KEY = "server.key.pem"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write(path: str, data: bytes, private: bool = False) -> None:
    # Write-then-rename so a concurrent reader never sees half a PEM file.
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(data)
    if private:
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _key_pem(key: Any, passphrase: bytes | None = None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _cert_pem(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AvePoint Simulator (test only)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def ensure_server_pki(tls_dir: str, host: str = "127.0.0.1") -> tuple[str, str, str]:
    """Create (or reuse) CA and server cert in tls_dir; return (ca, cert, key) paths."""
    paths = [os.path.join(tls_dir, n) for n in (CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY)]
    ca_path, ca_key_path, cert_path, key_path = paths
    if all(os.path.exists(p) for p in paths):
        return ca_path, cert_path, key_path
    os.makedirs(tls_dir, exist_ok=True)

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = _now()
    ca_key = _new_key()
    ca_name = _name("AvePoint Simulator Test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    sans: list[Any] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                       x509.IPAddress(ipaddress.ip_address("::1"))]
    if host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "", "::"):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    server_key = _new_key()
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost")).issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(ca_key_path, _key_pem(ca_key), private=True)
    _write(key_path, _key_pem(server_key), private=True)
    _write(cert_path, _cert_pem(server_cert))
    _write(ca_path, _cert_pem(ca_cert))  # last: its presence marks a complete set
    return ca_path, cert_path, key_path


def server_ssl_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


def _self_signed(common_name: str, key: Any, not_before: dt.datetime, not_after: dt.datetime) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    name = _name(common_name)
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


APP_FILES = ("app.crt.pem", "app.key.pem", "app.key.enc.pem", "other.crt.pem", "other.key.pem",
             "expired.crt.pem", "expired.key.pem")


def ensure_app_certs(app_cert_dir: str) -> str:
    """Create (or reuse) the client-assertion test certificates; return app.crt.pem path.

    app.*      registered with the simulator (the only trusted one)
    other.*    valid but unregistered  -> signature check fails
    expired.*  expired, unregistered   -> rejected (clients should also refuse to use it)
    """
    paths = {n: os.path.join(app_cert_dir, n) for n in APP_FILES}
    if all(os.path.exists(p) for p in paths.values()):
        return paths["app.crt.pem"]
    os.makedirs(app_cert_dir, exist_ok=True)
    now = _now()
    for stem, before, after in (
        ("other", now - dt.timedelta(days=1), now + dt.timedelta(days=365)),
        ("expired", now - dt.timedelta(days=60), now - dt.timedelta(days=1)),
        ("app", now - dt.timedelta(days=1), now + dt.timedelta(days=365)),
    ):
        key = _new_key()
        cert = _self_signed(f"avepoint-sim-{stem}", key, before, after)
        _write(paths[f"{stem}.key.pem"], _key_pem(key), private=True)
        if stem == "app":
            _write(paths["app.key.enc.pem"], _key_pem(key, APP_KEY_PASSPHRASE), private=True)
        _write(paths[f"{stem}.crt.pem"], _cert_pem(cert))  # app.crt last: marks completion
    return paths["app.crt.pem"]
