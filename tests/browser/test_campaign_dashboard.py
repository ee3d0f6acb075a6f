"""The campaign pages on a 360×640 phone in headless Chromium: the dashboard does not scroll
sideways, its stock map has its height, and the plan page keeps a running total against
the depot as quantities are typed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from campaigns.models import Item
from campaigns.services import ledger, lifecycle, locations, planner, reorder_levels
from core import time as local_time
from stations.services.memberships import membership_grant
from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path("var/test-artifacts")
PASSWORD = "org-pass-12345"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def busy_campaign(network):
    """A Xining campaign with targets, stock at a depot and a station, an expired lot,
    reorder levels, hand-outs, a transfer in transit and a draft plan."""
    user = UserFactory(username="org-dash", password=PASSWORD)
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    today = local_time.today()
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="西宁市2027年夏季“送清凉”暨户外劳动者关爱行动（测试）",
        union=network.xining, starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=60), target_workers=5000,
        category_targets={"courier": 1200, "sanitation": 1500, "delivery": 1000,
                          "construction": 800},
    )  # fmt: skip
    campaign = lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    depot = locations.depot_create(actor=None, code="DEPOT-XN", name="西宁市总工会物资仓库（城北区）",
                                union=network.xining, lat=36.62, lng=101.77)  # fmt: skip
    station = locations.stock_location_ensure(actor=None, station=network.xining_station)
    water, hat = Item.objects.get(code="water"), Item.objects.get(code="sun_hat")
    ledger.stock_receive(
        actor=None, location=depot, campaign=campaign,
        lines=[ledger.ReceiptLine(item=water, quantity=2400, batch="W-2027-06",
                                  expires_on=today + dt.timedelta(days=9)),
               ledger.ReceiptLine(item=water, quantity=48, batch="W-2026-OLD",
                                  expires_on=today - dt.timedelta(days=3)),
               ledger.ReceiptLine(item=hat, quantity=400)],
    )  # fmt: skip
    ledger.stock_receive(actor=None, location=station,
                         lines=[ledger.ReceiptLine(item=hat, quantity=30)])  # fmt: skip
    for item in (water, hat):
        reorder_levels.reorder_level_set(actor=None, location=station, item=item, level=50)
    for day, (category, n) in enumerate(
        [("courier", 40), ("sanitation", 85), ("delivery", 30), ("construction", 12)]
    ):
        ledger.stock_distribute(
            actor=None, campaign=campaign, location=station, item=hat, quantity=1,
            category=category, workers=n, on=today - dt.timedelta(days=day), reason="整箱分装",
        )  # fmt: skip
    ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=station, campaign=campaign,
        lines=[ledger.TransferRequest(item=water, quantity=240)],
    )  # fmt: skip
    planner.campaign_plan(actor=None, campaign=campaign, item=hat, source=depot, minimum=100)
    return campaign


def login(page) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "org-dash")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def test_dashboard_fits_a_360px_phone_with_its_stock_map(phone, busy_campaign):
    page = phone.open(None)
    login(page)
    page.goto(f"/campaigns/{busy_campaign.pk}/")
    page.wait_for_selector("#stock-map.leaflet-container path.leaflet-interactive")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    height = page.evaluate("document.getElementById('stock-map').getBoundingClientRect().height")
    assert height > 100
    text = page.inner_text("main")
    assert "已过期" in text and "W-2026-OLD" in text  # the lot to write off is named
    assert "低于补货线" in text
    assert page.locator("#category-progress progress").count() == 4
    assert "遮阳帽" in page.inner_text(".transfer") or "瓶装饮用水" in page.inner_text(".transfer")
    shot(page, "campaign-dashboard-360")
    phone.assert_no_errors()


def test_plan_page_keeps_a_running_total_as_quantities_are_typed(phone, busy_campaign):
    page = phone.open(None)
    login(page)
    page.goto(f"/campaigns/{busy_campaign.pk}/plan/?item=sun_hat&source=DEPOT-XN")
    assert page.inner_text("#plan-available") == "400"
    assert page.inner_text("#plan-total") == "200"  # 100 each for the two stations
    first = page.locator("[data-plan-quantity]").first
    first.fill("350")
    assert page.inner_text("#plan-total") == "450"
    assert page.locator("#plan-over").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "campaign-plan-over-360")
    page.click("button[value=review]")
    page.wait_for_load_state()
    assert "超过" in page.inner_text("[role=alert]")
    assert page.inner_text("#plan-total") == "200"  # nothing of the refused edit was kept
    # Issue 24: a plan that fits is shown once as a summary, and one tap confirms it.
    page.locator("[data-plan-quantity]").first.fill("150")
    page.click("button[value=review]")
    page.wait_for_load_state()
    assert page.inner_text("#review-total").startswith("250")
    assert page.inner_text("#review-left").startswith("150")
    assert page.inner_text("#review-destinations").startswith("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "campaign-plan-review-360")
    page.click("#plan-confirm")
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith(f"/campaigns/{busy_campaign.pk}/")  # the dashboard
    assert "已生成 2 笔调拨" in page.inner_text("main")
    # The refusal answers 409, which Chromium reports; nothing else may go wrong.
    phone.errors = [e for e in phone.errors if "status of 409" not in e]
    phone.assert_no_errors()


def test_stock_and_signing_pages_fit_and_work_on_a_phone(phone, busy_campaign):
    page = phone.open(None)
    login(page)
    page.goto(f"/campaigns/{busy_campaign.pk}/stock/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "campaign-stock-360")
    page.click("form.write-off button")  # write off the expired lot the page names
    page.wait_for_load_state()
    assert "已报废" in page.inner_text("[role=status]")
    assert page.locator("form.write-off").count() == 0
    page.goto(f"/campaigns/{busy_campaign.pk}/")
    page.click(".transfer a")
    page.wait_for_load_state()
    assert "瓶装饮用水" in page.inner_text("#transfer-lines")
    page.fill("#transfer-lines input", "230")
    page.fill("input[name=reason]", "少装 10 瓶")  # a delivery signed short says why
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "campaign-sign-360")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "已签收" in page.inner_text("[role=status]")
    phone.assert_no_errors()
