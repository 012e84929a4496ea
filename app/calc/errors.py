"""Bad input for ``python -m app calc``: one error type, free of pydantic (``--help`` stays light).

:class:`CalcInputError` carries the field path (``lines[2].frequency``) and what is wrong with
it; the dispatcher prints ``doorstep: calc KIND: <field>: <message>`` and exits with status 2.

Threading: plain values; safe anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence


class CalcInputError(ValueError):
    """The input cannot be used; ``field`` is its path (``""`` for the whole document)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def field_path(loc: Sequence[int | str]) -> str:
    """``("lines", 2, "frequency")`` -> ``lines[2].frequency``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
