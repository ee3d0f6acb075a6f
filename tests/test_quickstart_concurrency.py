"""The embedded default holds a busy morning.

The quick start (SpatiaLite, ``config.settings.local``, the server ``make run`` starts)
is served in a process of its own, and 50 hand-outs from a stock of 30 plus 50 visit
batches arrive at once over real HTTP. No answer may be a 500 ("database is locked"),
exactly 30 hand-outs succeed, every visit is stored once, and the ledger still adds up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.serverprocess import ROOT, free_port, serving

pytestmark = [pytest.mark.serverprocess]

STOCK = 30
HAND_OUTS = 50
BATCHES = 50

SETUP = """
import datetime as dt
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from campaigns.models import Campaign, Item, StockLevel
from campaigns.services import ledger
from campaigns.selectors.stock import stock_location_get
from stations.models import Union

depot = stock_location_get(code="DEPOT-QH-XN")
item = Item.objects.get(code="sun_hat")
ledger.stock_receive(actor=None, location=depot, lines=[
    ledger.ReceiptLine(item=item, quantity=%(stock)d, batch="RUSH-1")])
campaign = Campaign.objects.filter(status="active").order_by("pk").first()
for name in ("demo-organizer", "demo-staff"):
    user = get_user_model().objects.get(username=name)
    print("VALUE", name, Token.objects.get_or_create(user=user)[0].key)
print("VALUE", "campaign", campaign.pk)
print("VALUE", "before", sum(StockLevel.objects.filter(location=depot, lot__item=item)
                   .values_list("quantity", flat=True)))
"""


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    db = tmp_path_factory.mktemp("quickstart") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"spatialite:///{db}",
        "CELERY_BROKER_URL": "",
    }
    manage(env, "migrate", "--noinput", "-v0")
    for command in ("load_demo", "load_demo_campaign"):
        manage(env, command)
    out = manage(env, "shell", stdin=SETUP % {"stock": STOCK})
    values = dict(line.split(" ", 2)[1:] for line in out.splitlines() if line.startswith("VALUE "))
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with serving(command, port=port, env=env, log_path=db.parent / "server.log") as base:
        yield {"base": base, "env": env, **values}


def test_a_busy_morning_on_the_embedded_default(quickstart):
    base = quickstart["base"]
    organizer = {"Authorization": f"Token {quickstart['demo-organizer']}"}
    staff = {"Authorization": f"Token {quickstart['demo-staff']}"}
    campaign = int(quickstart["campaign"])
    before = int(quickstart["before"])
    assert before >= STOCK
    # The rush asks for more than there is, so the limit is reached and refusals follow.
    rush = min(HAND_OUTS, before)

    def hand_out(n: int) -> int:
        body = {"campaign": campaign, "location": "DEPOT-QH-XN", "item": "sun_hat",
                "quantity": 1, "category": "sanitation"}  # fmt: skip
        headers = {**organizer, "Idempotency-Key": f"rush-{n}"}
        return requests.post(
            f"{base}/api/v1/stock/distributions/", json=body, headers=headers, timeout=120
        ).status_code

    now = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600 - 60))

    def visits(n: int) -> tuple[int, list[str]]:
        batch = [
            {"uuid": str(uuid.uuid4()), "station": "QH-XN-0001", "occurred_at": now,
             "category": "courier", "services": []}
            for _ in range(2)
        ]  # fmt: skip
        response = requests.post(
            f"{base}/api/v1/visits/batch/", json={"visits": batch}, headers=staff, timeout=120
        )
        statuses = [r["status"] for r in response.json()["results"]] if response.ok else []
        return response.status_code, statuses

    with ThreadPoolExecutor(max_workers=24) as pool:
        hand_out_jobs = [pool.submit(hand_out, n) for n in range(HAND_OUTS)]
        visit_jobs = [pool.submit(visits, n) for n in range(BATCHES)]
        hand_out_codes = [job.result() for job in hand_out_jobs]
        visit_answers = [job.result() for job in visit_jobs]

    assert 500 not in hand_out_codes
    assert all(code in (201, 409) for code in hand_out_codes), hand_out_codes
    # Exactly as many succeed as there was stock for (the demo's own sun hats count too).
    assert hand_out_codes.count(201) == rush
    assert [code for code, _ in visit_answers] == [200] * BATCHES
    assert all(statuses == ["created", "created"] for _, statuses in visit_answers)
    # manage() asserts the exit status: stock_verify fails on any disagreement.
    assert "agree" in manage(quickstart["env"], "stock_verify")
