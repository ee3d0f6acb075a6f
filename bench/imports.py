"""Station import from CSV at national scale: the streamed COPY + merge against
django-import-export's default row-by-row import, and against a raw COPY of the same file.

Fills nothing in advance: a scratch PostGIS database gets one union and region, then

* raw    — ``COPY`` of the CSV's rows into an unlogged table of text columns (the floor:
           reading the file into PostgreSQL, no checks, no station rows);
* import — ``core.importing.import_file`` with ``StationResource`` (every row judged:
           code, lengths, union, region, scope, bounds, services, hours; then COPY into a
           staging table and one set-based merge with history rows);
* row-by-row — ``StationResource.import_data`` (django-import-export's own loop: the same
           judging, each row written by ``station_upsert``). It takes minutes per 10,000
           rows, so by default it runs on BENCH_BASELINE_ROWS rows and its time per row is
           scaled to the file (set BENCH_BASELINE_ROWS=100000 to run it whole).

Prints the times, the two ratios (goal: import ≥ 20× faster than row-by-row) and the peak
memory of the import at 10% and 100% of the file (goal: flat).
"""

from __future__ import annotations

import codecs
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
BASELINE_ROWS = int(os.environ.get("BENCH_BASELINE_ROWS", "2000"))
BASE_URL = os.environ.get("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")
HEADER = ["站点编号", "站点名称", "地址", "经度", "纬度", "服务内容", "开放时间", "联系电话",
          "所属工会", "行政区划"]  # fmt: skip
HOURS = ["24小时", "8:00-20:00", "周一至周五 9:00-17:00，周六日 10:00-16:00", "夏季 7:00-21:00"]


def write_csv(path: Path, rows: int, prefix: str) -> None:
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            lng = 73.6 + (i * 0.000_61) % 61.0
            lat = 18.2 + (i * 0.000_37) % 35.0
            writer.writerow([f"QH-{prefix}-{i:06d}", f"驿站{i}", f"某某路{i}号", f"{lng:.6f}",
                             f"{lat:.6f}", "饮用水、热水、充电", HOURS[i % 4], "0971-8372945",
                             "QH-XN-CZ", "630103"])  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    name = f"yizhan_bench_{uuid.uuid4().hex[:6]}"
    scheme, rest = BASE_URL.split("://", 1)
    creds_host, _db = rest.rsplit("/", 1)
    bench_url = f"{scheme}://{creds_host}/{name}"
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import psycopg

    user_pw, host_port = creds_host.split("@")
    user, password = user_pw.split(":")
    host, port = ([*host_port.split(":"), "5432"])[:2]
    admin = psycopg.connect(host=host, port=port, user=user, password=password, dbname=_db,
                            autocommit=True)  # fmt: skip
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        import django

        django.setup()
        import tablib
        from django.db import connection

        from core.importing import import_file
        from stations.models import Station
        from stations.resources.stations import StationResource
        from stations.services.regions_unions import region_upsert, union_upsert

        region_upsert(actor=None, code="630000", name="青海省", level="province")
        region_upsert(
            actor=None, code="630100", name="西宁市", level="prefecture", parent_code="630000"
        )
        region_upsert(
            actor=None, code="630103", name="城中区", level="county", parent_code="630100"
        )
        union_upsert(
            actor=None, code="QH", name="青海省总工会", kind="province", region_code="630000"
        )
        union_upsert(actor=None, code="QH-XN-CZ", name="城中区总工会", kind="county",
                     region_code="630103", parent_code="QH")  # fmt: skip

        with tempfile.TemporaryDirectory() as folder:
            small, big, base = (
                Path(folder, "small.csv"),
                Path(folder, "big.csv"),
                Path(folder, "b.csv"),
            )
            write_csv(small, ROWS // 10, "S")
            write_csv(big, ROWS, "B")
            write_csv(base, BASELINE_ROWS, "R")
            print(
                f"station import from CSV: {ROWS:,} rows "
                f"({big.stat().st_size / 1e6:.1f} MB, GB18030)"
            )

            columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE UNLOGGED TABLE raw_copy ({columns})")
                started = time.perf_counter()
                sql = "COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
                with cursor.cursor.copy(sql) as copy, \
                        big.open("rb") as handle:  # fmt: skip
                    decoder = codecs.getincrementaldecoder("gb18030")()
                    while chunk := handle.read(1 << 20):
                        copy.write(decoder.decode(chunk).encode())
                raw = time.perf_counter() - started
                cursor.execute("SELECT count(*) FROM raw_copy")
                assert cursor.fetchone()[0] == ROWS

            before = peak_mb()
            report = import_file(StationResource(), small, filename="small.csv", dry_run=False)
            assert report.written, report.errors or report.rows[:3]
            small_peak = peak_mb()
            started = time.perf_counter()
            report = import_file(StationResource(), big, filename="big.csv", dry_run=False)
            fast = time.perf_counter() - started
            assert report.written and report.counts["new"] == ROWS, report.counts
            big_peak = peak_mb()
            assert Station.objects.filter(code__startswith="QH-B-").count() == ROWS

            with base.open(encoding="gb18030", newline="") as handle:
                reader = csv.reader(handle)
                dataset = tablib.Dataset(headers=next(reader))
                for row in reader:
                    dataset.append(row)
            started = time.perf_counter()
            result = StationResource(options={"bulk": False}).import_data(dataset, dry_run=False)
            slow = time.perf_counter() - started
            assert not result.has_errors() and not result.has_validation_errors()
            assert Station.objects.filter(code__startswith="QH-R-").count() == BASELINE_ROWS
            slow_scaled = slow / BASELINE_ROWS * ROWS

        scaled = "" if BASELINE_ROWS == ROWS else f" (measured on {BASELINE_ROWS:,} rows, scaled)"
        print(f"{'raw COPY':<34} {raw:9.2f} s   {ROWS / raw:10,.0f} rows/s")
        print(f"{'import (COPY + merge)':<34} {fast:9.2f} s   {ROWS / fast:10,.0f} rows/s")
        print(f"{'row-by-row (import-export)':<34} {slow_scaled:9.2f} s   "
              f"{BASELINE_ROWS / slow:10,.0f} rows/s{scaled}")  # fmt: skip
        print(f"import vs row-by-row: {slow_scaled / fast:6.1f}× faster (goal ≥ 20×)")
        print(f"import vs raw COPY:   {fast / raw:6.1f}× the time of a bare COPY")
        print(f"peak memory: {before:.0f} MB before, "
              f"{small_peak:.0f} MB after {ROWS // 10:,} rows, "
              f"{big_peak:.0f} MB after {ROWS:,} rows")  # fmt: skip
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
