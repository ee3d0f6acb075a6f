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
