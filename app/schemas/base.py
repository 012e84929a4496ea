"""What every reader in :mod:`app.schemas` shares: the strict base model, the TOML reader, and
pydantic's errors turned into key paths and words.

A problem is found either by a field's validator (its ``ValueError`` text is the words) or by
pydantic itself (a missing key, an unknown key, a table where a value was expected): each reader
words those in its file's style. A model validator that checks several fields together raises
:class:`Broken` with the key path (below the model) of each rule broken, so a wrong total is
reported at the total's own key, and several at once.

Pure values and functions; the models are built once, at import, and are safe on any thread.
"""

from __future__ import annotations

import tomllib
import types
from dataclasses import dataclass
from typing import Any, TypeGuard, Union, get_args, get_origin

from app.pydantic_once import BaseModel, ConfigDict, FieldInfo, ValidationError

#: A key path: table keys and list positions, from the top of the file or document.
KeyPath = tuple[str | int, ...]


class StrictModel(BaseModel):
    """Base of every table and object read: unknown keys refused, frozen. (The field types
    check their values themselves and convert nothing silently: ``"5"`` is not a number.)"""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemaError(ValueError):
    """A file that cannot be used: ``problems`` lists each one as ``key path: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class Broken(ValueError):
    """Rules broken across fields, each at a key path below the model that raises it."""

    def __init__(self, *found: tuple[KeyPath, str]) -> None:
        super().__init__("; ".join(words for _, words in found))
        self.found = found


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: where (``at``), pydantic's error ``kind``, what is wrong (``words``) and the
    value found there (``value``)."""

    at: KeyPath
    kind: str
    words: str
    value: object = None


def problems_of(error: ValidationError) -> list[Problem]:
    """Every problem in ``error``, in the order pydantic found them.

    The words of a validator's own ``ValueError`` are kept as written; a :class:`Broken` becomes
    one problem per rule, at its key path.
    """
    found: list[Problem] = []
    for item in error.errors(include_url=False):
        at = tuple(part for part in item["loc"] if part != "[key]")  # a bad dict key: the key
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, Broken):
            found += [Problem(at + below, "broken", words) for below, words in cause.found]
        else:
            words = str(cause) if isinstance(cause, ValueError) else item["msg"]
            found.append(Problem(at, item["type"], words, item.get("input")))
    return found


def parse_toml(text: str, what: str, error: type[SchemaError]) -> dict[str, Any]:
    """TOML text as a table, or ``error`` saying the file is not TOML (``what`` names it)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error([f"{what}: not valid TOML ({exc})"]) from None


def field_at(model: type[BaseModel], at: KeyPath) -> FieldInfo | None:
    """The field that key path ``at`` (from the top of ``model``) ends on, if it names one."""
    if not at or isinstance(at[-1], int):
        return None
    parent = _optional(_annotation_at(model, at[:-1]))
    return _field(parent, at[-1]) if _is_model(parent) else None


def keys_of(model: type[BaseModel], at: KeyPath) -> list[str]:
    """The keys the table at key path ``at`` may hold, sorted (for "unknown key" messages)."""
    table = _optional(_annotation_at(model, at))
    if not _is_model(table):
        return []
    return sorted(f.alias or name for name, f in table.model_fields.items())


def _annotation_at(model: type[BaseModel], at: KeyPath) -> Any:
    """The declared type of what key path ``at`` leads to (None when it leads nowhere known)."""
    inner: Any = model
    for part in at:
        inner = _optional(inner)
        if _is_model(inner):
            found = _field(inner, part)
            if found is None:
                return None
            inner = found.annotation
        elif get_origin(inner) in (list, tuple, frozenset):
            inner = get_args(inner)[0]  # ``part`` is a position in the list
        elif get_origin(inner) is dict:
            inner = get_args(inner)[1]  # ``part`` is a key of the mapping
        else:
            return None
    return inner


def _field(model: type[BaseModel], key: str | int) -> FieldInfo | None:
    return next((f for name, f in model.model_fields.items() if key in (name, f.alias)), None)


def _is_model(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _optional(annotation: Any) -> Any:
    """``X`` from ``X | None``; any other annotation as it is."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation
