"""make serve serves public photos (SERVE_PUBLIC_MEDIA) and nothing else of MEDIA_ROOT:
private files are reached only through the view that checks scope."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
for path in ("/media/public/photo.jpg", "/media/imports/roster.csv",
             "/media/public/../imports/roster.csv", "/media/public%2F..%2Fimports/roster.csv"):
    print(path, client.get(path).status_code)
"""


def test_only_the_public_folders_of_media_are_served(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "photo.jpg").write_bytes(b"\xff\xd8\xff public")
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "roster.csv").write_text("name,phone\n张三,13700000001\n")
    env = {**os.environ, "SERVE_PUBLIC_MEDIA": "true", "MEDIA_ROOT": str(tmp_path),
           "DEBUG": "false"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.rsplit(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["/media/public/photo.jpg"] == "200"
    assert lines["/media/imports/roster.csv"] == "404"
    assert lines["/media/public/../imports/roster.csv"] == "404"
    assert lines["/media/public%2F..%2Fimports/roster.csv"] == "404"
