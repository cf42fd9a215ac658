# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What went wrong with an HTTP attempt, told by the types of the exceptions, and the words that say so.

urllib3 and requests wrap the error of the socket, TLS or HTTP layer once or several times
(``MaxRetryError``, ``ProxyError``, ``ProtocolError``, requests' ``ConnectionError``...), in a different
way in each release; :func:`causes` unwraps them all (``__cause__``, ``__context__``, wrapped
arguments) and the checks here use ``isinstance`` on what it finds, never the text of a message.
"""

from __future__ import annotations

import builtins
import http.client
import re
import socket
import ssl
from typing import Iterator, Optional, Tuple, Type, Union

from ._deps import urllib3
from ._shown import origin

_ProtocolError = urllib3.exceptions.ProtocolError if urllib3 else Exception
Kinds = Union[Type[BaseException], Tuple[Type[BaseException], ...]]


class SlowResponse(_ProtocolError):  # type: ignore[misc,valid-type]
    """The answer did not arrive completely within the attempt's time (sent too slowly): the watchdog cut it.
    A read error to urllib3's Retry, so it is retried like a dropped connection."""

    def __init__(self, seconds: float) -> None:
        super().__init__("the response did not arrive completely within %g s" % seconds)
        self.seconds = seconds


class BrokenBody(_ProtocolError):  # type: ignore[misc,valid-type]
    """The body of an answer broke off after its status line and headers had come (``error``: what broke it)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__("the body of the response broke off", error)
        self.error = error


def causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and every exception it wraps, outermost first."""
    seen = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        pending.extend(item for item in wrapped if isinstance(item, BaseException))


def _find(error: BaseException, kinds: Kinds) -> Optional[BaseException]:
    return next((cause for cause in causes(error) if isinstance(cause, kinds)), None)


def is_tls_failure(error: BaseException) -> bool:
    return _find(error, (ssl.SSLError, ssl.CertificateError, urllib3.exceptions.SSLError)) is not None


def is_name_resolution_failure(error: BaseException) -> bool:
    """The host name does not resolve: it will not resolve in a second either."""
    return _find(error, socket.gaierror) is not None


def _is_timeout(error: BaseException) -> bool:
    for cause in causes(error):
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            continue  # urllib3 derives it from ConnectTimeoutError, but it is a refusal, not a timeout
        if isinstance(cause, (socket.timeout, builtins.TimeoutError, urllib3.exceptions.ReadTimeoutError,
                              urllib3.exceptions.ConnectTimeoutError)):
            return True
    return False


def is_connect_failure(error: BaseException) -> bool:
    """No connection could be made at all (refused, unroutable, connect timeout, proxy unreachable), as opposed
    to a connection that broke or a server that was slow to answer one request."""
    if _find(error, urllib3.exceptions.ReadTimeoutError) is not None:
        return False  # urllib3 1.26 calls a slow answer through a proxy a ProxyError too
    return _find(error, (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ProxyError, ConnectionRefusedError)) is not None


def reason(error: BaseException) -> str:
    """What broke one attempt, in a few words."""
    if _find(error, http.client.RemoteDisconnected):
        return "the server closed the connection without a response"
    if _find(error, ConnectionRefusedError):
        return "Connection refused"
    unresolved = _find(error, socket.gaierror)
    if unresolved is not None:
        return _text(unresolved)
    if _is_timeout(error):
        return "timed out"
    if _find(error, BrokenBody):
        if _find(error, ConnectionResetError):
            return "Connection reset by peer"
        return "the connection closed before the whole response arrived"
    if _find(error, _ProtocolError):
        return "Connection aborted"  # urllib3: the connection broke before the answer started
    innermost = list(causes(error))[-1]
    return _text(innermost)


def _text(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def tls_reason(error: BaseException) -> str:
    """What OpenSSL said, e.g. 'certificate verify failed: unable to get local issuer certificate', without its
    library tag and source location."""
    found = _find(error, (ssl.SSLError, ssl.CertificateError)) or _find(error, urllib3.exceptions.SSLError) or error
    text = getattr(found, "strerror", None) or str(found)
    text = re.sub(r"^\[[A-Z0-9_: ]+\]\s*", "", text)  # "[SSL: CERTIFICATE_VERIFY_FAILED] "
    text = re.sub(r"\s*\(_ssl\.c:\d+\)$", "", text)
    return text.strip().rstrip(".")


def plain(number: float) -> str:
    """Seconds for a message: 30, 2.5, 0.04."""
    return "%g" % (round(number, 1) if number >= 1 else float("%.2g" % number))


def _through(proxy: Optional[str]) -> str:
    return " through the proxy %s" % proxy if proxy else ""


def tls_message(url: str, error: BaseException, proxy: Optional[str] = None) -> str:
    return (
        "TLS error talking to %s%s: %s. If the service uses a private or test CA, set ca_path "
        "(AVEPOINT_CA_PATH) to its CA bundle; validate_certs: false disables the check, which is not recommended"
        % (origin(url), _through(proxy), tls_reason(error))
    )


def failure_words(error: BaseException, seconds: float) -> str:
    """What went wrong with one attempt of ``seconds``, for an error about giving up later."""
    slow = _find(error, SlowResponse)
    if slow is not None:
        return "the response was still incomplete after %s s" % plain(slow.seconds)  # type: ignore[attr-defined]
    if _is_timeout(error):
        return "timed out after %s s" % plain(seconds)
    return reason(error)


def network_message(url: str, error: BaseException, attempts: int, seconds: float, proxy: Optional[str] = None) -> str:
    """The error after the last of ``attempts``, which had ``seconds``."""
    tries = "%d attempt(s)" % attempts
    slow = _find(error, SlowResponse)
    if slow is not None:
        return ("the response from %s%s was still incomplete after %s s (%s): the server sends it too slowly; "
                "check the service or raise the timeout option"
                % (origin(url), _through(proxy), plain(slow.seconds), tries))  # type: ignore[attr-defined]
    if _is_timeout(error):
        return "request to %s%s timed out after %s s (%s); check the network or raise the timeout option" % (
            origin(url), _through(proxy), plain(seconds), tries)
    if proxy and _find(error, urllib3.exceptions.ProxyError):
        return "could not reach %s: the proxy %s could not be reached or refused the request after %s (%s)" % (
            origin(url), proxy, tries, reason(error))
    return "could not reach %s%s after %s: %s" % (origin(url), _through(proxy), tries, reason(error))
