"""The embedded demo behind ``make run``: a synthetic council, a local central store and the
client signed in to it, on one machine, with nothing to configure."""
