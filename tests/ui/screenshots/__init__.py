"""Grab every screen offscreen, on a 1366x768 laptop screen, to look at them (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.screenshots /tmp/shots

One module per part of the app (``worklist``, ``case``, ``record_action``, ``arrangement``,
``uc_helper``, ``assessment``, ``signin``), each with a ``shoot(...)`` that saves its PNGs
through :class:`~tests.ui.screenshots.kit.Shots`. Uses an in-memory keyring and a throwaway
folder; writes PNGs into the folder given.
"""
