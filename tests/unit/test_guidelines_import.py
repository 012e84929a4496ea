"""``python -m app guidelines import``: all or nothing, idempotent, a correction replaces.

The figures are the FICTIONAL fixture of docs/rules.md W2 (no licensed SFS figure is in the repo).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.guidelines import GuidelineError
from app.domain.sfs import Household
from app.models import GuidelineFigure
from app.paths import data_dir
from app.services.guidelines import held_guidelines, import_guidelines
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from tests.unit.test_app_cli import run_app

W2 = """category,household_key,amount,effective_from
food-housekeeping,base_2_adults,420.00,2026-04-06
food-housekeeping,per_child,110.00,2026-04-06
communications-leisure,base_2_adults,75.00,2026-04-06
communications-leisure,per_child,10.00,2026-04-06
personal,base_2_adults,80.00,2026-04-06
personal,per_child,20.00,2026-04-06
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _count(store: LocalStore) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(GuidelineFigure)).scalar_one())


def test_import_is_idempotent_and_a_correction_replaces(store: LocalStore) -> None:
    workspace = Workspace(store)
    first = import_guidelines(workspace, csv_text=W2)
    assert (first.added, first.changed, first.unchanged) == (6, 0, 0)
    assert first.tables == (date(2026, 4, 6),)
    again = import_guidelines(workspace, csv_text=W2)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 6)

    corrected = W2.replace("personal,per_child,20.00", "personal,per_child,25.00")
    fixed = import_guidelines(workspace, csv_text=corrected)
    assert (fixed.added, fixed.changed, fixed.unchanged) == (0, 1, 5)

    table = held_guidelines(workspace).in_force(date(2026, 6, 1))
    assert table is not None
    household = Household(adults=2, children_under_16=2)
    assert table.guideline_pence("food-housekeeping", household) == 64000  # W2: £640
    assert table.guideline_pence("personal", household) == 13000  # corrected: 80 + 2 x 25
    assert held_guidelines(workspace).in_force(date(2026, 4, 5)) is None  # before it applies


def test_a_bad_file_names_the_line_and_changes_nothing(store: LocalStore) -> None:
    workspace = Workspace(store)
    import_guidelines(workspace, csv_text=W2)
    bad = W2 + "personal,per_child,£5,2027-04-05\n"
    with pytest.raises(GuidelineError) as caught:
        import_guidelines(workspace, csv_text=bad.replace("80.00", "99.00"))
    assert "line 8" in str(caught.value)
    assert "amount" in str(caught.value)
    assert _count(store) == 6
    table = held_guidelines(workspace).in_force(date(2026, 6, 1))
    assert table is not None
    assert table.guideline_pence("personal", Household(adults=2)) == 8000  # unchanged


def test_the_command_imports_and_refuses_a_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "guidelines.csv"
    good.write_text(W2, encoding="utf-8")
    device = tmp_path / "device"
    done = run_app("guidelines", "import", str(good), data_dir=device)
    assert done.returncode == 0, done.stderr
    assert "6 added, 0 changed, 0 already held (tables from 2026-04-06)" in done.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("category,household_key,amount\npersonal,base_2_adults,80\n", encoding="utf-8")
    refused = run_app("guidelines", "import", str(bad), data_dir=device)
    assert refused.returncode == 1
    assert "bad.csv" in refused.stderr
    assert "nothing was imported" in refused.stderr
    assert "Traceback" not in refused.stderr
