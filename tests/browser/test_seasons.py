"""The quick start in each forced season, on a 360-px phone in headless Chromium: the map's
banner and filter chips, the worker's own region's alerts, and the organizer's campaign
and cold advice. Screenshots go to var/test-artifacts/season-<season>-*.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.demo import load_demo_campaign
from stations.demo import DEMO_PASSWORD, create_demo_accounts
from welfare.demo import load_demo_welfare

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
GOLMUD = {"geolocation": {"latitude": 36.402, "longitude": 94.903}, "permissions": ["geolocation"]}

SEASONS = {
    # season: (campaign shown, its status, banner text, first service chips)
    "winter": (
        "演示：西宁市冬季送温暖",
        "进行中",
        ["强降温提示", "风寒提示"],
        ["heating", "hot_water"],
    ),
    "summer": (
        "演示：西宁市送清凉",
        "进行中",
        ["高温提示 35.5°C"],
        ["water", "shade", "first_aid"],
    ),
    "planning": ("演示：西宁市送清凉（筹备中）", "计划中", [], ["water", "hot_water"]),
}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("season", list(SEASONS))
def test_quick_start_in_each_season(phone, demo_stations, settings, season):
    campaign, status, banner_texts, first_chips = SEASONS[season]
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = season
    create_demo_accounts()
    load_demo_campaign()
    load_demo_welfare()

    page = phone.open("/", **GOLMUD)
    chips = page.eval_on_selector_all(
        ".chips [data-service]", "els => els.map(e => e.getAttribute('data-service'))"
    )
    assert chips[: len(first_chips)] == first_chips
    assert page.get_attribute(".chips", "data-season") == season
    banner = page.locator("#weather-banner")
    if banner_texts:
        page.click("#locate")  # the worker's own region: Golmud
        expect(banner).to_have_attribute("data-region", "632801")
        for text in banner_texts[:1]:
            expect(banner).to_contain_text(text)
        if season == "winter":
            expect(banner).to_have_class("weather-banner cold")
            # Each alert one folded line; our own estimate carries no signal colour (only
            # the weather service's signals do).
            assert banner.locator("details").count() >= 1
            expect(banner.locator("details[open]")).to_have_count(0)
            expect(banner.locator("details[data-source=advisory][class*=signal-]")).to_have_count(0)
            expect(banner.locator("details[data-source=advisory]").first).to_contain_text(
                "模型估算，以气象部门发布为准"
            )
    else:
        expect(banner).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the map page scrolls sideways ({width}px)"
    shot(page, f"season-{season}-map")

    staff = phone.open("/accounts/login/")
    staff.fill("input[name=username]", "demo-admin")
    staff.fill("input[name=password]", DEMO_PASSWORD)
    staff.click("form.stack button[type=submit]")
    staff.wait_for_load_state()
    staff.goto("/campaigns/")
    expect(staff.locator("main")).to_contain_text(campaign)
    expect(staff.locator("main")).to_contain_text(status)
    shot(staff, f"season-{season}-campaigns")
    staff.goto("/organizer/")
    if season == "winter":
        panel = staff.locator("#cold-panel")
        expect(panel).to_contain_text("强降温提示")
        expect(panel.locator("#cold-actions")).to_contain_text("开放取暖")
        expect(panel.locator("[data-high-altitude]")).to_have_count(1)  # the Tanggula mine
        panel.scroll_into_view_if_needed()
        shot(staff, f"season-{season}-organizer")
    else:
        expect(staff.locator("#cold-alerts")).to_have_count(0)
    phone.assert_no_errors()
