"""Where the client keeps its files: one place, over platformdirs.

The data directory is, in order: the ``--data-dir`` option, ``DOORSTEP_DATA_DIR``,
``DOORSTEP_HOME``/data (tests point DOORSTEP_HOME at a temporary folder), or the platform's
user data directory. Nothing is ever written beside the executable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Doorstep"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The client's data directory (created if missing)."""
    if override:
        path = Path(override)
    elif os.environ.get("DOORSTEP_DATA_DIR"):
        path = Path(os.environ["DOORSTEP_DATA_DIR"])
    elif os.environ.get("DOORSTEP_HOME"):
        path = Path(os.environ["DOORSTEP_HOME"]) / "data"
    else:
        path = user_data_path(APP_NAME, appauthor=False)
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(directory: Path) -> Path:
    """The encrypted caseload database inside a data directory."""
    return directory / "doorstep.db"


def resource_path(name: str) -> Path:
    """A file shipped in ``resources/`` (beside the packages, or inside a PyInstaller bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root / "resources" / name


def policy_override(directory: Path) -> Path | None:
    """A council's own recovery policy, if one is installed.

    ``DOORSTEP_POLICY`` names the file; otherwise ``recovery-policy.toml`` in the data
    directory is used when present. None means the shipped default applies.
    """
    named = os.environ.get("DOORSTEP_POLICY")
    if named:
        return Path(named).expanduser()
    local = directory / "recovery-policy.toml"
    return local if local.exists() else None
