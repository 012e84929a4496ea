"""The Universal Credit rates shipped in ``resources/uc-rates.toml``, read once and parsed.

The figures are dated data (a new benefit year is a new table in the file, not new code); they
are read by :mod:`app.schemas.uc_rates` and every rule lives in
:mod:`app.domain.universal_credit`. The shipped table is cached after the first read: it is
immutable, so it may be shared between threads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.domain.universal_credit import UcRateTable
from app.paths import resource_path

UC_RATES_FILE = "uc-rates.toml"


class UcRatesFileError(ValueError):
    """The rates file cannot be read or used; the message names the file and the key."""


def load_uc_rates(*, path: Path | None = None) -> UcRateTable:
    """The UC rate table from ``path`` (default: the shipped ``resources/uc-rates.toml``)."""
    if path is None:
        return _shipped()
    return _read(path)


@lru_cache(maxsize=1)
def _shipped() -> UcRateTable:
    return _read(resource_path(UC_RATES_FILE))


def _read(path: Path) -> UcRateTable:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UcRatesFileError(f"Cannot read the UC rates {path}: {exc.strerror}.") from exc
    from app.schemas.uc_rates import UcRatesError, parse_uc_rates  # pydantic: loaded when read

    try:
        return parse_uc_rates(text)
    except UcRatesError as exc:
        raise UcRatesFileError(f"The UC rates {path} cannot be used: {exc}") from exc


__all__ = ["UC_RATES_FILE", "UcRatesFileError", "load_uc_rates"]
