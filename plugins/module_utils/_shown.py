# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How values appear in messages: a user's short, printable and named by their type; the API's printable.

Text from the API (an organization name, a status, a server's error message) may hold an escape
sequence, a bell or a NUL. Printed raw, they recolour or rewrite a terminal or a CI log; dropped,
they hide what the service sent. Every message and report built from API text passes it through
:func:`printable`, which writes each such character as ``\\uXXXX``; the facts keep the data as sent.
It escapes C0 controls, DEL and C1 controls, lone UTF-16 surrogates and the non-characters
U+FFFE/U+FFFF (no UTF-8 output or XML document can carry them). Tab, line feed and carriage return
are escaped too, since a message is one line and a line break in API text could forge another
line of a log; documents whose format shows them harmlessly (the HTML and JUnit reports) keep them
with ``layout=True``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

LAYOUT = "\t\n\r"  # kept by printable(layout=True)
_INVISIBLE = "\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff"
_ESCAPED = re.compile("[%s]" % _INVISIBLE)
_ESCAPED_BUT_LAYOUT = re.compile("(?![%s])[%s]" % (LAYOUT, _INVISIBLE))


def printable(text: str, layout: bool = False) -> str:
    """``text`` with every control or invalid character written as a ``\\uXXXX`` escape.

    ``layout``: keep tab, line feed and carriage return (for documents, not for messages).
    """
    return (_ESCAPED_BUT_LAYOUT if layout else _ESCAPED).sub(_escape, text)


def _escape(found: "re.Match[str]") -> str:
    return "\\u%04x" % ord(found.group())


def type_name(value: Any) -> str:
    """The built-in type of a value (``int``), not a subclass that wraps it (Ansible's ``_AnsibleTaggedInt``)."""
    for kind in type(value).__mro__:
        if kind.__module__ == "builtins" and kind is not object:
            return kind.__name__
    return type(value).__name__


def describe(value: Any, limit: int = 60) -> str:
    """A short, printable description of a user-supplied value for error messages."""
    if value is None:
        return "(none)"
    if not isinstance(value, str):
        kind = type_name(value)
        article = "an" if kind[0] in "aeiou" else "a"
        return "%r (%s %s, not a string)" % (value if len(repr(value)) <= limit else "...", article, kind)
    if value == "":
        return "'' (empty string)"
    shown = value if len(value) <= limit else value[:limit] + "... (%d characters)" % len(value)
    return ascii(shown)


def origin(url: str) -> str:
    """A URL as messages name a service: ``scheme://host:port``, without credentials, path or query."""
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc.rsplit("@", 1)[-1])
