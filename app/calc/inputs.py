"""The pydantic bridge every ``python -m app calc`` kind shares.

:class:`StrictInput` is the base of the input models; :func:`parse_model` validates a parsed
JSON document against a pydantic model in *strict JSON mode* (ISO dates from strings, but never
``true`` or ``950.0`` for an integer) and turns the first validation error into a
:class:`app.calc.errors.CalcInputError` naming the field.

Threading: pure functions; safe anywhere.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from app.calc.errors import CalcInputError, field_path
from app.pydantic_once import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class StrictInput(BaseModel):
    """Base for calc input models: unknown fields are refused, nothing is coerced, frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_PLAIN = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
}


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return f"{value!r} is not one of {expected}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind in _PLAIN:
        return f"{_PLAIN[kind]} (got {value!r})"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    return f"{error['msg'].removeprefix('Value error, ')} (got {value!r})"


def error_from_validation(exc: ValidationError) -> CalcInputError:
    """The first error of a pydantic ``ValidationError`` as a :class:`CalcInputError`."""
    first = exc.errors(include_url=False)[0]
    loc = [part for part in first["loc"] if not _is_union_tag(part)]
    return CalcInputError(field_path(loc) or "(document)", _message(first))


def _is_union_tag(part: int | str) -> bool:
    # pydantic adds the member type's name to the location inside a union: not a field.
    return isinstance(part, str) and (part.startswith(("function-", "constrained-")) or "[" in part)


def parse_model(model: type[M], data: object) -> M:
    """``data`` (parsed JSON) validated as ``model`` in strict JSON mode, or CalcInputError."""
    if not isinstance(data, dict):
        raise CalcInputError("", f"the input must be a JSON object, not {type(data).__name__}")
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        raise error_from_validation(exc) from None
