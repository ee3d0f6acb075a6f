"""Errors of the welfare app; ``core.api`` answers them with their status."""

from __future__ import annotations

from core.errors import DomainError


class WelfareError(DomainError):
    """A request the welfare services refuse (400)."""
