"""Demo worlds built once per test process and put back with COPY (Zulip's template
database, per table).

Loading the demo through the services takes seconds (98 stations, their hours and
schedules, the union tree, the campaign, the workplaces), and dozens of tests start from
it after a flush or inside a fresh transaction. On PostgreSQL the first test that asks for
a world builds it through the real loaders and keeps a copy of every table the build
filled; a later test asking for the same world, on a database holding nothing but the
data the migrations seed, gets that copy back with ``COPY … FROM STDIN``: the same rows,
the same ids. Anything else (SpatiaLite, or a test that wrote rows before asking) builds
through the loaders, as before.

A world depends on the clock (the demo follows today's date and the season), so the key
of a copy carries the local minute and the settings the loaders read.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from core import time as local_time

#: Tables the copy never holds or truncates: they are rebuilt by Django itself after every
#: flush (post_migrate), with ids of their own, or record the schema.
UNTOUCHED = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass
class Copy:
    baseline: frozenset[str]  # tables holding rows before the build (the seeded data)
    tables: dict[str, bytes]  # every table holding rows after it, as COPY text


_COPIES: dict[tuple, Copy | None] = {}


def world(name: str, build: Callable[[], object]) -> None:
    """Make the database hold the world ``name``: built by ``build`` the first time (and
    whenever a copy cannot be used), restored from its copy afterwards."""
    if connection.vendor != "postgresql":
        build()
        return
    key = (
        name,
        _bucket(local_time.now()),
        getattr(settings, "YIZHAN_DEMO_SEASON", None),
        getattr(settings, "YIZHAN_ALLOW_DEMO", None),
    )
    filled = _filled_tables()
    copy = _COPIES.get(key)
    if copy is not None and filled <= copy.baseline:
        _restore(copy, filled=filled)
        return
    build()
    if key not in _COPIES and not filled - _baseline_candidates():
        _COPIES[key] = _capture(baseline=frozenset(filled))


#: A copy serves for this long: the demo's only moments relative to now are the visits of
#: today up to now and the time a forecast was fetched, and no test reads those to the
#: minute. A frozen clock (time-machine) keeps its own copy.
BUCKET_MINUTES = 10


def _bucket(moment: dt.datetime) -> str:
    return moment.replace(
        minute=moment.minute - moment.minute % BUCKET_MINUTES, second=0, microsecond=0
    ).isoformat()


def _table_names() -> list[str]:
    return sorted(set(connection.introspection.django_table_names(only_existing=True)) - UNTOUCHED)


def _baseline_candidates() -> frozenset[str]:
    """What a database may hold before a world: what the migrations seed (the catalogs
    and rules, and their history), never rows a test wrote."""
    return frozenset(
        table
        for table in _table_names()
        if table.split("_", 1)[-1]
        in {"service", "servicealias", "item", "provincerule", "historicalprovincerule"}
    )


def _pointing_at_untouched() -> set[str]:
    """Tables with a foreign key to a table the copy leaves alone: their rows would keep
    ids that the next flush gives to other rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)",
            [sorted(UNTOUCHED)],
        )
        return {row[0].strip('"') for row in cursor.fetchall()}


def _filled_tables() -> set[str]:
    names = _table_names()
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {connection.ops.quote_name(t)})"
                for t in names
            ),
            names,
        )
        return {row[0] for row in cursor.fetchall()}


def _capture(*, baseline: frozenset[str]) -> Copy | None:
    filled = _filled_tables()
    if filled & _pointing_at_untouched():
        return None
    tables: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in sorted(filled):
            buffer = io.BytesIO()
            # A SELECT, not the table: a partitioned table (visits) copies out no other way.
            query = f"COPY (SELECT * FROM {connection.ops.quote_name(table)}) TO STDOUT"
            with raw.copy(query) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            tables[table] = buffer.getvalue()
    return Copy(baseline=baseline, tables=tables)


def _restore(copy: Copy, *, filled: set[str]) -> None:
    """Put the copy back into a database whose only rows are in ``filled``, a subset of
    the tables the copy holds (the seeded catalogs): those rows go, the copy comes in."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in sorted(filled):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        raw = cursor.cursor
        for table, data in copy.tables.items():
            with raw.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as pipe:
                pipe.write(data)
    ContentType.objects.clear_cache()


def demo_world(*commands: str) -> None:
    """The quick start's demo as the given loader commands build it (the caller turns on
    ``YIZHAN_ALLOW_DEMO``), once per process and minute, then from its copy."""
    from django.core.management import call_command

    def build() -> None:
        for command in commands:
            call_command(command, verbosity=0)

    world("demo:" + ",".join(commands), build)
