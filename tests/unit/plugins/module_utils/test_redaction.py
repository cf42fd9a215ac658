"""Redaction (module_utils/_redaction.py): every spelling a secret can have on the wire is masked."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus, urlencode

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, redact as errors_redact
from ansible_collections.avepoint.graph.plugins.module_utils._redaction import MASK, proxy_secrets, redact


# A client secret as Microsoft-style portals issue them: + / = & % and a space all change when encoded.
SECRET = "Ab+c/d=e&f%g h~i"
NON_ASCII = "sécret-ü-\u20ac-\U0001f511"


def lower_hex(text: str) -> str:
    """The same percent-encoding with lower-case hex digits."""
    out, index = [], 0
    while index < len(text):
        if text[index] == "%":
            out.append(text[index:index + 3].lower())
            index += 3
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def spellings(secret: str) -> dict[str, str]:
    form = urlencode({"client_secret": secret}).split("=", 1)[1]
    return {
        "raw": secret,
        "quote_plus": quote_plus(secret, safe=""),
        "quote_plus keeping /": quote_plus(secret),
        "quote (%20)": quote(secret, safe=""),
        "quote keeping /": quote(secret),
        "lower-case hex": lower_hex(quote_plus(secret, safe="")),
        "requests form": form,
        "json": json.dumps(secret)[1:-1],
        "json ascii": json.dumps(secret, ensure_ascii=True)[1:-1],
        "json with \\/": json.dumps(secret)[1:-1].replace("/", "\\/"),
        "json of the form": json.dumps(form)[1:-1],
        "python repr": repr(secret)[1:-1],
        "python ascii": ascii(secret)[1:-1],
        "html": secret.replace("&", "&amp;"),
    }


@pytest.mark.parametrize("secret", [SECRET, NON_ASCII, "quote'and\"double\\back"], ids=["symbols", "non-ascii", "quotes"])
@pytest.mark.parametrize("spelling", sorted(spellings(SECRET)))
def test_every_spelling_is_masked(secret, spelling):
    shown = spellings(secret)[spelling]
    text = "the server said: received grant_type=client_credentials&client_secret=%s&scope=x (req 42)" % shown
    masked = redact(text, [secret])
    assert masked == text.replace(shown, MASK), (shown, masked)


def test_json_upper_case_unicode_escapes_are_masked():
    shown = "".join("\\u%04X" % ord(char) if ord(char) > 127 else char for char in "sécret")
    assert redact("x %s y" % shown, ["sécret"]) == "x %s y" % MASK


def test_a_mixed_spelling_is_masked():
    # One encoder left '/' alone and used %20, another escaped the slash for JSON: still the secret.
    assert redact("a=Ab%2Bc\\/d%3De%26f%25g%20h~i!", [SECRET]) == "a=%s!" % MASK


def test_whitespace_reflowed_by_a_message_is_masked():
    assert redact("got 'two\n   words' here", ["two words"]) == "got '%s' here" % MASK


def test_other_text_is_left_alone():
    text = "HTTP 500 for customer 0f8fad5b: Ab+c is not Ab c, and %2B is not a secret"
    assert redact(text, [SECRET, "", None]) == text


def test_the_longer_of_two_overlapping_secrets_is_masked_whole():
    assert redact("token=abcdef-123456", ["abcdef", "abcdef-123456"]) == "token=" + MASK


def jwt(payload: dict, signature: bytes) -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return ".".join((part(b'{"alg":"RS256","typ":"JWT"}'), part(json.dumps(payload).encode()), part(signature)))


@pytest.fixture
def assertion():
    # Byte values chosen so the base64url and the standard base64 spellings differ (- _ vs + /).
    return jwt({"iss": "app", "jti": "6f1c2b7e-3a4d-4e5f-8a9b-0c1d2e3f4a5b", "exp": 1}, bytes(range(250, 256)) * 20)


def test_a_client_assertion_is_masked_whole_and_part_by_part(assertion):
    header, payload, signature = assertion.split(".")
    standard = signature.replace("-", "+").replace("_", "/")
    padded = standard + "=" * (-len(standard) % 4)
    for shown in (assertion, quote_plus(assertion), payload, signature, standard, padded):
        masked = redact("echo: [%s]" % shown, [assertion])
        assert masked == "echo: [%s]" % MASK, (shown, masked)
    assert redact(header, [assertion]) == MASK  # the header part is long enough to be masked too


def test_proxy_secrets_of_a_well_formed_and_a_malformed_value():
    assert proxy_secrets(None) == [] and proxy_secrets("http://proxy.example:3128") == []
    assert proxy_secrets("http://user@proxy.example:3128") == []
    basic = base64.b64encode(b"user:Pr0xy Pa55").decode()
    assert proxy_secrets("http://user:Pr0xy%20Pa55@proxy.example:3128") == ["Pr0xy%20Pa55", "Pr0xy Pa55", basic]
    # Without a scheme (a typo users make): the password is still found.
    assert proxy_secrets("user:Pr0xyPa55@proxy.example:3128")[0] == "Pr0xyPa55"
    assert proxy_secrets(" socks5h://u:p%40ss@h:1080 ")[:2] == ["p%40ss", "p@ss"]


def test_errors_redact_through_the_same_function():
    assert errors_redact is redact
    error = ApiError("HTTP 500: received client_secret=%s" % quote_plus(SECRET)).redacted([SECRET])
    assert str(error) == "HTTP 500: received client_secret=" + MASK and error.args == (str(error),)


def test_a_long_token_is_masked_quickly(assertion):
    text = ("noise " * 2000) + assertion + (" noise" * 2000)
    assert redact(text, [assertion, SECRET, NON_ASCII]).count(MASK) == 1


@pytest.mark.parametrize("secret", ["x", "Pa5s", "a/b c"])
def test_a_short_secret_is_masked_where_it_stands_alone_not_inside_words(secret):
    form = urlencode({"client_secret": secret, "scope": "partner.customers.read.all"})
    text = "option 'max_pages' of the proxy.example lookup; the server echoed %s and %s" % (form, json.dumps({"s": secret}))
    masked = redact(text, [secret])
    assert "max_pages" in masked and "proxy.example" in masked  # a test value such as "x" garbled every word
    assert "client_secret=%s&" % MASK in masked and '{"s": "%s"}' % MASK in masked
    assert form.split("&", maxsplit=1)[0] not in masked


def test_a_long_secret_is_masked_inside_other_text_too():
    assert redact("prefix%ssuffix" % SECRET, [SECRET]) == "prefix%ssuffix" % MASK
