"""Point-in-time recovery, done for real (issue 29; scripts/pitr.sh, docs/operations.md).

A dedicated PostgreSQL cluster archives its WAL to a pgBackRest repository (encrypted,
mode 600). The test copies the schema into a small database there, backs it up with a media
file, writes, notes the instant (scripts/pitr.sh mark), writes more, and runs the restore
drill to that instant: the first writes are there, the later ones are not, every table's
count is as marked, stock_verify and migrate --check pass, the media file is back. The
machine's shared main cluster is never touched; what the test creates it removes.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgis, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parent.parent
PORT, DRILL_PORT = 5442, 5443
NAME = "yizhan-pitr-test"
HOME = Path(f"/var/lib/{NAME}")


def _pg_major() -> str:
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    return sorted((line.split()[0] for line in out.stdout.splitlines()), key=float)[-1]


def _pitr(*args: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "YIZHAN_PITR_NAME": NAME, "YIZHAN_PITR_PORT": str(PORT),
           "YIZHAN_DRILL_PORT": str(DRILL_PORT), "YIZHAN_PY": sys.executable,
           "MEDIA_ROOT": str(media)}  # fmt: skip
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "pitr.sh"), *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _psql(port: int, db: str, sql: str) -> str:
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-h", "/var/run/postgresql", "-p", str(port),
         "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def pitr_cluster(tmp_path):
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("the restore drill acts as the postgres user: run as root (make test does)")
    data = Path(f"/var/lib/postgresql/{NAME}-{_pg_major()}")
    existed = (data / "PG_VERSION").exists()
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2048))
    ensured = _pitr("ensure", media=media)
    assert ensured.returncode == 0, ensured.stdout[-2000:] + ensured.stderr[-2000:]
    db = f"drill_{uuid.uuid4().hex[:8]}"
    try:
        yield db, media
    finally:
        _pitr("drill-drop", media=media)
        subprocess.run(["runuser", "-u", "postgres", "--", "dropdb", "-h", "/var/run/postgresql",
                        "-p", str(PORT), "--if-exists", db], capture_output=True, timeout=60)  # fmt: skip
        if not existed:
            _pitr("drop", media=media)


def _copy_schema(db: str) -> None:
    """This code's schema and migration records, from the test database (a migrate would
    take longer than the whole drill)."""
    source = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": source["PASSWORD"]}
    dump = subprocess.run(
        ["pg_dump", "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
         "-U", source["USER"], "--schema-only", "--no-owner", "--no-privileges", "--no-comments",
         source["NAME"]],
        env=env, capture_output=True, check=True, timeout=120,
    ).stdout + subprocess.run(
        ["pg_dump", "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
         "-U", source["USER"], "--data-only", "--table=django_migrations", source["NAME"]],
        env=env, capture_output=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    # FILE_COPY: one WAL record instead of the template's pages (less WAL to archive and replay).
    _psql(PORT, "postgres", f'CREATE DATABASE "{db}" OWNER yizhan STRATEGY file_copy')
    loaded = subprocess.run(  # as yizhan, who owns the tables as in a deployment
        ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "yizhan", "-d", db,
         "-v", "ON_ERROR_STOP=1", "-q"],
        input=dump, capture_output=True, timeout=120, env={**env, "PGPASSWORD": "yizhan"},
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr[-2000:]


def _regions(port: int, db: str) -> set[str]:
    out = _psql(port, db, "SELECT code FROM stations_region ORDER BY code")
    return set(out.split()) if out else set()


def _insert(db: str, *codes: str) -> None:
    values = ", ".join(f"('{c}', '区{c}', '', 'city')" for c in codes)
    _psql(PORT, db, f"INSERT INTO stations_region (code, name, name_en, level) VALUES {values}")


def test_the_drill_restores_to_the_noted_instant_and_no_later(pitr_cluster):
    db, media = pitr_cluster
    _copy_schema(db)
    backup = _pitr("backup", "incr", media=media)
    assert backup.returncode == 0, backup.stdout[-2000:] + backup.stderr[-2000:]
    assert "media: 1 files" in backup.stdout

    _insert(db, "910001", "910002", "910003")  # before the instant
    marked = _pitr("mark", db, media=media)
    assert marked.returncode == 0, marked.stderr[-2000:]
    instant = marked.stdout.strip().splitlines()[-1]
    _insert(db, "910004", "910005")  # after it
    _psql(PORT, db, "DELETE FROM stations_region WHERE code = '910002'")
    assert _regions(PORT, db) == {"910001", "910003", "910004", "910005"}

    drill = _pitr("drill", "--time", instant, "--db", db, "--keep", media=media)
    assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
    assert "every count as marked" in drill.stdout
    assert "stock ledger and levels agree" in drill.stdout
    assert "1 files restored" in drill.stdout and "restore drill passed" in drill.stdout
    # The first writes are there, the later ones (and the later delete) are not.
    assert _regions(DRILL_PORT, db) == {"910001", "910002", "910003"}
    restored = Path(f"/var/lib/postgresql/{NAME}-drill-{_pg_major()}.media/reports/photo.jpg")
    assert restored.read_bytes() == (media / "reports" / "photo.jpg").read_bytes()

    # Backups are private: the repository, its configuration and the media archives.
    for path in [HOME / "pgbackrest.conf", *sorted((HOME / "media").iterdir())]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((HOME / "repo").stat().st_mode) == 0o700
    assert "cipher-pass" in (HOME / "pgbackrest.conf").read_text()
    manifest = next((HOME / "repo" / "backup").rglob("backup.manifest"))
    assert b"pg_data" not in manifest.read_bytes()  # encrypted, not readable text

    # The control: counts that disagree with the restored ones fail the drill.
    counts = sorted((HOME / "marks").glob("*.counts"))[-1]
    text = counts.read_text()
    assert f"# {db} {instant}" in text and "stations_region 3" in text
    counts.write_text(text.replace("stations_region 3", "stations_region 4"))
    again = _pitr("drill", "--time", instant, "--db", db, "--check-only", media=media)
    assert again.returncode != 0
    assert "stations_region: marked 4, restored 3" in again.stdout
