"""The central store: the HMS import, officers and devices, and the sync service."""
