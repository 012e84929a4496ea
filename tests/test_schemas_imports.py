"""app.schemas stays a thin reading layer: it imports pydantic, the standard library and the
domain, nothing else of ours; and reading a file is no longer the domain's business."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_PACKAGES = {"pydantic", "pydantic_core"}
ALLOWED_OURS = ("app.domain", "app.schemas", "app.pydantic_once")


def _imports(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules it imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_schemas_import_only_pydantic_the_standard_library_and_the_domain():
    schemas = _imports("app.schemas")
    assert "app/schemas/policy.py" in schemas
    strays = {
        module: sorted(
            name
            for name in names
            if name.split(".")[0] not in sys.stdlib_module_names | ALLOWED_PACKAGES
            and not name.startswith(ALLOWED_OURS)
            and name != "__future__"
        )
        for module, names in schemas.items()
    }
    assert {module: names for module, names in strays.items() if names} == {}


def test_the_domain_reads_no_toml_and_no_pydantic():
    domain = _imports("app.domain")
    assert "app/domain/recovery.py" in domain
    readers = {"tomllib", "pydantic"}
    assert {module: names & readers for module, names in domain.items() if names & readers} == {}
