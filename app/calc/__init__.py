"""``python -m app calc KIND [FILE] [--format json|sfs]``: the calculations from the command line.

The contract is docs/calc.md: JSON in (FILE or standard input), one JSON
object out on standard output with its keys sorted, exit status 0; bad input of any kind exits
with status 2 and one line on standard error naming the field
(``lines[2].frequency: 'fortnigtly' is not one of ...``). Nothing is written anywhere else.

Registering a kind (one module per kind, imported only when that kind runs, so ``--help``
stays fast and free of pydantic/Qt):

1. write ``app/calc/<kind>.py`` with ``def run(data: object, *, fmt: str) -> dict[str, Any]``:
   ``data`` is the parsed JSON document, ``fmt`` the ``--format`` value (``"json"`` unless the
   user asked for another). The dict is written with its keys sorted; a kind that must control
   the JSON text itself (``ie --format sfs`` writes amounts as ``487.50``) returns that text
   as a ``str`` instead, written as it is. Raise :class:`app.calc.errors.CalcInputError` for
   bad input (or use :func:`app.calc.inputs.parse_model`, which turns a pydantic
   ``ValidationError`` into one); raise it too for a format the kind does not offer;
2. add one line to :data:`KINDS` below: ``"<kind>": "app.calc.<kind>"``.

Threading: runs on the caller's thread; pure apart from reading FILE/stdin and writing stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.calc.errors import CalcInputError

# KIND -> the module holding its ``run(data, *, fmt) -> dict``. Add yours here.
KINDS: dict[str, str] = {
    "ie": "app.calc.ie",
    "breach": "app.calc.breach",
    "uc": "app.calc.uc",
    "deductions": "app.calc.deductions",
    "technical": "app.calc.technical",
}

FORMATS: tuple[str, ...] = ("json", "sfs")

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``calc`` arguments, shared by ``python -m app calc`` and :func:`main`."""
    parser.add_argument(
        "kind", choices=sorted(KINDS), metavar="KIND", help=", ".join(sorted(KINDS))
    )
    parser.add_argument(
        "file", nargs="?", default=None, help="the input JSON (default: standard input)"
    )
    parser.add_argument(
        "--format",
        dest="calc_format",
        choices=FORMATS,
        default="json",
        help="json (default) or, for ie, sfs: the SFS v1.1 data-entry document",
    )


def read_input(path: str | None) -> object:
    """The parsed JSON document from ``path`` (``None`` or ``-``: standard input)."""
    try:
        if path is None or path == "-":
            text = sys.stdin.read()
        else:
            text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalcInputError("", f"the input file {path} does not exist") from None
    except IsADirectoryError:
        raise CalcInputError("", f"the input file {path} is a folder, not a file") from None
    except UnicodeDecodeError:
        raise CalcInputError("", "the input is not UTF-8 text") from None
    except OSError as exc:
        raise CalcInputError("", f"the input file {path} cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CalcInputError(
            "", f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def _reject_constant(name: str) -> object:
    raise CalcInputError("", f"not JSON: {name} is not a number JSON allows")


def compute(kind: str, data: object, *, fmt: str = "json") -> dict[str, Any] | str:
    """Run one registered kind on a parsed document (raises :class:`CalcInputError`)."""
    try:
        module_name = KINDS[kind]
    except KeyError:
        raise CalcInputError(
            "", f"unknown kind {kind!r}: one of {', '.join(sorted(KINDS))}"
        ) from None
    module = importlib.import_module(module_name)
    result: dict[str, Any] | str = module.run(data, fmt=fmt)
    return result


def run(*, kind: str, path: str | None, fmt: str = "json") -> int:
    """Read, compute, write one sorted JSON object; exit status (2 and stderr on bad input)."""
    try:
        result = compute(kind, read_input(path), fmt=fmt)
    except CalcInputError as exc:
        sys.stderr.write(f"doorstep: calc {kind}: {exc}\n")
        return EXIT_BAD_INPUT
    text = (
        result
        if isinstance(result, str)
        else json.dumps(result, sort_keys=True, ensure_ascii=False)
    )
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``calc KIND [FILE] [--format ...]`` on its own (``python -m app calc`` delegates here)."""
    parser = argparse.ArgumentParser(prog="python -m app calc", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_intermixed_args(argv)  # exits with status 2 on bad usage
    return run(kind=args.kind, path=args.file, fmt=args.calc_format)
