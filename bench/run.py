"""make bench: the national network on one box, each case beside its floor, one table.

    python bench/run.py [--stations 10000|200000|1000000] [--visits N] [--quick]

Builds a scratch PostGIS database (dropped at the end) of N stations spread like the real
network and loads visits with COPY, then measures, with warm-up, each case against its
floor in the same run, and prints one markdown table (also written to
bench/results/latest.md). Absolute times on a shared 2-core machine mean little; the
ratios are the result.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fill  # noqa: E402

BASE_URL = os.environ.get("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
ROWS: list[tuple[str, str, str, str, str]] = []  # case, measured, floor, ratio, goal


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def row(case: str, value: str, floor: str, ratio: float | None, goal: str) -> None:
    ROWS.append((case, value, floor, f"{ratio:.2f}" if ratio is not None else "—", goal))
    print(f"  {case}: {value} vs {floor} → {ratio if ratio is None else round(ratio, 2)}")


def timed(fn: Callable[[int], object], samples: int, warmup: int = 20) -> float:
    """Median seconds of ``fn(i)`` over ``samples`` calls after ``warmup`` calls."""
    for i in range(warmup):
        fn(i)
    out = []
    for i in range(samples):
        t0 = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def db_params(url: str) -> dict[str, str]:
    rest = url.split("://", 1)[1]
    creds, hostdb = rest.split("@")
    user, password = creds.split(":")
    hostport, name = hostdb.split("/")
    host, port = ([*hostport.split(":"), "5432"])[:2]
    return {"host": host, "port": port, "user": user, "password": password, "dbname": name}


@contextlib.contextmanager
def scratch_database() -> Iterator[tuple[str, str]]:
    """A new database beside ``BASE_URL``'s, which Django is pointed at (``DATABASE_URL``,
    persistent connections); yields (name, url) and drops it at the end, whatever happens."""
    import psycopg

    name = f"yizhan_bench_{uuid.uuid4().hex[:6]}"
    scheme, rest = BASE_URL.split("://", 1)
    creds_host, _admin_db = rest.rsplit("/", 1)
    url = f"{scheme}://{creds_host}/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["CONN_MAX_AGE"] = "600"
    admin = psycopg.connect(**{**db_params(BASE_URL), "dbname": "postgres"}, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, url
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def stop(server) -> None:
    if server is not None:
        server.terminate()
        server.wait(timeout=10)


# Setup -------------------------------------------------------------------------------------


def build(args: argparse.Namespace, url: str) -> dict:
    """Migrate, create 31 provincial unions and the stations; answer ids the cases need."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from stations.models import Region, Union
    from stations.services.regions_unions import union_save

    provinces: dict[str, tuple[int, int]] = {}
    for prefix, name, *_ in fill.CITIES:
        if prefix in provinces:
            continue
        region = Region.objects.create(code=f"{prefix}0000", name=name, level="province")
        union = union_save(
            actor=None,
            union=Union(code=f"P{prefix}", name=f"{name}总工会", kind="province", region=region),
        )
        provinces[prefix] = (union.pk, region.pk)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        fill.create_network(cursor.connection.cursor(), provinces, args.stations)
        cursor.execute("ANALYZE")
    print(f"{args.stations:,} stations in {time.perf_counter() - started:.1f} s")
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
    return {"provinces": provinces, "admin": admin.pk}


def _visits() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM stations_visit")
        return cursor.fetchone()[0] or 0


def load_visits(
    args, *, count: int, serial: int, first_day: dt.date, days: int, fresh_days: bool = False
) -> None:
    from django.db import connection

    from stations.services import partitions

    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        raw.execute("SELECT COALESCE(max(id), 0) FROM stations_visit")
        before = raw.fetchone()[0]
        secs = fill.copy_visits_by_month(
            raw, count=count, stations=args.stations, first_day=first_day, days=days,
            start_serial=serial, seed=serial, existing=set(partitions.visit_partitions()),
        )  # fmt: skip
        count = _visits() - before
        t0 = time.perf_counter()
        fill.rollup_visits(raw, since_serial=before, fresh_days=fresh_days)
        raw.execute("ANALYZE stations_visit")
        raw.execute("ANALYZE stations_visitdaily")
        rate = count / secs if secs else 0
        print(f"  COPY {count:,} visits in {secs:.0f} s ({rate:,.0f}/s), "
              f"rollup {time.perf_counter() - t0:.0f} s")  # fmt: skip


# Cases ------------------------------------------------------------------------------------


def nearby_cases(args, ctx: dict, raw_conn, only: tuple[str, ...] = ()) -> None:
    from maps import selectors

    rng = random.Random(11)
    cities = [(c[4], c[3]) for c in fill.CITIES]  # where people look: (lat, lng)
    points = [
        (lat + rng.gauss(0, 0.2), lng + rng.gauss(0, 0.2))
        for lat, lng in (rng.choice(cities) for _ in range(args.samples))
    ]
    service_sql = (
        " AND EXISTS (SELECT 1 FROM stations_station_services ss JOIN stations_service sv "
        "ON sv.id = ss.service_id WHERE ss.station_id = s.id AND sv.code = %s)"
    )
    base = (
        "SELECT s.id FROM stations_station s WHERE s.status = 'active'{f} "
        "ORDER BY s.location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326) LIMIT 10"
    )

    # Open now, for the floor: a 24-hour station, or a weekly period covering this local
    # minute (the bench's schedules are weekly periods; the service reads closures, seasons
    # and dated days too).
    open_sql = (
        " AND (s.is_24h OR EXISTS (SELECT 1 FROM jsonb_array_elements(s.schedule->'periods') p"
        " WHERE (p->>0)::int = %s AND (p->>1)::time <= %s::time AND %s::time < (p->>2)::time))"
    )

    def floor(service: str | None, open_now: bool = False) -> Callable[[int], object]:
        sql = base.format(f=(service_sql if service else "") + (open_sql if open_now else ""))

        def run(i: int) -> object:
            lat, lng = points[i % len(points)]
            params: list = [service] if service else []
            if open_now:
                from core import time as local_time

                now = local_time.now()
                params += [now.isoweekday(), now.time(), now.time()]
            return raw_conn.execute(sql, [*params, lng, lat], prepare=True).fetchall()

        return run

    cases = [
        ("no filter", None, {}),
        ("service 50 % (toilet)", "toilet", {"service": "toilet"}),
        ("service 10 % (charging)", "charging", {"service": "charging"}),
        ("service 1 % (first_aid)", "first_aid", {"service": "first_aid"}),
        ("open now (floor: KNN over 24-hour or weekly periods in SQL)", None, {"open_now": "1"}),
    ]
    http = ctx["http"]
    # A production worker has served for a while: warm this one (imports, caches, plans)
    # before the first case, or that case pays for it (it measured up to 1.5x the others).
    for i in range(200):
        lat, lng = points[i % len(points)]
        http(f"/api/v1/stations/nearby/?lat={lat:.5f}&lng={lng:.5f}&limit=10")
    trivial = timed(lambda i: http("/livez"), args.samples)
    ctx["livez"] = trivial
    for name, service, query in cases:
        if only and name not in only:
            continue
        floor_t = timed(floor(service, open_now="open_now" in query), args.samples)

        def sel(i: int, service=service, query=query) -> object:
            lat, lng = points[i % len(points)]
            return selectors.station_nearby(
                lat=lat, lng=lng, limit=10, services=[service] if service else (),
                open_now="open_now" in query,
            )  # fmt: skip

        sel_t = timed(sel, args.samples)

        def get(i: int, query=query) -> object:
            lat, lng = points[i % len(points)]
            extra = "".join(f"&{k}={v}" for k, v in query.items())
            return http(f"/api/v1/stations/nearby/?lat={lat:.5f}&lng={lng:.5f}&limit=10{extra}")

        http_t = timed(get, args.samples)
        row(f"nearby 10, {name}: selector", ms(sel_t), f"prepared KNN {ms(floor_t)}",
            sel_t / floor_t, "—")  # fmt: skip
        http_floor = floor_t + trivial
        row(f"nearby 10, {name}: HTTP", ms(http_t), f"KNN + /livez {ms(http_floor)}",
            http_t / http_floor, "≤ 3×")  # fmt: skip
        ctx.setdefault("nearby_http", {})[name] = http_t
        ctx.setdefault("nearby_floor", {})[name] = http_floor


def visit_batch_case(args, ctx: dict, raw_conn) -> None:
    from django.contrib.auth import get_user_model

    from core import time as local_time
    from stations.models import Station
    from stations.services.visits import VisitInput, visit_record_batch

    admin = get_user_model().objects.get(pk=ctx["admin"])
    station_ids = list(Station.objects.order_by("?").values_list("id", "code")[:20])
    now = local_time.now()
    counter = iter(range(10**9))

    def items(i: int) -> list[tuple]:
        sid, code = station_ids[i % len(station_ids)]
        return [
            (str(uuid.uuid4()), sid, code, now - dt.timedelta(seconds=next(counter) % 20000),
             fill.CATEGORIES[k % 7])
            for k in range(500)
        ]  # fmt: skip

    def service(i: int) -> object:
        batch = [
            VisitInput(uuid=u, station=code, occurred_at=t.isoformat(), category=c, services=[])
            for u, _sid, code, t, c in items(i)
        ]
        return visit_record_batch(actor=admin, visits=batch)

    values = ", ".join(["(%s, %s, %s, %s, '[]'::jsonb, %s, now())"] * 500)
    sql = (
        "INSERT INTO stations_visit (uuid, station_id, occurred_at, category, services, batch, "
        f"received_at) VALUES {values} ON CONFLICT DO NOTHING"
    )

    def floor(i: int) -> object:
        params: list = []
        b = str(uuid.uuid4())
        for u, sid, _code, t, c in items(i):
            params += [u, sid, t, c, b]
        with raw_conn.transaction():
            raw_conn.execute(sql, params)
        return None

    n = max(10, args.samples // 15)
    floor_t = timed(floor, n, warmup=3)
    svc_t = timed(service, n, warmup=3)
    row("visit batch of 500 (service)", ms(svc_t), f"raw INSERT … ON CONFLICT {ms(floor_t)}",
        svc_t / floor_t, "≤ 2×")  # fmt: skip


def report_case(args, ctx: dict, label: str) -> float:
    from django.contrib.auth import get_user_model

    from core import time as local_time
    from stations.models import Station, Union
    from stations.selectors import visit_report, visits_by_day_raw

    admin = get_user_model().objects.get(pk=ctx["admin"])
    province = Union.objects.get(code="P44")  # Guangdong: the most stations
    end = local_time.today()
    start = end - dt.timedelta(days=29)
    t = timed(lambda i: visit_report(user=admin, union=province, start=start, end=end), 5, warmup=1)
    stations = Station.objects.under(province)
    raw = timed(lambda i: visits_by_day_raw(stations=stations, start=start, end=end), 3, 1)
    ctx.setdefault("report", {})[label] = (t, raw)
    return t


def _handout_setup(stations: int) -> dict:
    """One campaign, ``stations`` station stock locations each holding plenty of hats."""
    from campaigns.models import Item, StockLevel
    from campaigns.services import ledger, lifecycle
    from campaigns.services.locations import stock_location_ensure
    from core import time as local_time
    from stations.models import Station, Union

    union = Union.objects.get(code="P63")
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="bench", union=union,
        starts_on=local_time.today(), ends_on=local_time.today() + dt.timedelta(days=60),
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    hat = Item.objects.get(code="sun_hat")
    locations = []
    for station in Station.objects.filter(union=union).order_by("id")[:stations]:
        location = stock_location_ensure(actor=None, station=station)
        ledger.stock_receive(
            actor=None, location=location, lines=[ledger.ReceiptLine(item=hat, quantity=10**8)]
        )
        level = StockLevel.objects.get(location=location)
        locations.append((location.pk, level.pk, level.lot_id))
    return {"campaign": campaign.pk, "item": hat.pk, "locations": locations}


def _service_client(ids: dict, index: int, gate, out) -> None:
    import django

    django.setup()
    from django.db import connections

    from campaigns.models import Campaign, Item, StockLocation
    from campaigns.services import ledger

    connections.close_all()
    campaign = Campaign.objects.select_related("union").get(pk=ids["campaign"])
    loc_id = ids["locations"][index % len(ids["locations"])][0]
    location = StockLocation.objects.select_related("union").get(pk=loc_id)
    item = Item.objects.get(pk=ids["item"])
    n = 0

    def once() -> None:
        nonlocal n
        ledger.stock_distribute(
            actor=None, campaign=campaign, location=location, item=item, quantity=1,
            category="delivery", phone=f"13{index:02d}{ids['round']:02d}{n:05d}",
        )  # fmt: skip
        n += 1

    out.put(_run_gated(once, gate))


def _raw_client(ids: dict, index: int, gate, out) -> None:
    """The same statements as stock_distribute to an identified worker, as raw SQL in one
    transaction: limit lock, campaign read, limit count, movement, distribution, FEFO
    read, conditional UPDATE, ledger entry."""
    import hashlib

    import psycopg

    from core.locks import lock_key

    loc_id, _level_id, _lot = ids["locations"][index % len(ids["locations"])]
    n = 0
    today = dt.date.today()
    with psycopg.connect(**ids["db"], autocommit=True) as conn:

        def once() -> None:
            nonlocal n
            key = hashlib.sha256(f"raw{index}-{ids['round']}-{n}".encode()).hexdigest()
            with conn.transaction():
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s)",
                    [lock_key("campaigns.per-person-limit", ids["campaign"], key)],
                )
                conn.execute(
                    "SELECT c.*, u.* FROM campaigns_campaign c JOIN stations_union u "
                    "ON u.id = c.union_id WHERE c.id = %s",
                    [ids["campaign"]],
                ).fetchone()
                conn.execute(
                    "SELECT count(*) FROM campaigns_distribution WHERE campaign_id = %s "
                    "AND worker_key = %s AND handed_out_on = %s",
                    [ids["campaign"], key, today],
                ).fetchone()
                movement = conn.execute(
                    "INSERT INTO campaigns_movement (kind, campaign_id, actor_id, reason, cost, "
                    "created_at) VALUES ('distribution', %s, NULL, '', 0, now()) RETURNING id",
                    [ids["campaign"]],
                ).fetchone()[0]
                conn.execute(
                    "INSERT INTO campaigns_distribution (campaign_id, location_id, movement_id, "
                    "item_id, quantity, category, workers, worker_key, handed_out_on, "
                    "created_at) VALUES (%s, %s, %s, %s, 1, 'delivery', 1, %s, %s, now())",
                    [ids["campaign"], loc_id, movement, ids["item"], key, today],
                )
                level_id, lot_id, _q = conn.execute(
                    "SELECT sl.id, sl.lot_id, sl.quantity FROM campaigns_stocklevel sl "
                    "JOIN campaigns_lot l ON l.id = sl.lot_id WHERE sl.location_id = %s "
                    "AND l.item_id = %s AND sl.quantity > 0 AND (l.expires_on IS NULL OR "
                    "l.expires_on >= %s) ORDER BY l.expires_on NULLS LAST, l.id",
                    [loc_id, ids["item"], today],
                ).fetchone()
                conn.execute(
                    "UPDATE campaigns_stocklevel SET quantity = quantity - 1 "
                    "WHERE id = %s AND quantity >= 1",
                    [level_id],
                )
                conn.execute(
                    "INSERT INTO campaigns_stockentry (movement_id, location_id, lot_id, delta, "
                    "created_at) VALUES (%s, %s, %s, -1, now())",
                    [movement, loc_id, lot_id],
                )
            n += 1

        out.put(_run_gated(once, gate))


def _run_gated(once: Callable[[], None], gate) -> int:
    """Warm up, report ready, wait for the start, then call ``once`` until the deadline;
    answer the calls made in the window (start-up and warm-up are not measured)."""
    ready, start, deadline = gate
    for _ in range(3):
        once()
    ready.release()
    start.wait()
    n = 0
    while time.perf_counter() < deadline.value:
        once()
        n += 1
    return n


def _throughput(target, ids: dict, clients: int, seconds: float) -> float:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    gate = (ctx.Semaphore(0), ctx.Event(), ctx.Value("d", 0.0))
    procs = [ctx.Process(target=target, args=(ids, i, gate, out)) for i in range(clients)]
    for p in procs:
        p.start()
    for _ in procs:
        gate[0].acquire()
    gate[2].value = time.perf_counter() + seconds
    gate[1].set()
    total = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def handout_cases(args, ctx: dict, url: str) -> None:
    from django.db import connections

    from campaigns.selectors.stock import ledger_mismatches

    ids = {**_handout_setup(32), "db": db_params(url), "round": 0}
    connections.close_all()
    results = {}
    waits: dict[str, int] = {}
    for clients in (1, 32):
        ids["round"] += 1
        raw = _throughput(_raw_client, ids, clients, args.seconds)
        ids["round"] += 1
        with _WaitSampler(ids["db"], waits if clients == 32 else None):
            svc = _throughput(_service_client, ids, clients, args.seconds)
        results[clients] = (svc, raw)
        row(f"hand-outs to identified workers, {clients} client(s) at {clients} station(s)",
            f"{svc:.0f}/s", f"same SQL, raw {raw:.0f}/s", svc / raw, "≥ 0.5×")  # fmt: skip
    svc1, svc32 = results[1][0], results[32][0]
    row("hand-outs: 32 clients / 1 client (service)", f"{svc32:.0f}/s", f"{svc1:.0f}/s",
        svc32 / svc1, "≥ 2×")  # fmt: skip
    total = sum(waits.values()) or 1
    top = ", ".join(f"{k} {v * 100 / total:.0f} %" for k, v in sorted(
        waits.items(), key=lambda kv: -kv[1])[:4])  # fmt: skip
    row("… where the 32 service clients' backends were (pg_stat_activity samples)", top,
        "Lock = waiting for another hand-out", None, "no Lock waits")  # fmt: skip
    bad = ledger_mismatches()
    ctx["ledger"] = "agrees" if not bad else f"MISMATCH ({len(bad)})"


class _WaitSampler:
    """Samples what the bench database's other backends wait on, every 20 ms."""

    def __init__(self, db: dict, into: dict[str, int] | None) -> None:
        self.db, self.into, self.stop = db, into, False

    def __enter__(self) -> None:
        import threading

        self.thread = threading.Thread(target=self._run, daemon=True)
        if self.into is not None:
            self.thread.start()

    def _count(self, what: str) -> None:
        assert self.into is not None
        self.into[what] = self.into.get(what, 0) + 1

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(**self.db, autocommit=True) as conn:
            while not self.stop:
                for (what,) in conn.execute(
                    "SELECT CASE WHEN state = 'idle in transaction' THEN 'client (Python)' "
                    "WHEN wait_event_type IS NULL THEN 'CPU' ELSE wait_event_type END "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state <> 'idle'"
                ).fetchall():
                    self._count(what)
                time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.stop = True
        if self.thread.is_alive():
            self.thread.join()


# The HTTP server -------------------------------------------------------------------------


def start_server(url: str, log: Path):
    env = {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600",
    }  # fmt: skip
    env.pop("CELERY_BROKER_URL", None)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "1",
         "--config", "/dev/null"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for _ in range(150):
        try:
            conn.request("GET", "/livez")
            conn.getresponse().read()
            break
        except OSError:
            conn.close()
            time.sleep(0.2)

    def get(path: str) -> bytes:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        return body

    return server, get


# Main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=200_000,
                        choices=[10_000, 200_000, 1_000_000])  # fmt: skip
    # The size: 20 M visits, 1 M in the last 30 days and the rest as history.
    parser.add_argument("--visits", type=int, default=int(os.environ.get("BENCH_VISITS", 0))
                        or 20_000_000)  # fmt: skip
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0, help="per hand-out case")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    parser.add_argument(
        "--no-growth",
        dest="growth",
        action="store_false",
        help="skip the nearby growth case (10,000 and 1,000,000 stations)",
    )
    parser.add_argument("--nearby-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.nearby_only:
        nearby_only(args)
        return
    first_visits = min(1_000_000, args.visits)

    import psycopg

    server = None
    t_start = time.perf_counter()
    with scratch_database() as (name, url):
        try:
            ctx = build(args, url)
            from django.db import connections

            from core import time as local_time

            today = local_time.today()
            # 1M visits in the last 30 days; the rest is older history (months before).
            print(f"visits: {first_visits:,} in the last 30 days")
            load_visits(args, count=first_visits, serial=1, first_day=today - dt.timedelta(days=29),
                    days=30)  # fmt: skip
            connections.close_all()
            server, get = start_server(url, ROOT / "var" / f"{name}-gunicorn.log")
            ctx["http"] = get
            raw_conn = psycopg.connect(**db_params(url), autocommit=True)

            print("nearby")
            nearby_cases(args, ctx, raw_conn)
            print("organizer visit report")
            report_case(args, ctx, "1M")
            if args.visits > first_visits:
                more = args.visits - first_visits
                history_days = max(60, min(720, more // 40_000))
                print(f"visits: {more:,} more, history over {history_days} days before those")
                load_visits(
                args, count=more, serial=first_visits + 1,
                first_day=today - dt.timedelta(days=30 + history_days), days=history_days,
                fresh_days=True,
            )  # fmt: skip
                report_case(args, ctx, "all")
                (t1, raw1), (t2, raw2) = ctx["report"]["1M"], ctx["report"]["all"]
                small, big = f"{first_visits / 1e6:.0f}M", f"{args.visits / 1e6:.0f}M"
                row(f"organizer visit report (province, 30 days) at {big} visits", ms(t2),
                f"same at {small} {ms(t1)}", t2 / t1, "≤ 1.5×")  # fmt: skip
                row("… the same report from raw visits (no rollup)", ms(raw2),
                f"at {small} {ms(raw1)}", raw2 / raw1, "(for comparison)")  # fmt: skip
            else:
                t1, raw1 = ctx["report"]["1M"]
                row("organizer visit report (province, 30 days)", ms(t1), f"raw visits {ms(raw1)}",
                t1 / raw1, "—")  # fmt: skip
            print("visit batch")
            visit_batch_case(args, ctx, raw_conn)
            raw_conn.close()
            print("hand-outs")
            connections.close_all()
            handout_cases(args, ctx, url)
            if args.growth:
                growth_case(args, ctx)
            write_table(args, ctx, time.perf_counter() - t_start)
        finally:
            stop(server)


GROWTH_CASES = ("no filter", "service 1 % (first_aid)")


def growth_case(args, ctx: dict) -> None:
    """Nearby over HTTP on networks of 10,000 and 1,000,000 stations, each built in a
    database of its own by this script (``--nearby-only``), same machine, same run."""
    measured: dict[int, dict] = {}
    for stations in (10_000, 1_000_000):
        print(f"nearby growth: a network of {stations:,} stations")
        env = {**os.environ, "DATABASE_URL": BASE_URL, "BENCH_PORT": str(PORT + 1)}
        result = subprocess.run(
            [sys.executable, "-u", __file__, "--nearby-only", "--stations", str(stations),
             "--samples", str(min(args.samples, 100)), "--visits", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        line = next(x for x in result.stdout.splitlines() if x.startswith("NEARBY_JSON "))
        measured[stations] = json.loads(line.removeprefix("NEARBY_JSON "))
    small, big = measured[10_000], measured[1_000_000]
    for name in GROWTH_CASES:
        row(f"nearby 10, {name}: HTTP at 1,000,000 stations", ms(big["http"][name]),
            f"at 10,000 {ms(small['http'][name])}", big["http"][name] / small["http"][name],
            "≤ 1.5×")  # fmt: skip
        row("… the raw floor (KNN + /livez) at 1,000,000 stations", ms(big["floor"][name]),
            f"at 10,000 {ms(small['floor'][name])}", big["floor"][name] / small["floor"][name],
            "(for comparison)")  # fmt: skip


def nearby_only(args) -> None:
    """A scratch database of ``--stations`` stations, the nearby cases over HTTP, one JSON
    line (for ``growth_case``); the database is dropped at the end."""
    import psycopg

    server = None
    with scratch_database() as (name, url):
        try:
            ctx = build(args, url)
            from django.db import connections

            connections.close_all()
            server, get = start_server(url, ROOT / "var" / f"{name}-gunicorn.log")
            ctx["http"] = get
            with psycopg.connect(**db_params(url), autocommit=True) as raw_conn:
                nearby_cases(args, ctx, raw_conn, only=GROWTH_CASES)
            out = {"http": ctx["nearby_http"], "floor": ctx["nearby_floor"]}
            print("NEARBY_JSON " + json.dumps(out))
        finally:
            stop(server)


def write_table(args, ctx: dict, elapsed: float) -> None:
    head = (
        f"# make bench — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"{args.stations:,} stations, {args.visits:,} visits, {args.samples} samples per "
        f"nearby case, {args.seconds:.0f} s per hand-out case; {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"total {elapsed / 60:.1f} min. Ledger check after the hand-outs: {ctx.get('ledger')}.\n\n"
        "| case | measured | floor (same run) | ratio | goal |\n|---|---|---|---|---|\n"
    )
    lines = [f"| {c} | {m} | {f} | {r} | {g} |" for c, m, f, r, g in ROWS]
    text = head + "\n".join(lines) + "\n"
    print("\n" + text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup in main()
    main()
