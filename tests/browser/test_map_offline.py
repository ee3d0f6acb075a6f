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
    assert note.locator("a").get_attribute("href").startswith("/nearby/?lat=")
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
