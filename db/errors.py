"""Errors the store raises, each with a message a person can act on."""


class StoreError(Exception):
    """A store operation could not be done; the message says why and what to do."""


class NotFound(StoreError):
    """No row has the id or key asked for."""
