"""Where the client keeps its files: one place, over platformdirs.

The data directory is, in order: the ``--data-dir`` option, ``DOORSTEP_DATA_DIR``,
``DOORSTEP_HOME``/data (tests point DOORSTEP_HOME at a temporary folder), or the platform's
user data directory. Nothing is ever written beside the executable.
"""

from __future__ import annotations

import os
import sys
import tempfile
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


def write_private_file(path: Path, data: bytes) -> None:
    """Write an export (an SFS file, a PDF summary) whole or not at all, readable by its owner
    only: a temporary file beside it (mode 0600), flushed to disk, then renamed over ``path``.
    A crash or a full disk leaves the old file, or none, never half of one. Raises OSError."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
