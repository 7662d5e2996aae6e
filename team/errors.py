"""Errors the team services raise; the pages and the API turn them into form and JSON errors."""

from __future__ import annotations


class InvalidInput(Exception):
    """Input that breaks a rule; `fields` maps each offending field to what is wrong with it."""

    def __init__(self, fields: dict[str, list[str]], message: str = "Some values are not valid."):
        super().__init__(message)
        self.message = message
        self.fields = fields


class NotFound(Exception):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(Exception):
    """The change collides with the stored state (a duplicate key, a stale version)."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Forbidden(Exception):
    """Visible to the caller, but not theirs to change or read in this way (403)."""
