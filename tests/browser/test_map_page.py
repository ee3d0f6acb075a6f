"""The public map page in headless Chromium on a 360×640 phone, against the real Qinghai
demo stations: markers, locate, filters, the station sheet, languages, a denied location,
the city picker, the keyboard, and the list that works without JavaScript."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from stations.models import Station
from stations.services.stations import station_set_status
from tests.browser.conftest import wait_until
from tests.maps.conftest import XINING, haversine_m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
IN_XINING = {
    "geolocation": {"latitude": XINING[0], "longitude": XINING[1]},
    "permissions": ["geolocation"],
}
LOADED = "#results[data-loaded=true]"
LISTED_JS = (
    "els => els.map(e => [e.getAttribute('data-code'), Number(e.getAttribute('data-distance'))])"
)


def nearest_active(
    lat: float, lng: float, *, limit: int = 10, service: str | None = None
) -> list[tuple[str, float]]:
    """The ``limit`` nearest active stations as (code, metres), computed without PostGIS."""
    qs = Station.objects.filter(status=Station.Status.ACTIVE)
    if service:
        qs = qs.filter(services__code=service)
    ranked = sorted(
        (haversine_m(lat, lng, s.location.y, s.location.x), s.code) for s in qs.distinct()
    )
    return [(code, metres) for metres, code in ranked[:limit]]


def listed(page) -> list[tuple[str, int]]:
    """(code, data-distance) of every station in the page's list, top to bottom."""
    return [
        (code, int(distance))
        for code, distance in page.eval_on_selector_all("#results button[data-code]", LISTED_JS)
    ]


def close_enough(shown: float, computed: float) -> bool:
    return abs(shown - computed) <= max(2.0, 0.005 * computed)


def locate(page) -> list[tuple[str, int]]:
    page.click("#locate")
    page.wait_for_selector(LOADED, state="attached")
    return listed(page)


def test_map_shows_the_demo_stations_in_view(phone, demo_stations):
    page = phone.open(None)
    with page.expect_response(lambda r: "/api/v1/stations/?bbox=" in r.url) as answer:
        page.goto("/")
    response = answer.value
    assert response.ok
    features = response.json()["features"]
    assert len(features) > 0

    # The map asked for exactly the active stations inside its own view.
    min_lng, min_lat, max_lng, max_lat = (
        float(v) for v in parse_qs(urlparse(response.url).query)["bbox"][0].split(",")
    )
    in_view = {
        s.code
        for s in Station.objects.filter(status=Station.Status.ACTIVE)
        if min_lng <= s.location.x <= max_lng and min_lat <= s.location.y <= max_lat
    }
    assert {f["properties"]["code"] for f in features} == in_view

    # …and drew one circle per station.
    expect(page.locator("#map path.leaflet-interactive:not(.you-are-here)")).to_have_count(
        len(features)
    )
    phone.assert_no_errors()


def test_locate_lists_the_ten_nearest_active_stations_in_order(phone, demo_stations):
    # The nearest demo station is paused: the list must skip it.
    paused_code = nearest_active(*XINING, limit=1)[0][0]
    station_set_status(actor=None, station=Station.objects.get(code=paused_code), status="paused")
    expected = nearest_active(*XINING)
    assert len(expected) == 10

    page = phone.open("/", **IN_XINING)
    shown = locate(page)

    assert [code for code, _ in shown] == [code for code, _ in expected]
    assert paused_code not in {code for code, _ in shown}
    distances = [d for _, d in shown]
    assert distances == sorted(distances)
    for (code, shown_m), (_, computed_m) in zip(shown, expected, strict=True):
        assert close_enough(shown_m, computed_m), (code, shown_m, computed_m)
    phone.assert_no_errors()


def test_service_chip_narrows_the_list(phone, demo_stations):
    page = phone.open("/", **IN_XINING)
    before = locate(page)
    assert len(before) == 10

    chip = page.locator('button.chip[data-service="ebike_charging"]')
    expect(chip).to_have_attribute("aria-pressed", "false")
    with page.expect_response(
        lambda r: "/nearby/" in r.url and "service=ebike_charging" in r.url
    ) as answer:
        chip.click()
    answered = [f["properties"]["code"] for f in answer.value.json()["features"]]
    wait_until(
        page,
        "codes => Array.from(document.querySelectorAll('#results button[data-code]'))"
        ".map(e => e.dataset.code).join() === codes.join()",
        arg=answered,
    )
    expect(chip).to_have_attribute("aria-pressed", "true")
    after = listed(page)
    codes = [code for code, _ in after]

    assert codes, "the filtered list is empty"
    assert codes != [code for code, _ in before]
    with_ebike = set(
        Station.objects.filter(services__code="ebike_charging").values_list("code", flat=True)
    )
    assert set(codes) <= with_ebike
    # The nearest stations that have the service, not just any of them.
    expected = nearest_active(*XINING, service="ebike_charging")
    assert set(codes) == {code for code, _ in expected}
    computed = dict(expected)
    distances = [d for _, d in after]
    assert distances == sorted(distances)
    for code, shown_m in after:
        assert close_enough(shown_m, computed[code]), (code, shown_m, computed[code])
    phone.assert_no_errors()


def test_station_sheet_shows_hours_call_and_directions_then_details_page(phone, demo_stations):
    page = phone.open("/", **IN_XINING)
    first_code = locate(page)[0][0]
    station = Station.objects.get(code=first_code)

    page.locator("#results button[data-code]").first.click()
    sheet = page.locator("#sheet")
    expect(sheet).to_be_visible()
    expect(sheet).to_have_attribute("data-code", first_code)
    expect(page.locator("#sheet-title")).to_have_text(station.name)
    expect(sheet.locator("table.week tr")).to_have_count(7)
    if station.phone:
        expect(sheet.locator('a[href^="tel:"]')).to_have_attribute("href", f"tel:{station.phone}")
    for provider, host in (
        ("amap", "uri.amap.com"),
        ("baidu", "api.map.baidu.com"),
        ("osm", "openstreetmap.org"),
    ):
        link = sheet.locator(f'a[data-provider="{provider}"]')
        expect(link).to_have_count(1)
        assert urlparse(link.get_attribute("href")).hostname.endswith(host), provider

    sheet.locator(".button.primary").click()
    page.wait_for_url(f"**/stations/{first_code}/**")
    assert urlparse(page.url).path == f"/stations/{first_code}/"
    expect(page.locator("h1")).to_have_text(station.name)
    expect(page.locator("table.week tr")).to_have_count(7)
    phone.assert_no_errors()


def test_language_switch_to_english_and_back(phone):
    page = phone.open("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.click('.lang-switch button[value="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    back = page.locator(".lang-switch button")
    expect(back).to_have_count(1)
    expect(back).to_have_text("简体中文")
    assert urlparse(page.url).path == "/"

    back.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    phone.assert_no_errors()


def test_denied_location_explains_and_a_tap_on_the_map_sets_the_origin(phone, demo_stations):
    page = phone.open("/", permissions=[])
    page.click("#locate")
    page.wait_for_selector("#status[data-geo=denied]", state="attached")
    denied_text = page.text_content("#status").strip()
    assert denied_text
    assert page.locator(LOADED).count() == 0

    with page.expect_request(lambda r: "/api/v1/stations/nearby/" in r.url) as asked:
        page.locator("#map").click()
    page.wait_for_selector(LOADED, state="attached")
    query = parse_qs(urlparse(asked.value.url).query)
    lat, lng = float(query["lat"][0]), float(query["lng"][0])
    # The tap landed in Xining, somewhere on the map the page opened with.
    assert haversine_m(lat, lng, *XINING) < 15_000
    shown = listed(page)
    assert [code for code, _ in shown] == [code for code, _ in nearest_active(lat, lng)]
    tapped_text = page.text_content("#status").strip()
    assert tapped_text
    assert tapped_text != denied_text
    phone.assert_no_errors()


def test_picking_golmud_lists_golmud_stations(phone, demo_stations):
    page = phone.open("/")
    page.select_option("#city", "632801")
    page.wait_for_selector(LOADED, state="attached")
    shown = listed(page)
    assert shown, "no stations listed for Golmud"
    assert shown[0][0].startswith("QH-HX-"), shown
    phone.assert_no_errors()


def test_screenshot_of_the_located_list_on_a_small_phone(phone, demo_stations):
    page = phone.open("/", **IN_XINING)
    assert len(locate(page)) == 10
    # Leaflet animates the zoom to the origin; wait until it is done.
    wait_until(page, "!document.querySelector('#map .leaflet-zoom-anim')")
    page.wait_for_load_state("networkidle")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "map-360x640.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target))

    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (360, 640)
    phone.assert_no_errors()


def test_map_page_fits_a_360px_phone_without_sideways_scrolling(phone, demo_stations):
    # Regression: `.finder { grid-template-columns: 1fr }` let the chip row widen the page
    # (and the map, whose centre then sat off to the right) to ~600 px.
    page = phone.open("/")
    page.wait_for_selector("#map .leaflet-map-pane", state="attached")
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth,"
        " map: document.getElementById('map').getBoundingClientRect().width})"
    )
    assert widths["page"] <= 360, widths
    assert widths["map"] <= 360, widths
    phone.assert_no_errors()


def test_keyboard_reaches_locate_and_enter_finds_stations(phone, demo_stations):
    page = phone.open("/", **IN_XINING)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "locate":
            break
    assert page.evaluate("document.activeElement.id") == "locate"

    page.keyboard.press("Enter")
    page.wait_for_selector(LOADED, state="attached")
    assert [code for code, _ in listed(page)] == [code for code, _ in nearest_active(*XINING)]
    phone.assert_no_errors()


def test_nearby_list_works_without_javascript(phone, demo_stations):
    page = phone.open("/nearby/?city=630100", java_script_enabled=False)
    items = page.locator("ol.station-list li")
    assert items.count() >= 10
    hrefs = [items.nth(i).locator("a").first.get_attribute("href") for i in range(items.count())]
    assert hrefs[0].startswith("/stations/QH-XN-"), hrefs[0]
    assert all(urlparse(h).path.startswith("/stations/QH-") for h in hrefs)
    nearest = nearest_active(*XINING, limit=1)[0][0]
    assert urlparse(hrefs[0]).path == f"/stations/{nearest}/"
    phone.assert_no_errors()
