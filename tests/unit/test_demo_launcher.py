"""``make run``'s launcher: the synthetic council is built once, and rebuilt when it is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

import demo.__main__ as launcher


@pytest.fixture
def small_council(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "TENANCIES", 30)
    monkeypatch.setattr(launcher, "OFFICERS", 2)


@pytest.mark.usefixtures("small_council")
def test_the_council_is_built_once_and_rebuilt_when_older(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    home.mkdir()
    url = f"sqlite:///{home / 'central.sqlite'}"

    password = launcher.prepare_council(home, url)
    assert (home / "export" / "actions.csv").exists()
    assert (home / ".council-ready").read_text(encoding="utf-8").strip() == launcher.DEMO_VERSION
    built = (home / "central.sqlite").stat().st_mtime_ns

    assert launcher.prepare_council(home, url) == password  # nothing rebuilt
    assert (home / "central.sqlite").stat().st_mtime_ns == built

    # A demo folder from an older release: the council and its laptop are made afresh.
    (home / ".council-ready").write_text("1\n", encoding="utf-8")
    (home / "client").mkdir()
    (home / "client" / "doorstep.db").write_bytes(b"old laptop")
    new_password = launcher.prepare_council(home, url)
    assert new_password != password
    assert not (home / "client").exists()
    assert (home / ".council-ready").read_text(encoding="utf-8").strip() == launcher.DEMO_VERSION
