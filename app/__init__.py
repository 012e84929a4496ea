"""Doorstep: the desktop client an income officer carries to tenants' homes and to court."""

__version__ = "0.1.0"
