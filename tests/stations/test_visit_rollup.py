"""Visits at national volume: the daily rollup reports read, and monthly partitions.

The rollup must equal the raw aggregate whatever arrives (duplicates, retries, undo,
local days across midnight); partitions of the coming months are created ahead; a
query on a month reads only that month's partition.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
import zoneinfo

import pytest
import time_machine
from django.db import connection

from stations.models import Station, Visit, VisitDaily
from stations.selectors import visits_by_day, visits_by_day_raw
from stations.services import partitions
from stations.services.stations import station_save
from stations.services.visits import (
    VisitInput,
    visit_record_batch,
    visit_rollup_rebuild,
    visit_undo,
)
from tests.factories import UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 7, 14, 10, 0, tzinfo=SHANGHAI)
# Far enough ahead that no partition the migration made (around its own date) covers it.
LATER = dt.datetime(2031, 7, 14, 10, 0, tzinfo=SHANGHAI)
CATEGORIES = ["delivery", "courier", "sanitation", "construction"]

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def stations(network):
    for station in (network.xining_station, network.xining_station_2, network.golmud_station):
        station_save(actor=None, station=station, services=["water", "toilet"])
    return network


def some_visits(rng: random.Random, n: int, now: dt.datetime = NOW) -> list[VisitInput]:
    codes = ["QH-XN-0001", "QH-XN-0002", "QH-HX-0001"]
    out = []
    for _ in range(n):
        # Within the last 7 days, across local midnights.
        when = now - dt.timedelta(minutes=rng.randrange(0, 6 * 24 * 60))
        out.append(VisitInput(
            uuid=str(uuid.UUID(int=rng.getrandbits(128))), station=rng.choice(codes),
            occurred_at=when.isoformat(), category=rng.choice(CATEGORIES),
            services=["water"],
        ))  # fmt: skip
    return out


@time_machine.travel(NOW, tick=False)
def test_rollup_equals_the_raw_aggregate_through_retries_duplicates_and_undo(stations, superuser):
    rng = random.Random(13)
    first = some_visits(rng, 120)
    visit_record_batch(actor=superuser, visits=first)
    visit_record_batch(actor=superuser, visits=first[:60])  # a retry: all duplicates
    mixed = first[100:] + some_visits(rng, 80)  # 20 old, 80 new, in one batch
    outcomes = visit_record_batch(actor=superuser, visits=mixed)
    assert [o.status for o in outcomes].count("created") == 80
    for item in first[:5]:
        visit_undo(actor=superuser, uuid=item.uuid)
    assert Visit.objects.count() == 195

    scope = Station.objects.all()
    start, end = NOW.date() - dt.timedelta(days=7), NOW.date()
    rolled = visits_by_day(stations=scope, start=start, end=end)
    raw = visits_by_day_raw(stations=scope, start=start, end=end)
    assert rolled == raw
    assert sum(r["n"] for r in rolled) == 195
    # A rebuild from the raw rows writes the same thing (and may run twice).
    visit_rollup_rebuild(start=start, end=end)
    visit_rollup_rebuild(start=start, end=end)
    assert visits_by_day(stations=scope, start=start, end=end) == raw


@time_machine.travel(NOW, tick=False)
def test_a_visit_just_before_local_midnight_counts_for_that_local_day(stations, superuser):
    late = dt.datetime(2027, 7, 13, 23, 59, tzinfo=SHANGHAI)  # 15:59 UTC
    visit_record_batch(actor=superuser, visits=[VisitInput(
        uuid=str(uuid.uuid4()), station="QH-XN-0001", occurred_at=late.isoformat(),
        category="delivery", services=[],
    )])  # fmt: skip
    row = VisitDaily.objects.get()
    assert (row.day, row.category, row.visits) == (dt.date(2027, 7, 13), "delivery", 1)


@pytest.mark.postgis
@time_machine.travel(LATER, tick=False)
def test_partitions_are_created_ahead_and_catch_rows_the_default_partition_held(
    stations, superuser
):
    assert partitions.is_partitioned()
    visit_record_batch(actor=superuser, visits=some_visits(random.Random(5), 30, now=LATER))
    july = partitions.partition_name(dt.date(2031, 7, 1))
    before = partitions.visit_partitions()
    assert july not in before  # the migration made partitions around its own date
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "stations_visit_default"')
        held = cursor.fetchone()[0]
    assert held == 30

    created = partitions.visit_partitions_ensure(months_ahead=3, today=LATER.date())
    assert created == [partitions.partition_name(dt.date(2031, m, 1)) for m in (7, 8, 9, 10)]
    assert partitions.visit_partitions_ensure(months_ahead=3, today=LATER.date()) == []
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "stations_visit_default"')
        assert cursor.fetchone()[0] == 0
        cursor.execute(f'SELECT count(*) FROM "{july}"')
        assert cursor.fetchone()[0] == 30  # all within July 8-14
    assert Visit.objects.count() == 30
    # Still one table to the code: uniqueness by the client's uuid holds across the move.
    again = visit_record_batch(actor=superuser, visits=some_visits(random.Random(5), 30, now=LATER))
    assert {o.status for o in again} == {"duplicate"}


@pytest.mark.postgis
@time_machine.travel(LATER, tick=False)
def test_a_query_on_one_month_reads_only_that_partition(stations, superuser):
    partitions.visit_partitions_ensure(months_ahead=2, today=dt.date(2031, 6, 1))
    first = dt.datetime(2031, 7, 1, tzinfo=SHANGHAI)
    last = dt.datetime(2031, 8, 1, tzinfo=SHANGHAI)
    qs = Visit.objects.filter(
        station__code="QH-XN-0001", occurred_at__gte=first, occurred_at__lt=last
    ).values("category")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = json.dumps(cursor.fetchone()[0])
    scanned = {
        name for name in partitions.visit_partitions() if f'"Relation Name": "{name}"' in plan
    }
    assert scanned == {partitions.partition_name(dt.date(2031, 7, 1))}, plan
