"""Readers of what a council or an adviser hands Doorstep: checked by pydantic, returned as the
domain's frozen values.

- :mod:`app.schemas.policy`: a council's recovery policy (TOML) -> ``RecoveryPolicy``.
- :mod:`app.schemas.uc_rates`: the Universal Credit rates (TOML) -> ``UcRateTable``.
- :mod:`app.schemas.sfs_document`: an SFS v1.1 data-entry document (JSON) -> ``SfsStatement``.

One approach for all three: a pydantic model per table or object (unknown keys refused), the
value types of :mod:`app.schemas.fields` shared by both TOML files (money is pounds written as a
string, ``"12.50"``; a date is a TOML date, ``2026-04-06``), and every refusal naming the key
path at fault (:mod:`app.schemas.base`). The rules stay in :mod:`app.domain`; this package
imports only pydantic (through :mod:`app.pydantic_once`), the standard library's readers
(tomllib, json) and the domain.

Nothing is imported here: pydantic costs a tenth of a second to load, so each reader is imported
by the code that needs it, when it needs it. Models are built once, at import; reading is
thread-safe.
"""
