"""Errors about the station network. ``core.api`` maps every ``DomainError`` to HTTP."""

from __future__ import annotations

from core.errors import DomainError


class StationsError(DomainError):
    """A change to the network that breaks one of its rules (status 400)."""
