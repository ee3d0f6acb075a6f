"""Errors of the campaigns app; the API's handler answers them with their status."""

from __future__ import annotations

from typing import Any

from core.errors import Conflict, DomainError


class CampaignsError(DomainError):
    """A request the campaigns services refuse (400 unless a subclass says otherwise)."""


class InsufficientStock(Conflict):
    """Not enough stock: 409 with what is available."""

    def __init__(self, message: str, *, available: int, field: str | None = "quantity") -> None:
        super().__init__(message, field=field)
        self.available = available
        self.extra: dict[str, Any] = {"available": available}


class LimitReached(Conflict):
    """A per-person hand-out limit is reached."""
