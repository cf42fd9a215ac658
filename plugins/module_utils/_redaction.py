# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking secrets in text, in every spelling they can have on the wire: the one place.

A service, a proxy or a WAF that repeats what it received repeats a secret as it travelled,
not as it was typed: form-encoded (``+`` or ``%20`` for a space, ``%2F`` or ``%2f``), inside JSON
(``\\/``, ``\\u00e9``, a surrogate pair), in a Python ``repr`` (``\\xe9``, ``\\'``) or an HTML page
(``&amp;``). :func:`redact` masks each secret in any mix of those spellings, one character at a
time, so a message that decodes to the secret never shows it. A JWT (a client assertion, an
access token) is also masked part by part, in base64url and in standard base64, and a proxy
password (:func:`proxy_secrets`) also as the ``user:password`` of a Proxy-Authorization header.

Modules, the lookup and the inventory (API errors and configuration errors alike) all mask
through :func:`redact`; ``_errors.AvePointError.redacted`` calls it.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Iterable, Optional
from urllib.parse import unquote

MASK = "********"

# Characters that no encoder changes (RFC 3986 unreserved): spelled only as themselves.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_JSON_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", '"': '\\"', "\\": "\\\\", "/": "\\/"}
_HTML = {"&": ("&amp;",), "<": ("&lt;",), ">": ("&gt;",), '"': ("&quot;",), "'": ("&#39;", "&apos;")}
_JWT = re.compile(r"\A[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\Z")
_MIN_PART = 16  # shorter JWT parts are not worth masking on their own (and could match ordinary words)
_USERINFO = re.compile(r"\A(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#@]*)@")
# A secret shorter than this is masked only where it stands on its own, not inside a longer word: a
# test value such as "x" would otherwise turn every "x" of a message into the mask ("ma********_pages").
# Real client secrets, tokens and assertions are far longer; a repeated form or JSON value is delimited.
SHORT_SECRET = 8


def redact(text: str, secrets: Iterable[Optional[str]]) -> str:
    """``text`` with every spelling of every secret replaced by ``********`` (longest first, so a
    secret that starts another one never leaves the rest visible)."""
    if not text:
        return text
    for value in sorted(_with_derived(secrets), key=len, reverse=True):
        text = _pattern(value).sub(MASK, text)
    return text


def proxy_secrets(proxy: Optional[str]) -> list[str]:
    """The secret parts of a proxy value, also of a malformed one (``user:pw@host:3128`` without a
    scheme): the password as written, percent-decoded, and the base64 ``user:password`` that a
    Proxy-Authorization header carries."""
    if not proxy:
        return []
    match = _USERINFO.match(proxy.strip())
    if not match or ":" not in match.group(1):
        return []
    user, password = match.group(1).split(":", 1)
    if not password:
        return []
    plain = "%s:%s" % (unquote(user), unquote(password))
    return [password, unquote(password), base64.b64encode(plain.encode("utf-8")).decode("ascii")]


def _with_derived(secrets: Iterable[Optional[str]]) -> set[str]:
    values = set()
    for secret in secrets:
        if not secret:
            continue
        values.add(secret)
        if _JWT.match(secret):
            for part in secret.split("."):
                if len(part) >= _MIN_PART:
                    values.update(_base64_spellings(part))
    return values


def _base64_spellings(part: str) -> tuple[str, ...]:
    """A base64url part, and the same bytes in standard base64 (with and without padding)."""
    standard = part.replace("-", "+").replace("_", "/")
    return (part, standard, standard + "=" * (-len(standard) % 4))


@functools.lru_cache(maxsize=256)
def _pattern(secret: str) -> "re.Pattern[str]":
    pieces = []
    index = 0
    while index < len(secret):
        char = secret[index]
        if char.isspace():
            # A run of white space: any white space or its encodings (a message may have reflowed it).
            while index < len(secret) and secret[index].isspace():
                index += 1
            pieces.append("(?:%s)+" % "|".join(sorted({r"\s", r"\+", "%20", "%09", "%0[Aa]", "%0[Dd]", r"\\[ntr]", *_spellings(" ")})))
            continue
        pieces.append(_character(char))
        index += 1
    if len(secret) < SHORT_SECRET:
        return re.compile("(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % "".join(pieces))
    return re.compile("".join(pieces))


def _character(char: str) -> str:
    if char in _UNRESERVED:
        return re.escape(char)
    return "(?:%s)" % "|".join(sorted(_spellings(char), key=len, reverse=True))


def _spellings(char: str) -> set[str]:
    """Regular expressions for one character as form/URL encoders, JSON, Python and HTML spell it."""
    code = ord(char)
    found = {re.escape(char)}
    found.add("".join("%" + _hex(byte, 2) for byte in char.encode("utf-8")))  # quote(), quote_plus()
    if char in _JSON_SHORT:
        found.add(re.escape(_JSON_SHORT[char]))
    if code < 0x10000:
        found.add(r"\\u" + _hex(code, 4))  # JSON, Python
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        found.add(r"\\u%s\\u%s" % (_hex(high, 4), _hex(low, 4)))  # JSON (a surrogate pair)
        found.add(r"\\U" + _hex(code, 8))  # Python
    if code < 0x100:
        found.add(r"\\x" + _hex(code, 2))  # Python repr
    if char in "'\\":
        found.add(re.escape("\\" + char))  # Python repr
    for entity in _HTML.get(char, ()):
        found.add(re.escape(entity))
    found.add("&#0*%d;" % code)
    found.add("&#[xX]0*%s;" % _hex(code, 0))
    return found


def _hex(number: int, width: int) -> str:
    """``number`` in hexadecimal, matching upper- and lower-case digits."""
    digits = "%0*X" % (width, number)
    return "".join("[%s%s]" % (digit, digit.lower()) if digit.isalpha() else digit for digit in digits)
