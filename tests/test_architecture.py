"""The arrows of docs/design.md#layers hold, and the code type-checks.

- the import-linter contracts in pyproject.toml are kept (layers, a pure domain, Qt only in the
  UI, what the central store may take from the app);
- the domain imports only the standard library and ``dateutil`` (read from the source with
  ``ast``, so an import inside a function counts too);
- the central store imports of ``app`` only the domain, the wire protocol and sqlkit (whatever
  subpackages ``app`` grows later);
- the shared packages' ``__init__`` modules load neither pydantic nor SQLAlchemy;
- mypy finds no error in ``app`` and ``central`` (configured in pyproject.toml).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_MAY_IMPORT = frozenset(sys.stdlib_module_names) | {"dateutil"}
CENTRAL_MAY_IMPORT_FROM_APP = ("app.domain", "app.protocol", "app.sqlkit")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is a test dependency (pip install -e '.[test]')"
    return found


def _imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything a module imports, anywhere in it.

    ``from a.b import c`` gives ``a.b.c`` (``c`` may be a module or a name in ``a.b``: either
    way it starts with ``a.b``). Relative imports (banned by ruff) stay inside their package
    and are skipped.
    """
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


def _offences(folder: Path, allowed: Callable[[str], bool]) -> list[str]:
    modules = sorted(folder.rglob("*.py"))
    assert modules, f"no modules under {folder}"
    return [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in modules
        for line, name in _imported(path)
        if not allowed(name)
    ]


def test_import_contracts_are_kept():
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_domain_imports_only_the_standard_library_and_dateutil():
    def allowed(name: str) -> bool:
        return name.split(".")[0] in DOMAIN_MAY_IMPORT or _within(name, ("app.domain",))

    assert _offences(ROOT / "app" / "domain", allowed) == []


def test_central_imports_of_app_only_the_domain_the_protocol_and_sqlkit():
    def allowed(name: str) -> bool:
        return name.split(".")[0] != "app" or _within(name, CENTRAL_MAY_IMPORT_FROM_APP)

    assert _offences(ROOT / "central", allowed) == []


def test_the_shared_packages_load_no_pydantic_nor_sqlalchemy_on_import():
    # Services queue mutations with app.protocol.intents at start-up: pydantic must not come
    # with it; and a package __init__ that imports its modules would defeat that.
    probe = (
        "import sys, app.protocol, app.protocol.intents, app.sqlkit;"
        "print(sorted(m for m in ('pydantic', 'sqlalchemy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_mypy_finds_no_error():
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success"), result.stdout
