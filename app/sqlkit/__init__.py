"""SQL building blocks both stores share (the encrypted laptop database and the central store).

What lives here is neutral: it knows neither the client's models nor the central store's, so
``central`` can use it without importing the client (docs/design.md: central shares the wire
protocol, the domain rules and this one small package, never the client's models or store).

- ``app.sqlkit.utc``: the timezone-aware UTC instant column type and ``utcnow``.
- ``app.sqlkit.instants``: the rule that column type follows (no SQLAlchemy), for plain SQL too.
- ``app.sqlkit.naming``: the constraint naming convention both metadatas use.
- ``app.sqlkit.gcpause``: the cyclic garbage-collector pause for bulk row work.
- ``app.sqlkit.balances``: the balance of every tenancy, over the tables the caller names.

This ``__init__`` imports nothing, so a module that needs only the GC pause loads no SQLAlchemy.
"""
