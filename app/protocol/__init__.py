"""The sync wire protocol, shared by the client (``app.sync``) and the central store (``central``).

- ``app.protocol.intents``: the versioned intent names a device pushes (plain strings, no
  pydantic, so a service that queues a mutation loads none at start-up).
- ``app.protocol.messages``: the wire format itself (pydantic models, ``PROTOCOL_VERSION``,
  headers), loaded only by code that talks over the wire.

This ``__init__`` imports nothing: importing ``app.protocol.intents`` must not pull in pydantic.
"""
