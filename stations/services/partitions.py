"""Monthly partitions of ``stations_visit`` on PostgreSQL, created ahead of time.

The table is partitioned by range on ``occurred_at`` (migration 0008), one partition per
calendar month in Asia/Shanghai, plus a default partition that catches anything outside
them (so an insert never fails for want of a partition). ``visit_partitions_ensure`` runs
daily (Celery beat) and is idempotent: it creates the partitions of the coming months,
and if the default partition already holds rows of a month it is about to create, it
moves them into the new partition in the same transaction. On SpatiaLite it does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from core import time as local_time

PARENT = "stations_visit"
DEFAULT_PARTITION = "stations_visit_default"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [PARENT]
        )
        return cursor.fetchone() is not None


def visit_partitions() -> list[str]:
    """Names of the partitions that exist now (the default one included)."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [PARENT],
        )
        return [row[0] for row in cursor.fetchall()]


def _create_month(cursor, month: dt.date) -> None:
    name = partition_name(month)
    start = local_time.local_day_bounds(month)[0]
    end = local_time.local_day_bounds(add_months(month, 1))[0]
    # Build it beside the table, move any rows the default partition caught for this
    # month, then attach: ATTACH checks the default holds none of the range any more.
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{PARENT}" INCLUDING DEFAULTS)')
    cursor.execute(
        f'WITH moved AS (DELETE FROM "{DEFAULT_PARTITION}" '  # noqa: S608 - our names
        "WHERE occurred_at >= %s AND occurred_at < %s RETURNING *) "
        f'INSERT INTO "{name}" SELECT * FROM moved',
        [start, end],
    )
    cursor.execute(
        f'ALTER TABLE "{PARENT}" ATTACH PARTITION "{name}" FOR VALUES FROM (%s) TO (%s)',
        [start, end],
    )


def visit_partitions_ensure(*, months_ahead: int = 3, today: dt.date | None = None) -> list[str]:
    """Create the partitions from this month to ``months_ahead`` months ahead that are
    missing; answer the names created. Safe to run twice, and from several workers (a
    transaction-level advisory lock serialises them)."""
    if not is_partitioned():
        return []
    today = today or local_time.today()
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('stations.visit-partitions'))")
        existing = set(visit_partitions())
        for i in range(months_ahead + 1):
            month = add_months(month_start(today), i)
            if partition_name(month) not in existing:
                _create_month(cursor, month)
                created.append(partition_name(month))
    return created
