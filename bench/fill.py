"""A national network in a scratch PostGIS database: stations spread like the real one
(dense around cities, sparse on the plateau) and visits loaded with COPY.

Used by bench/run.py and scripts/load.sh; it writes with raw SQL and COPY on purpose (a
benchmark's fixture, not product code).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterator

#: (province GB/T 2260 prefix, province, city, lng, lat, weight). Weights follow the
#: size of each city's worker population roughly; the plateau cities weigh little.
CITIES = [
    ("11", "北京市", "北京", 116.40, 39.90, 60),
    ("12", "天津市", "天津", 117.20, 39.13, 25),
    ("13", "河北省", "石家庄", 114.51, 38.04, 18),
    ("13", "河北省", "唐山", 118.18, 39.63, 9),
    ("14", "山西省", "太原", 112.55, 37.87, 12),
    ("15", "内蒙古自治区", "呼和浩特", 111.75, 40.84, 7),
    ("21", "辽宁省", "沈阳", 123.43, 41.80, 18),
    ("21", "辽宁省", "大连", 121.61, 38.91, 14),
    ("22", "吉林省", "长春", 125.32, 43.82, 12),
    ("23", "黑龙江省", "哈尔滨", 126.53, 45.80, 15),
    ("31", "上海市", "上海", 121.47, 31.23, 65),
    ("32", "江苏省", "南京", 118.80, 32.06, 25),
    ("32", "江苏省", "苏州", 120.59, 31.30, 25),
    ("32", "江苏省", "无锡", 120.31, 31.49, 12),
    ("33", "浙江省", "杭州", 120.16, 30.27, 30),
    ("33", "浙江省", "宁波", 121.55, 29.87, 15),
    ("34", "安徽省", "合肥", 117.23, 31.82, 18),
    ("35", "福建省", "福州", 119.30, 26.08, 14),
    ("35", "福建省", "厦门", 118.09, 24.48, 12),
    ("36", "江西省", "南昌", 115.86, 28.68, 13),
    ("37", "山东省", "济南", 117.12, 36.65, 18),
    ("37", "山东省", "青岛", 120.38, 36.07, 20),
    ("41", "河南省", "郑州", 113.63, 34.75, 25),
    ("42", "湖北省", "武汉", 114.31, 30.59, 30),
    ("43", "湖南省", "长沙", 112.94, 28.23, 22),
    ("44", "广东省", "广州", 113.26, 23.13, 55),
    ("44", "广东省", "深圳", 114.06, 22.54, 55),
    ("44", "广东省", "东莞", 113.75, 23.02, 25),
    ("44", "广东省", "佛山", 113.12, 23.02, 20),
    ("45", "广西壮族自治区", "南宁", 108.37, 22.82, 13),
    ("46", "海南省", "海口", 110.20, 20.04, 7),
    ("50", "重庆市", "重庆", 106.55, 29.56, 40),
    ("51", "四川省", "成都", 104.07, 30.67, 40),
    ("52", "贵州省", "贵阳", 106.63, 26.65, 12),
    ("53", "云南省", "昆明", 102.83, 24.88, 14),
    ("54", "西藏自治区", "拉萨", 91.13, 29.65, 2),
    ("54", "西藏自治区", "日喀则", 88.88, 29.27, 0.5),
    ("61", "陕西省", "西安", 108.94, 34.34, 25),
    ("62", "甘肃省", "兰州", 103.83, 36.06, 8),
    ("63", "青海省", "西宁", 101.78, 36.62, 4),
    ("63", "青海省", "格尔木", 94.90, 36.40, 0.6),
    ("63", "青海省", "玉树", 97.01, 33.00, 0.3),
    ("64", "宁夏回族自治区", "银川", 106.23, 38.49, 5),
    ("65", "新疆维吾尔自治区", "乌鲁木齐", 87.62, 43.83, 9),
    ("65", "新疆维吾尔自治区", "喀什", 75.99, 39.47, 2),
]
WEEK = json.dumps(
    {"periods": [[d, "08:00", "20:00", False, "", ""] for d in range(1, 8)], "closures": []}
)
#: Share of stations offering each service (the nearby filter cases: 50 %, 10 %, 1 %).
SERVICE_SHARES = {"water": 1.0, "toilet": 0.5, "charging": 0.1, "first_aid": 0.01}
CATEGORIES = ["delivery", "courier", "sanitation", "construction", "driver", "security", "other"]


def station_points(n: int, rng: random.Random) -> Iterator[tuple[float, float, str]]:
    """(lng, lat, province prefix): 80 % within a city (σ ≈ 15 km), 20 % in its
    hinterland (σ ≈ 150 km), cities chosen by weight."""
    weights = [c[5] for c in CITIES]
    picks = rng.choices(CITIES, weights=weights, k=n)
    for prefix, _prov, _city, lng, lat, _w in picks:
        sigma = 0.15 if rng.random() < 0.8 else 1.4
        yield (
            min(134.5, max(73.6, rng.gauss(lng, sigma))),
            min(53.4, max(18.2, rng.gauss(lat, sigma * 0.8))),
            prefix,
        )


def create_network(cursor, provinces: dict[str, tuple[int, int]], n: int, seed: int = 7) -> None:
    """COPY ``n`` stations (ids 1..n) and their services and opening hours.

    ``provinces``: province prefix → (union id, region id).
    """
    rng = random.Random(seed)
    cursor.execute("SELECT code, id FROM stations_service")
    service_ids = dict(cursor.fetchall())
    now = dt.datetime.now(dt.UTC).isoformat()
    station_cols = (
        "id, code, name, name_en, kind, host_organization, union_id, region_id, location, "
        "address, phone, status, seats, step_free, accessible_toilet, is_24h, is_demo, "
        "schedule, service_codes, created_at, updated_at"
    )
    through: list[tuple[int, int]] = []
    with cursor.copy(f"COPY stations_station ({station_cols}) FROM STDIN") as copy:
        for i, (lng, lat, prefix) in enumerate(station_points(n, rng), start=1):
            union_id, region_id = provinces[prefix]
            codes = [c for c, share in SERVICE_SHARES.items() if rng.random() < share]
            through += [(i, service_ids[c]) for c in codes]
            is_24h = i % 10 == 0
            copy.write_row((
                i, f"CN-{i:07d}", f"驿站{i}", "", "other", "", union_id, region_id,
                f"SRID=4326;POINT({lng:.6f} {lat:.6f})", "", "", "active", 4, False, False,
                is_24h, False, "{}" if is_24h else WEEK, json.dumps(sorted(codes)), now, now,
            ))  # fmt: skip
    with cursor.copy("COPY stations_station_services (station_id, service_id) FROM STDIN") as copy:
        for row in through:
            copy.write_row(row)
    cursor.execute("SELECT setval(pg_get_serial_sequence('stations_station', 'id'), %s)", [n])
    cursor.execute(
        """
        INSERT INTO stations_openingperiod
          (station_id, weekday, opens, closes, overnight, season_start, season_end)
        SELECT s.id, d, '08:00', '20:00', false, '', ''
        FROM stations_station s CROSS JOIN generate_series(1, 7) AS d
        WHERE NOT s.is_24h
        """
    )


def copy_visits(
    cursor,
    *,
    count: int,
    stations: int,
    first_day: dt.date,
    days: int,
    start_serial: int,
    seed: int,
    table: str = "stations_visit",
) -> float:
    """COPY ``count`` visits spread evenly over ``days`` local days from ``first_day`` at
    random stations (ids 1..stations) into ``table``; answers the seconds taken. ids and
    uuids are made from a serial so that they are unique across calls."""
    rng = random.Random(seed)
    day_text = [(first_day + dt.timedelta(days=d)).isoformat() for d in range(days)]
    batch = "00000000-0000-4000-8000-000000000000"
    started = time.perf_counter()
    cols = "id, uuid, station_id, occurred_at, category, services, batch, received_at"
    rand = rng.random
    randrange = rng.randrange
    cats = CATEGORIES
    chunk: list[str] = []
    with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for k in range(start_serial, start_serial + count):
            s = int(rand() * 50400) + 25200  # 07:00-21:00 local
            ts = f"{day_text[randrange(days)]} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08"
            chunk.append(
                f"{k}\t00000000-0000-4000-8000-{k:012x}\t{int(rand() * stations) + 1}\t{ts}\t"
                f"{cats[int(rand() * 7)]}\t[]\t{batch}\t{ts}\n"
            )
            if len(chunk) == 20000:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))
    return time.perf_counter() - started


def rollup_visits(cursor, *, since_serial: int, fresh_days: bool = False) -> None:
    """Fold the visits COPY just loaded into the daily rollup (what the service does per
    batch, for the bulk load).

    ``fresh_days``: the loaded visits fall on days the rollup has no rows for yet (older
    history), so the rows are appended with the rollup's indexes dropped and rebuilt in
    one pass afterwards, as bulk loads are done; otherwise an upsert adds to what is there.
    """
    if fresh_days:
        # The foreign key too: row by row it queues one deferred check per row (19 M of
        # them at commit); added back, it is validated in one join.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'stations_visitdaily'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE stations_visitdaily DROP CONSTRAINT "{name}"')
        cursor.execute(
            "ALTER TABLE stations_visitdaily DROP CONSTRAINT visitdaily_station_day_category"
        )
        cursor.execute("DROP INDEX visitdaily_day_station")
        cursor.execute(
            """
            INSERT INTO stations_visitdaily (station_id, day, category, visits)
            SELECT station_id, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, category,
                   count(*)
            FROM stations_visit WHERE id > %s GROUP BY 1, 2, 3
            """,
            [since_serial],
        )
        cursor.execute(
            "ALTER TABLE stations_visitdaily ADD CONSTRAINT visitdaily_station_day_category "
            "UNIQUE (station_id, day, category)"
        )
        cursor.execute(
            "CREATE INDEX visitdaily_day_station ON stations_visitdaily (day, station_id)"
        )
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE stations_visitdaily ADD CONSTRAINT "{name}" {definition}')
        return
    cursor.execute(
        """
        INSERT INTO stations_visitdaily (station_id, day, category, visits)
        SELECT station_id, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, category, count(*)
        FROM stations_visit WHERE id > %s GROUP BY 1, 2, 3
        ON CONFLICT (station_id, day, category)
        DO UPDATE SET visits = stations_visitdaily.visits + excluded.visits
        """,
        [since_serial],
    )


def copy_visits_by_month(
    cursor,
    *,
    count: int,
    stations: int,
    first_day: dt.date,
    days: int,
    start_serial: int,
    seed: int,
    existing: set[str],
) -> float:
    """As ``copy_visits``, month by month. A month without a partition yet is loaded the
    way bulk loads are done: COPY into a bare table, then ATTACH it as the month's
    partition, which builds its indexes in one pass (much faster than row by row)."""
    from stations.services import partitions

    started = time.perf_counter()
    serial = start_serial
    day = first_day
    end = first_day + dt.timedelta(days=days)
    while day < end:
        month = day.replace(day=1)
        next_month = partitions.add_months(month, 1)
        span = (min(end, next_month) - day).days
        n = count * span // days
        name = partitions.partition_name(month)
        if name in existing:
            copy_visits(cursor, count=n, stations=stations, first_day=day, days=span,
                        start_serial=serial, seed=seed + serial)  # fmt: skip
        else:
            cursor.execute(f'CREATE TABLE "{name}" (LIKE stations_visit INCLUDING DEFAULTS)')
            copy_visits(cursor, count=n, stations=stations, first_day=day, days=span,
                        start_serial=serial, seed=seed + serial, table=name)  # fmt: skip
            lower = f"{month.isoformat()} 00:00+08"
            upper = f"{next_month.isoformat()} 00:00+08"
            cursor.execute(
                f'ALTER TABLE stations_visit ATTACH PARTITION "{name}" '
                f"FOR VALUES FROM ('{lower}') TO ('{upper}')"
            )
        serial += n
        day = day + dt.timedelta(days=span)
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('stations_visit', 'id'), "
        "(SELECT max(id) FROM stations_visit))"
    )
    return time.perf_counter() - started
