# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How values given by users appear in messages: short, printable, and named by their type."""

from __future__ import annotations

from typing import Any


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
