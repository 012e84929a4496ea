"""Run ``python -m app calc KIND`` as a user does (a real subprocess), for the calc tests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_calc(kind: str, document: object, *args: str) -> subprocess.CompletedProcess[str]:
    """``document`` as JSON (or a string as it is) on standard input."""
    text = document if isinstance(document, str) else json.dumps(document)
    return subprocess.run(
        [sys.executable, "-m", "app", "calc", kind, *args],
        input=text,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def helpers(
    kind: str, output_keys: set[str]
) -> tuple[
    Callable[..., subprocess.CompletedProcess[str]],
    Callable[[object], dict[str, Any]],
    Callable[[object], str],
]:
    """``calc``, ``answer`` (exit 0, one sorted JSON object with exactly ``output_keys``) and
    ``refusal`` (exit 2, nothing on standard output; returns standard error) for one kind."""

    def calc(document: object, *args: str) -> subprocess.CompletedProcess[str]:
        return run_calc(kind, document, *args)

    def answer(document: object) -> dict[str, Any]:
        done = calc(document)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        assert done.stdout == json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n"
        assert set(result) == output_keys
        return result

    def refusal(document: object) -> str:
        done = calc(document)
        assert done.returncode == 2, done.stdout
        assert done.stdout == ""
        return done.stderr

    return calc, answer, refusal
