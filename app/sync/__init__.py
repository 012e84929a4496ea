"""Client side of the sync protocol: the HTTP client, pull and push.

The wire format itself (intent names, messages) is ``app.protocol``, shared with the central
store; this package is the device's half and is never imported by ``central``.
"""
