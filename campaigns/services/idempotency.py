"""The first answer to a stock-changing API call, kept so that a retry with the same
``Idempotency-Key`` gets that answer again and moves nothing twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from campaigns.models import IdempotencyRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def idempotency_record(
    *,
    user: AbstractBaseUser,
    key: str,
    endpoint: str,
    request_hash: str,
    status_code: int,
    body: Any,
) -> IdempotencyRecord:
    """Remember the answer to ``user``'s request ``key``.

    Raises ``IntegrityError`` when a concurrent request with the same key recorded its
    answer first: the caller rolls its own work back and replays that answer.
    """
    return IdempotencyRecord.objects.create(
        key=key, user=user, endpoint=endpoint, request_hash=request_hash,
        status_code=status_code, body=body,
    )  # fmt: skip
