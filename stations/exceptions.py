"""Errors the stations services raise; ``stations.api_errors`` maps them to HTTP."""

from __future__ import annotations


class StationsError(Exception):
    """Base class. ``field`` names the input at fault when there is one."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(StationsError):
    status_code = 403


class NotFound(StationsError):
    status_code = 404


class Conflict(StationsError):
    status_code = 409
