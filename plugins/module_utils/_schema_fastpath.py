# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fast yes-check for the simple JSON Schemas of this collection.

jsonschema interprets a schema keyword by keyword and costs about 0.1-0.2 ms per customer,
which is most of the module's own time with thousands of customers. The predicates built
here answer "certainly valid" in a few microseconds for the common case. They are
conservative: for anything they are not sure of they answer False and the caller asks
jsonschema, which stays the only judge of an invalid document and the author of the error
message. A schema using a keyword not handled here gets no predicate at all.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

Predicate = Callable[[Any], bool]

# Keywords that only describe a schema and never reject a document.
ANNOTATIONS = frozenset(("$schema", "$id", "title", "description"))

# Exact Python types per JSON type; stricter than JSON Schema on purpose (1.0 is an
# "integer" there, True is not): anything outside them goes to jsonschema.
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def fast_predicate(schema: Any) -> Optional[Predicate]:
    """A predicate that returns True only for documents ``schema`` accepts; None if the schema is not simple enough."""
    if not isinstance(schema, dict):
        return None
    checks: list[Predicate] = []
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS:
            continue
        check = _keyword_check(keyword, value)
        if check is None:
            return None
        checks.append(check)
    return _all_of(checks)


def _all_of(checks: list[Predicate]) -> Predicate:
    """One predicate for several (plain loops: a generator per document would cost more than the checks)."""
    if len(checks) == 1:
        return checks[0]

    def every(document: Any) -> bool:
        for check in checks:
            if not check(document):
                return False
        return True
    return every


def _type_only(schema: Any) -> Optional[tuple[type, ...]]:
    """The Python types of a schema that says nothing but its ``type`` (most properties do), else None."""
    if not isinstance(schema, dict) or set(schema) - ANNOTATIONS != {"type"}:
        return None
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not names or any(name not in TYPES for name in names):
        return None
    return tuple(kind for name in names for kind in TYPES[name])


def _keyword_check(keyword: str, value: Any) -> Optional[Predicate]:
    builder = _BUILDERS.get(keyword)
    return builder(value) if builder else None


def _type(value: Any) -> Optional[Predicate]:
    names = value if isinstance(value, list) else [value]
    if not names or any(name not in TYPES for name in names):
        return None
    allowed = tuple(kind for name in names for kind in TYPES[name])
    # type() rather than isinstance(): bool is a subclass of int but not a JSON integer.
    return lambda document: type(document) in allowed  # pylint: disable=unidiomatic-typecheck


def _required(value: Any) -> Optional[Predicate]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return None
    names = tuple(value)
    return lambda document: not isinstance(document, dict) or all(name in document for name in names)


def _properties(value: Any) -> Optional[Predicate]:
    if not isinstance(value, dict):
        return None
    typed = []  # (name, allowed types): the properties that only say their type, checked inline
    others = []  # (name, predicate)
    for name, subschema in value.items():
        allowed = _type_only(subschema)
        if allowed is not None:
            typed.append((name, allowed))
            continue
        check = fast_predicate(subschema)
        if check is None:
            return None
        others.append((name, check))

    def properties(document: Any) -> bool:
        if not isinstance(document, dict):
            return True
        for name, allowed in typed:
            if name in document and type(document[name]) not in allowed:  # pylint: disable=unidiomatic-typecheck
                return False
        for name, check in others:
            if name in document and not check(document[name]):
                return False
        return True
    return properties


def _items(value: Any) -> Optional[Predicate]:
    check = fast_predicate(value)
    if check is None:
        return None

    def items(document: Any) -> bool:
        if not isinstance(document, list):
            return True
        for item in document:
            if not check(item):
                return False
        return True
    return items


def _pattern(value: Any) -> Optional[Predicate]:
    if not isinstance(value, str):
        return None
    search = re.compile(value).search  # jsonschema uses re.search too: the pattern is not anchored for us
    return lambda document: not isinstance(document, str) or search(document) is not None


def _min_length(value: Any) -> Optional[Predicate]:
    if type(value) is not int:  # pylint: disable=unidiomatic-typecheck
        return None
    return lambda document: not isinstance(document, str) or len(document) >= value


def _minimum(value: Any) -> Optional[Predicate]:
    if type(value) not in (int, float):  # pylint: disable=unidiomatic-typecheck
        return None
    # Only plain numbers are compared; anything else is left to jsonschema.
    return lambda document: type(document) not in (int, float) or document >= value  # pylint: disable=unidiomatic-typecheck


_BUILDERS: dict[str, Callable[[Any], Optional[Predicate]]] = {
    "type": _type,
    "required": _required,
    "properties": _properties,
    "items": _items,
    "pattern": _pattern,
    "minLength": _min_length,
    "minimum": _minimum,
}
