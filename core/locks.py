"""Locks held until the end of the current transaction, on a name rather than a row.

A rule over rows that may not exist yet ("at most N hand-outs to this worker today") has no
row to ``select_for_update``. Locking a parent row instead (the campaign) serialises every
writer under it; an advisory lock on the name of exactly what the rule counts serialises
only the writers that could break it.
"""

from __future__ import annotations

import hashlib

from django.db import DEFAULT_DB_ALIAS, connections


def lock_key(*parts: object) -> int:
    """A signed 64-bit key for ``parts`` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def transaction_lock(*parts: object, using: str = DEFAULT_DB_ALIAS) -> None:
    """Wait for, then hold until commit or rollback, the lock named by ``parts``.

    Call it inside ``transaction.atomic``. PostgreSQL: ``pg_advisory_xact_lock`` (safe behind
    PgBouncer in transaction mode: it ends with the transaction). SpatiaLite: every write
    transaction begins IMMEDIATE (config.env), so writers are serialised already.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("transaction_lock needs a transaction (transaction.atomic)")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(*parts)])
