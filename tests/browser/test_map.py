"""The public map page in headless Chromium, with the real Qinghai demo stations."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from stations.fixtures_loader import load_demo_stations, load_network
from stations.models import Station
from tests.maps.conftest import haversine_m

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XINING = {"latitude": 36.6171, "longitude": 101.7782}
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    import_module("stations.migrations.0002_service_catalog").load(apps, None)
    load_network()
    load_demo_stations()


@pytest.fixture
def open_page(chromium, live_server, demo):
    contexts = []
    problems: list[str] = []

    def make(path: str = "/", *, geolocation: bool = True, javascript: bool = True):
        options = {
            "viewport": {"width": 360, "height": 640},
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"},
            "java_script_enabled": javascript,
        }
        if geolocation:
            options.update(geolocation=XINING, permissions=["geolocation"])
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{live_server.url}{path}")
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == [], problems


def nearest_codes(lat: float, lng: float, n: int = 10, service: str | None = None) -> list[str]:
    stations = Station.objects.filter(status="active")
    rows = []
    for s in stations:
        if service and service not in s.service_codes:
            continue
        rows.append((haversine_m(lat, lng, s.location.y, s.location.x), s.code))
    return [code for _d, code in sorted(rows)[:n]]


def listed(page) -> list[tuple[str, int]]:
    return [
        (b.get_attribute("data-code"), int(b.get_attribute("data-distance")))
        for b in page.query_selector_all("#results button[data-code]")
    ]


def locate(page) -> None:
    page.click("#locate")
    page.wait_for_selector("#results[data-loaded=true]")


def test_markers_load(open_page):
    page = open_page()
    page.wait_for_selector(".leaflet-interactive")
    assert len(page.query_selector_all(".leaflet-interactive")) > 5


def test_nearest_stations_in_distance_order_and_screenshot(open_page):
    page = open_page()
    locate(page)
    rows = listed(page)
    assert [code for code, _d in rows] == nearest_codes(XINING["latitude"], XINING["longitude"])
    for code, metres in rows:
        station = Station.objects.get(code=code)
        expected = haversine_m(
            XINING["latitude"], XINING["longitude"], station.location.y, station.location.x
        )
        assert abs(metres - expected) <= max(2, expected * 0.005)
    distances = [d for _c, d in rows]
    assert distances == sorted(distances)
    page.wait_for_timeout(600)  # let Leaflet finish its zoom animation
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "map-360x640.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_service_chip_narrows_the_list(open_page):
    page = open_page()
    locate(page)
    before = [code for code, _d in listed(page)]
    chip = page.locator('button.chip[data-service="ebike_charging"]')
    chip.click()
    page.wait_for_function(
        "codes => JSON.stringify([...document.querySelectorAll('#results button[data-code]')]"
        ".map(b => b.dataset.code)) !== JSON.stringify(codes)",
        arg=before,
    )
    after = [code for code, _d in listed(page)]
    assert chip.get_attribute("aria-pressed") == "true"
    assert after == nearest_codes(XINING["latitude"], XINING["longitude"], service="ebike_charging")
    assert after != before


def test_a_station_opens_with_hours_and_links(open_page, live_server):
    page = open_page()
    locate(page)
    first = listed(page)[0][0]
    page.click(f'#results button[data-code="{first}"]')
    page.wait_for_selector("#sheet:not([hidden])")
    assert len(page.query_selector_all("#sheet table.week tr")) == 7
    station = Station.objects.get(code=first)
    if station.phone:
        assert page.query_selector(f'#sheet a[href="tel:{station.phone}"]')
    hrefs = {
        a.get_attribute("data-provider"): a.get_attribute("href")
        for a in page.query_selector_all("#sheet a[data-provider]")
    }
    assert "uri.amap.com" in hrefs["amap"]
    assert "api.map.baidu.com" in hrefs["baidu"]
    assert "openstreetmap.org" in hrefs["osm"]
    page.click("#sheet a.button.primary")
    page.wait_for_url(f"**/stations/{first}/**")
    assert page.text_content("h1").strip() == station.name
    assert len(page.query_selector_all("table.week tr")) == 7


def test_language_switch(open_page):
    page = open_page()
    assert page.get_attribute("html", "lang") == "zh-Hans"
    page.click('.lang-switch button[value="en"]')
    page.wait_for_selector('html[lang="en"]')
    assert page.text_content('.lang-switch button[value="zh-hans"]').strip() == "简体中文"
    assert "Find stations near me" in page.text_content("#locate")


def test_denied_geolocation_says_so_and_a_tap_works(open_page):
    page = open_page(geolocation=False)
    page.click("#locate")
    page.wait_for_selector("#status[data-geo=denied]")
    assert "无法获取您的位置" in page.text_content("#status")
    page.click("#map", position={"x": 180, "y": 120})
    page.wait_for_selector("#results[data-loaded=true]")
    assert len(listed(page)) == 10


def test_picking_a_city(open_page):
    page = open_page(geolocation=False)
    page.select_option("#city", "632801")  # Golmud
    page.wait_for_selector("#results[data-loaded=true]")
    assert listed(page)[0][0].startswith("QH-HX-")


def test_keyboard_reaches_and_uses_the_locate_button(open_page):
    page = open_page()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "locate":
            break
    assert page.evaluate("document.activeElement.id") == "locate"
    page.keyboard.press("Enter")
    page.wait_for_selector("#results[data-loaded=true]")
    assert len(listed(page)) == 10


def test_without_javascript(open_page):
    page = open_page("/nearby/?city=630100", javascript=False, geolocation=False)
    items = page.query_selector_all("ol.station-list li")
    assert len(items) >= 10
    assert page.get_attribute("ol.station-list li a", "href").startswith("/stations/QH-XN-")
