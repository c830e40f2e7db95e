"""Newsdesk's pipeline from a fetched page to a queued candidate."""

__version__ = "0.1.0"
