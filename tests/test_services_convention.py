"""The services own the unit of work (docs/design.md#layers: "A service owns its transaction").

Every use case in ``app.services`` is a public function of a public module that takes the
``Workspace`` first and opens its own transaction; nothing public there takes a Session, so no
caller above the services can hold one. Session-level building blocks shared by several services
live in package-private modules (``app/services/_*.py``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import app.services

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "app" / "services"


def _public_functions() -> list[tuple[str, inspect.Signature]]:
    found = []
    for module in pkgutil.iter_modules(app.services.__path__):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"app.services.{module.name}")
        for name, value in vars(loaded).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ == loaded.__name__:
                found.append((f"{module.name}.{name}", inspect.signature(value)))
    return found


def test_no_public_service_function_takes_a_session() -> None:
    offenders = [
        name
        for name, signature in _public_functions()
        if any(
            "Session" in str(p.annotation) or p.name == "session"
            for p in signature.parameters.values()
        )
    ]
    assert offenders == []


def test_every_use_case_that_touches_the_store_takes_the_workspace_first() -> None:
    """A public function whose body opens a transaction takes ``workspace`` first."""
    offenders = []
    for path in sorted(SERVICES.glob("[!_]*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            opens = any(
                isinstance(call, ast.Attribute) and call.attr in ("transaction", "session")
                for call in ast.walk(node)
            )
            first = node.args.posonlyargs + node.args.args
            if opens and (not first or first[0].arg != "workspace"):
                offenders.append(f"{path.stem}.{node.name}")
    assert offenders == []


def test_nothing_outside_the_services_opens_a_session_on_the_app_side() -> None:
    """The screens, the commands and the calculations never open a session or transaction."""
    offenders = []
    for folder in ("ui", "calc"):
        for path in sorted((ROOT / "app" / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if ".session()" in text or ".transaction()" in text:
                offenders.append(str(path.relative_to(ROOT)))
    cli = (ROOT / "app" / "cli.py").read_text(encoding="utf-8")
    if ".session()" in cli or ".transaction()" in cli:
        offenders.append("app/cli.py")
    assert offenders == []
