"""Erasure on request, across apps that do not know each other.

A worker is known to the hand-out and voucher records only by the HMAC of their phone
number (``core.identity``). The app that erases a worker (welfare) lies below the app that
holds those records (campaigns), so the records' app registers here a function that
detaches a key, the way stations' panels are registered; the erasing service calls every
registered function inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

#: (phone HMAC, the random marker that replaces it) → rows changed
PersonKeyEraser = Callable[[str, str], int]

_ERASERS: dict[str, PersonKeyEraser] = {}


def register_person_key_eraser(name: str, eraser: PersonKeyEraser) -> None:
    _ERASERS[name] = eraser


def person_key_erasers() -> dict[str, PersonKeyEraser]:
    return dict(_ERASERS)
