"""``calc ie``: income and expenditure on the SFS (work in progress; see formats/calc.md)."""

from __future__ import annotations

from typing import Any

from app.calc.errors import CalcInputError


def run(data: object, *, fmt: str) -> dict[str, Any]:
    """Placeholder until the SFS domain lands."""
    raise CalcInputError("", "calc ie is not finished yet")
