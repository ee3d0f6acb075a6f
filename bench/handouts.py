"""Hand-outs from one hot stock row at 1, 8 and 32 concurrent clients.

Beside the service (``campaigns.services.ledger.stock_distribute``: conditional UPDATE, ledger
entry, movement and distribution rows, in one transaction) it runs the raw floor — a bare
``UPDATE … SET quantity = quantity - 1 WHERE … AND quantity >= 1`` — at the same
concurrency in the same run, and prints throughput and the ratio (goal ≥ 0.5× raw).
Clients are processes, each with its own connection.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
LEVELS = [int(x) for x in os.environ.get("BENCH_CLIENTS", "1,8,32").split(",")]
BASE_URL = os.environ.get("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")


def _raw_client(url: str, level_id: int, deadline: float, out: mp.Queue) -> None:
    import psycopg

    creds, rest = url.split("://", 1)[1].split("@")
    user, password = creds.split(":")
    hostport, name = rest.split("/")
    host, port = hostport.split(":")
    n = 0
    with psycopg.connect(host=host, port=port, user=user, password=password, dbname=name,
                         autocommit=True) as conn:  # fmt: skip
        while time.perf_counter() < deadline:
            conn.execute(
                "UPDATE campaigns_stocklevel SET quantity = quantity - 1 "
                "WHERE id = %s AND quantity >= 1",
                [level_id],
            )
            n += 1
    out.put(n)


def _service_client(ids: dict, deadline: float, out: mp.Queue) -> None:
    import django

    django.setup()
    from campaigns.models import Campaign, Item, StockLocation
    from campaigns.services import ledger

    campaign = Campaign.objects.select_related("union").get(pk=ids["campaign"])
    location = StockLocation.objects.select_related("union").get(pk=ids["location"])
    item = Item.objects.get(pk=ids["item"])
    n = 0
    while time.perf_counter() < deadline:
        ledger.stock_distribute(
            actor=None, campaign=campaign, location=location, item=item, quantity=1,
            category="delivery", workers=1,
        )  # fmt: skip
        n += 1
    out.put(n)


def run(target, args, clients: int) -> float:
    out: mp.Queue = mp.Queue()
    deadline = time.perf_counter() + SECONDS + 1.0
    procs = [mp.Process(target=target, args=(*args, deadline, out)) for _ in range(clients)]
    for p in procs:
        p.start()
    total = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return total / (SECONDS + 1.0)


def main() -> None:
    name = f"yizhan_bench_{uuid.uuid4().hex[:6]}"
    scheme, rest = BASE_URL.split("://", 1)
    creds_host, db = rest.rsplit("/", 1)
    bench_url = f"{scheme}://{creds_host}/{name}"
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["CONN_MAX_AGE"] = "600"
    import psycopg

    user_pw, host_port = creds_host.split("@")
    user, password = user_pw.split(":")
    host, port = [*host_port.split(":"), "5432"][:2]
    admin = psycopg.connect(host=host, port=port, user=user, password=password, dbname=db,
                            autocommit=True)  # fmt: skip
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env={**os.environ})  # fmt: skip
        import django

        django.setup()
        from django.db import connections

        from campaigns.models import Item, StockLevel
        from campaigns.services import ledger, lifecycle, locations
        from stations.models import Region, Union
        from stations.services.regions_unions import union_save

        region = Region.objects.create(code="630100", name="西宁市", level="prefecture")
        union = union_save(actor=None, union=Union(code="QH-XN", name="西宁市总工会",
                                                   kind="prefecture", region=region))  # fmt: skip
        depot = locations.depot_create(actor=None, code="HOT", name="热点仓库", union=union)
        import datetime as dt

        campaign = lifecycle.campaign_create(
            actor=None, kind="summer", name="bench", union=union,
            starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 8, 31),
        )  # fmt: skip
        lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
        hat = Item.objects.get(code="sun_hat")
        ledger.stock_receive(
            actor=None,
            location=depot,
            cost=Decimal(0),
            lines=[ledger.ReceiptLine(item=hat, quantity=10**9)],
        )
        # The raw floor updates a row of its own, outside the ledger.
        raw_depot = locations.depot_create(actor=None, code="HOT-RAW", name="raw", union=union)
        level = StockLevel.objects.create(
            location=raw_depot, lot=StockLevel.objects.get(location=depot).lot, quantity=10**9
        )
        ids = {"campaign": campaign.pk, "location": depot.pk, "item": hat.pk}
        connections.close_all()
        mp.set_start_method("fork", force=True)
        print(f"hand-outs from one stock row, {SECONDS:.0f} s per case, processes as clients")
        print(f"{'clients':>8} {'raw UPDATE/s':>14} {'service/s':>12} {'ratio':>7}")
        for clients in LEVELS:
            raw = run(_raw_client, (bench_url, level.pk), clients)
            svc = run(_service_client, (ids,), clients)
            print(f"{clients:>8} {raw:>14.0f} {svc:>12.0f} {svc / raw:>7.2f}")
        from campaigns.selectors.stock import ledger_mismatches

        bad = [m for m in ledger_mismatches() if m.location == "HOT"]
        print("ledger check:", "agrees" if not bad else f"MISMATCH {bad}")
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
