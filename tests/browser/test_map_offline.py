"""The finder on a weak signal, in Chromium on a 360×640 phone: the first list does not
wait for the map library, the list survives losing the network (kept by the service worker
and on the phone), a failed request says what happened and offers the light list, and a
closed station says when it opens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.maps.conftest import SHANGHAI, XINING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
LOADED = "#results[data-loaded=true]"


def test_the_first_list_does_not_wait_for_the_map_library(phone, demo_stations):
    page = phone.open(None)
    # The map library never arrives (a dead connection for that one file).
    page.route("**/leaflet/leaflet.js", lambda route: route.abort())
    page.goto("/")
    page.wait_for_selector(LOADED, state="attached")
    assert page.locator("#results button[data-code]").count() == 10
    assert "中心" in page.text_content("#list-origin")
    assert page.get_attribute("#map", "data-ready") is None


def test_the_list_survives_losing_the_network(phone, demo_stations):
    page = phone.open(
        "/",
        geolocation={"latitude": XINING[0], "longitude": XINING[1]},
        permissions=["geolocation"],
    )
    page.wait_for_selector(LOADED, state="attached")
    page.click("#locate")
    page.wait_for_selector(LOADED, state="attached")
    online = page.eval_on_selector_all(
        "#results button[data-code]", "els => els.map(e => e.dataset.code)"
    )
    # The service worker has taken the page (it claims clients on activation).
    wait_until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
    page.context.set_offline(True)
    page.reload()
    # The page itself came from the phone, and so did the last list.
    offline = page.eval_on_selector_all(
        "#results button[data-code]", "els => els.map(e => e.dataset.code)"
    )
    assert offline == online
    # A filter needs the network: the failure is said in words, with the light list.
    page.click("[data-open-now]")
    note = page.locator("#offline")
    expect(note).to_be_visible()
    assert "Failed to fetch" not in note.text_content()
    # The light list is a server page: with no connection it is not offered (issue 23).
    assert note.locator("a").count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-offline-360.png"), full_page=True)


@time_machine.travel(dt.datetime(2027, 7, 14, 21, 30, tzinfo=SHANGHAI))
def test_a_closed_station_says_when_it_opens(phone, demo_stations):
    page = phone.open("/")
    page.wait_for_selector(LOADED, state="attached")
    closed = page.locator("#results .badge.closed")
    assert closed.count() > 0  # at 21:30 most demo stations have closed
    item = closed.first.locator("xpath=..")
    assert item.locator(".next-open").count() == 1
    assert "开放" in item.locator(".next-open").text_content()


def _cold_wave(code: str, lng: float, lat: float) -> None:
    from decimal import Decimal

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from stations.models import Region
    from welfare import services
    from welfare.weather import DayForecast

    region = Region.objects.get(code=code)
    Region.objects.filter(pk=region.pk).update(reference_point=Point(lng, lat, srid=4326))
    today = timezone.localdate(timezone.now(), timezone=SHANGHAI)
    rows = [(-1, "-8", "20"), (0, "-20", "45"), (1, "-21", "10")]
    days = [
        DayForecast(today + dt.timedelta(days=n), Decimal(t) + 8, Decimal(t), Decimal(w),
                    Decimal(t), Decimal(w))
        for n, t, w in rows
    ]  # fmt: skip
    services.weather_apply(region=region, days=days, fetched_at=timezone.now())


@time_machine.travel(dt.datetime(2026, 12, 14, 3, 0, tzinfo=SHANGHAI))
def test_offline_the_kept_list_draws_opens_and_filters(phone, demo_stations):
    """Issue 23: offline after one visit, the map draws the kept stations, opens one never
    opened, filters open now from the kept hours, keeps this place's alerts with their
    advice, and offers no light list it cannot load."""
    from maps import selectors

    _cold_wave("632801", 94.903, 36.402)  # Golmud, where the worker is
    _cold_wave("630100", 101.778, 36.617)  # Xining: not where the worker is
    page = phone.open(
        "/",
        geolocation={"latitude": 36.4046, "longitude": 94.9031},
        permissions=["geolocation"],
    )
    page.wait_for_selector(LOADED, state="attached")
    page.click("#locate")
    page.wait_for_selector("#weather-banner[data-region='632801']", state="attached")
    page.wait_for_selector(LOADED, state="attached")
    online = page.eval_on_selector_all(
        "#results button[data-code]", "els => els.map(e => e.dataset.code)"
    )
    wait_until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")

    # The phone's clock is the night's (the server's is frozen there): offline, open now is
    # read from the kept hours and this clock.
    page.clock.set_fixed_time(dt.datetime(2026, 12, 14, 3, 5, tzinfo=SHANGHAI))
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#results[data-saved=true]", state="attached")
    assert (
        page.eval_on_selector_all(
            "#results button[data-code]", "els => els.map(e => e.dataset.code)"
        )
        == online
    )
    # The alerts are this place's, with their advice; no other city's.
    regions = page.eval_on_selector_all(
        "#weather-banner details summary", "els => els.map(e => e.textContent)"
    )
    assert regions and all("格尔木" in r for r in regions), regions
    page.locator("#weather-banner summary").first.click()
    expect(page.locator("#weather-banner .advice").first).not_to_be_empty()
    # Markers from the kept list.
    page.wait_for_selector("#map[data-saved=true]", state="attached")
    expect(page.locator("#map path.leaflet-interactive:not(.you-are-here)")).to_have_count(
        len(online)
    )
    # A station never opened on this phone opens from the kept list.
    page.locator("#results button[data-code]").nth(3).click()
    sheet = page.locator("#sheet")
    expect(sheet).to_be_visible()
    expect(sheet).to_have_attribute("data-saved", "true")
    expect(page.locator("#sheet-title")).not_to_be_empty()
    page.screenshot(path=str(ARTIFACTS / "map-offline-sheet-360.png"))
    page.click("#sheet-close")
    # Open now, from the kept hours: at 03:00 only those open all night.
    page.click("[data-open-now]")
    wait_until(page, "document.querySelectorAll('#results .badge.closed').length === 0")
    shown = page.eval_on_selector_all(
        "#results button[data-code]", "els => els.map(e => e.dataset.code)"
    )
    found = selectors.station_nearby(lat=36.4046, lng=94.9031, limit=10, open_now=True)
    assert shown and set(shown) == {i.station.code for i in found} & set(online)
    # The light list needs the server: not offered with no connection.
    expect(page.locator("#offline")).to_be_visible()
    assert page.locator("#offline a").count() == 0
    expect(page.locator("#light-list-link")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "map-offline-open-now-360.png"), full_page=True)
