"""Errors of the supervision app; ``core.api`` answers them with their status."""

from __future__ import annotations

from core.errors import DomainError


class SupervisionError(DomainError):
    """A request the supervision services refuse (400)."""
