"""Side effects that must happen once per period even when a task runs twice (a beat
duplicate, a redelivery after a worker died): claimed with an atomic ``cache.add``
(SET NX in Redis), released again if the effect fails so that a retry can try."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def claim(key: str, *, seconds: int) -> Iterator[bool]:
    """``with claim("mail:…:2027-07-01", seconds=…) as mine: if mine: send()``"""
    full = f"once:{key}"
    mine = cache.add(full, True, timeout=seconds)
    try:
        yield mine
    except BaseException:
        if mine:
            cache.delete(full)
        raise
