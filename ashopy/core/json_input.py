"""JSON that comes from outside (API bodies, provider notifications), read with limits.

The standard parser recurses once per nesting level: a body of a few kilobytes of `[[[[…`
exhausts the interpreter's stack and fails with RecursionError, a 500. PostgreSQL refuses
NUL in text and jsonb, so a string carrying one fails later with DataError, another 500.
`loads` turns both, and non-finite numbers and lone surrogates, into `InvalidJSON` (a
ValueError) that callers answer as bad input.
"""

import json
import math

MAX_DEPTH = 32  # arrays and objects inside each other; ashopy's own payloads need fewer than 6


class InvalidJSON(ValueError):
    """Not JSON, or JSON nested deeper than allowed, or holding a number that is not finite or a lone surrogate."""


class NullCharacters(InvalidJSON):
    """A string or key holds NUL. `fields` names the top-level keys concerned (empty for a top-level array)."""

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__("null characters are not allowed")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH):
    """The value of the JSON document `data`, or InvalidJSON."""
    try:
        value = json.loads(data, parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError:
        raise InvalidJSON(f"nested deeper than {max_depth} levels") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, too many digits
        raise InvalidJSON(str(error)) from error
    _check(value, max_depth)
    return value


def _check(value, max_depth: int) -> None:
    """Depth, NUL characters and surrogates, walked without recursion; NUL is reported by top-level key."""
    if not isinstance(value, dict):
        if _holds_null(value, 0, max_depth):
            raise NullCharacters([])
        return
    fields = [key.replace("\x00", "") for key, item in value.items()
              if _holds_null(item, 1, max_depth) or _holds_null(key, 1, max_depth)]
    if fields:
        raise NullCharacters([field for field in fields if field])


def _holds_null(value, depth: int, max_depth: int) -> bool:
    """Whether `value` (at `depth`) holds NUL in a string or a key; InvalidJSON when it nests too deep."""
    found = False
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            if level > max_depth:
                raise InvalidJSON(f"nested deeper than {max_depth} levels")
            children = [*item, *item.values()] if isinstance(item, dict) else item  # keys are strings too
            stack.extend((child, level) for child in children)
        elif isinstance(item, str):
            found = found or "\x00" in item
            _refuse_surrogates(item)
    return found


def _refuse_surrogates(text: str) -> None:
    """A lone surrogate ("\\ud800") is valid JSON but not text: it cannot be stored or sent anywhere."""
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            raise InvalidJSON("a string holds a lone surrogate") from None
