# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text from the API made safe to show: control characters written as visible escapes.

An organization name, a status or a server's error message may hold an escape sequence, a
bell or a NUL. Printed raw, they recolour or rewrite a CI log or a terminal; dropped, they hide
what the service sent. Every message and report built from API text passes it through
:func:`printable`, which writes each such character as ``\\uXXXX``; the facts themselves keep
the data as sent.

What is escaped: C0 controls, DEL and C1 controls; lone UTF-16 surrogates and the
non-characters U+FFFE/U+FFFF (no UTF-8 output or XML document can carry them). Tab, line feed
and carriage return are escaped too, since a message is one line and a line break in API
text could forge another line of a log; documents whose format shows them harmlessly (the
HTML and JUnit reports) keep them with ``layout=True``.
"""

from __future__ import annotations

import re

LAYOUT = "\t\n\r"  # kept with layout=True
_INVISIBLE = "\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff"
_ESCAPED = re.compile("[%s]" % _INVISIBLE)
_ESCAPED_BUT_LAYOUT = re.compile("(?![%s])[%s]" % (LAYOUT, _INVISIBLE))


def _escape(found: "re.Match[str]") -> str:
    return "\\u%04x" % ord(found.group())


def printable(text: str, layout: bool = False) -> str:
    """``text`` with every control or invalid character written as a ``\\uXXXX`` escape.

    ``layout``: keep tab, line feed and carriage return (for documents, not for messages).
    """
    return (_ESCAPED_BUT_LAYOUT if layout else _ESCAPED).sub(_escape, text)
