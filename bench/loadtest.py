"""Helpers of scripts/load.sh: seed the load database, summarise locust's CSV files.

python bench/loadtest.py seed            # stations + a superuser with a token, once
python bench/loadtest.py summary DIR     # bench/results/load.md from DIR/*_stats.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from bench import fill
    from stations.models import Region, Station, Union
    from stations.services.regions_unions import union_save

    n = int(os.environ.get("LOAD_STATIONS", "10000"))
    if not Station.objects.exists():
        provinces: dict[str, tuple[int, int]] = {}
        for prefix, name, *_ in fill.CITIES:
            if prefix in provinces:
                continue
            region, _ = Region.objects.get_or_create(
                code=f"{prefix}0000", defaults={"name": name, "level": "province"}
            )
            union = Union.objects.filter(code=f"P{prefix}").first() or union_save(
                actor=None,
                union=Union(code=f"P{prefix}", name=f"{name}总工会", kind="province",
                            region=region),
            )  # fmt: skip
            provinces[prefix] = (union.pk, region.pk)
        with connection.cursor() as cursor:
            fill.create_network(cursor.connection.cursor(), provinces, n)
            cursor.execute("ANALYZE")
    users = get_user_model()
    user = users.objects.filter(username="load").first() or users.objects.create_superuser(
        "load", "load@example.org", None
    )
    token, _ = Token.objects.get_or_create(user=user)
    print(token.key)


def summary(directory: str) -> None:
    rows = []
    for path in sorted(Path(directory).glob("*_stats.csv")):
        scenario, users = path.name.removesuffix("_stats.csv").rsplit("-", 1)
        with path.open() as f:
            for line in csv.DictReader(f):
                if line["Name"] == "Aggregated":
                    rows.append((scenario, int(users), line))
    rows.sort(key=lambda r: (r[0], r[1]))
    best = {}
    for scenario, _users, line in rows:
        best[scenario] = max(best.get(scenario, 0.0), float(line["Requests/s"]))
    out = [
        f"# make load — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "locust against `make serve` on loopback (gunicorn, PgBouncer, Celery, "
        + ("the replica" if os.environ.get("YIZHAN_REPLICA", "1") == "1" else "no replica")
        + "), "
        f"{os.cpu_count()} CPUs shared with locust itself; "
        f"{os.environ.get('LOAD_SECONDS', '15')} s per step.",
        "",
        "| scenario | users | requests | req/s | p50 | p95 | p99 | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scenario, users, line in rows:
        out.append(
            f"| {scenario} | {users} | {line['Request Count']} | {float(line['Requests/s']):.0f}"
            f" | {line['50%']} ms | {line['95%']} ms | {line['99%']} ms"
            f" | {line['Failure Count']} |"
        )
    if "nearby" in best and "healthz" in best and best["healthz"]:
        ratio = best["nearby"] / best["healthz"]
        out += ["", f"Peak nearby / peak /healthz throughput: {ratio:.2f} (goal ≥ 0.5)."]
    text = "\n".join(out) + "\n"
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "load.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed()
    elif sys.argv[1:2] == ["summary"]:
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
