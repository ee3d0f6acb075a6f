"""A server of ours in a process of its own, for tests that talk to it over HTTP."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    command: Sequence[str], *, port: int, env: dict[str, str], log_path: Path
) -> Iterator[str]:
    """Start ``command`` (listening on ``port``), wait for /healthz, yield its base URL,
    stop it afterwards. Its log goes to a file: an unread pipe fills up and stalls it."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            list(command), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:  # not up yet, or still booting
                time.sleep(0.3)
        else:
            process.kill()
            pytest.fail(f"{command[0]} did not start: " + log_path.read_text()[-3000:])
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def database_url(alias_settings: dict | None = None) -> str:
    """The test database as a ``postgis://`` URL, for a server process to open."""
    from django.db import connection

    db = alias_settings or connection.settings_dict
    return f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def gunicorn(
    log_dir: Path, *, workers: int = 1, threads: int = 4, env: dict[str, str] | None = None
) -> Iterator[str]:
    """The production server (gunicorn) on the test database, with test settings; ``env``
    adds to or overrides the environment. Yields its base URL.

    Django's development server answers some malformed requests (control characters in
    the request line) with a bare HTML page and no status line; gunicorn answers 400 as a
    real deployment would, so tests over HTTP measure our code, not the toy server.
    """
    import os
    import shutil
    import sys

    port = free_port()
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **(env or {}),
    }
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert binary, "gunicorn is a dependency: pip install -e .[dev]"
    command = [binary, "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--timeout", "60"]  # fmt: skip
    with serving(command, port=port, env=full_env, log_path=log_dir / "gunicorn.log") as base:
        yield base
