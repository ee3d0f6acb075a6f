"""Optional error reporting (SENTRY_DSN) against a local HTTP server standing in for Sentry:
an error reaches it, and no personal data does (PIPL; core.sentry)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from core.sentry import SCRUBBED, before_send, scrub_text

ROOT = Path(__file__).resolve().parent.parent
PHONE, FULL_WIDTH_PHONE, ID_NUMBER = "13700000001", "１３７００００００２", "630102199001011234"

SCRIPT = f"""
import logging
import django
django.setup()
import sentry_sdk
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

setup_test_environment()
with override_settings(ROOT_URLCONF="tests.sentry_urls", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).post(
        "/fail/", {{"phone": "{PHONE}", "note": "call {FULL_WIDTH_PHONE}"}},
        HTTP_AUTHORIZATION="Token secret-api-token-value",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    print("STATUS", response.status_code)
logging.getLogger("yizhan.test").error("reward paid to %s", "{PHONE}")
sentry_sdk.flush(timeout=10)
"""


class _Sentry(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # sentry-sdk compresses with it when it is installed

            body = brotli.decompress(body)
        self.envelopes.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_errors_reach_sentry_without_personal_data():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    _Sentry.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
            timeout=120, env={**os.environ, "SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "drill"},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    assert "STATUS 500" in result.stdout
    sent = b"\n".join(_Sentry.envelopes).decode()
    events = [
        json.loads(line)
        for line in sent.splitlines()
        if (line.startswith("{") and '"event_id"' in line and '"exception"' in line)
        or '"logentry"' in line
    ]
    assert events, sent[:2000]
    exception = next(e for e in events if "exception" in e)
    assert exception["exception"]["values"][-1]["type"] == "ValueError"
    assert exception["environment"] == "drill"
    assert "/fail/" in json.dumps(exception), json.dumps(exception)[:3000]
    # What identifies a person is gone from everything sent.
    for secret in (PHONE, FULL_WIDTH_PHONE, ID_NUMBER, "张三", "secret-api-token-value",
                   "203.0.113.77"):  # fmt: skip
        assert secret not in sent, secret
    assert SCRUBBED in sent
    assert "data" not in exception["request"] and "cookies" not in exception["request"]
    frames = exception["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "fail_with_personal_data"
    assert frames[-1]["filename"].endswith("sentry_urls.py")  # file names are kept


def test_scrubbing_rules():
    assert scrub_text("call +86 137-0000-0001 or 1٣٧") == f"call {SCRUBBED} or 1٣٧"
    assert scrub_text("id 63010219900101123X") == f"id {SCRUBBED}"
    assert scrub_text("a@b.example wrote") == f"{SCRUBBED} wrote"
    assert scrub_text("station QH-XN-0001, 12 visits") == "station QH-XN-0001, 12 visits"
    event = before_send(
        {
            "request": {"data": {"phone": "1"}, "cookies": {"sessionid": "s"},
                        "headers": {"Authorization": "Token t", "User-Agent": "ua"}},
            "user": {"id": 7, "username": "wang", "ip_address": "1.2.3.4"},
            "extra": {"worker_name": "王五", "count": 3},
        }
    )  # fmt: skip
    assert event["request"] == {"headers": {"Authorization": SCRUBBED, "User-Agent": "ua"}}
    assert event["user"] == {"id": 7}
    assert event["extra"] == {"worker_name": SCRUBBED, "count": 3}
