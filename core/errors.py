"""The one family of errors every service raises; ``core.api`` turns them into HTTP.

Each app subclasses :class:`DomainError` for its own failures (``StationsError``,
``CampaignError`` …) and raises the status subclasses below where the status matters.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that cannot be done as asked. ``field`` names the input at fault."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.extra = extra

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429
