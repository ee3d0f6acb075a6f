"""The map in the field (issue 23), in Chromium on a 360×640 phone: at 03:00 on a December
night in Golmud under a cold wave, the pages offer a warm-up only where a station is open
now, and the banner names the station open nearest or says when the first one opens; one
warm-up rule, not two; each alert one line; the first station on the first screen; the
map agrees with the list under the filters, which survive leaving the page; directions in
the list's mode; names go into the page as text (issue 22, item 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from maps import selectors
from stations.models import Region, Station
from stations.services.closures import station_closure_add
from stations.services.stations import station_set_status
from tests.browser.conftest import wait_until, zoom
from tests.maps.conftest import SHANGHAI
from tests.worlds import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
LOADED = "#results[data-loaded=true]"
NIGHT = dt.datetime(2026, 12, 14, 3, 0, tzinfo=SHANGHAI)  # a Monday, 03:00
GOLMUD = (36.4046, 94.9031)  # beside 昆仑中路爱心驿站 (QH-HX-0001, opens 08:30)
OPEN_ALL_NIGHT = "QH-HX-0006"  # 金峰路加油站爱心驿站, open 24 hours
IN_GOLMUD = {
    "geolocation": {"latitude": GOLMUD[0], "longitude": GOLMUD[1]},
    "permissions": ["geolocation"],
}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def cold_wave_in_golmud() -> None:
    """An orange cold wave (the minimum down 12 °C to -20 °C) and a wind-chill advisory
    (-20 °C at 45 km/h) for Golmud today."""
    from welfare import services
    from welfare.weather import DayForecast

    golmud = Region.objects.get(code="632801")
    Region.objects.filter(pk=golmud.pk).update(reference_point=Point(94.903, 36.402, srid=4326))
    today = timezone.localdate(timezone.now(), timezone=SHANGHAI)
    rows = [(-1, "-8", "20"), (0, "-20", "45"), (1, "-21", "10")]
    days = [
        DayForecast(today + dt.timedelta(days=n), Decimal(t) + 8, Decimal(t), Decimal(w),
                    Decimal(t), Decimal(w))
        for n, t, w in rows
    ]  # fmt: skip
    services.weather_apply(region=golmud, days=days, fetched_at=timezone.now())


def expand_alerts(page) -> list[dict[str, str]]:
    """Open every alert of the banner; each one's kind, advice and shelter text."""
    for summary in page.locator("#weather-banner details summary").all():
        summary.click()
    return page.eval_on_selector_all(
        "#weather-banner details",
        """els => els.map(d => ({
            kind: d.dataset.kind,
            advice: (d.querySelector('.advice') || {}).textContent || '',
            shelter: (d.querySelector('.shelter') || {}).textContent || '',
            open: (d.querySelector('.shelter') || {dataset: {}}).dataset.open || '',
            code: (d.querySelector('.shelter') || {dataset: {}}).dataset.code || ''}))""",
    )


# --- 1. an offer to come in only while the station is open ----------------------------------
@time_machine.travel(NIGHT)
def test_at_night_only_an_open_station_offers_a_warm_up(phone, demo_stations):
    cold_wave_in_golmud()
    page = phone.open("/stations/QH-HX-0001/")
    advice = page.locator("#station-cold-advice")
    expect(advice).to_have_attribute("data-open", "false")
    body = page.text_content("body")
    assert "进站暖和一下" not in body and "可以进站" not in body
    assert "驿站全天开放取暖" not in body
    text = advice.text_content()
    assert "本站现在没有开放" in text and "08:30" in text  # when it opens …
    assert advice.locator(f'a[href="/stations/{OPEN_ALL_NIGHT}/"]').count() == 1  # … and where
    shot(page, "station-closed-cold-night-360.png")

    page = phone.open(f"/stations/{OPEN_ALL_NIGHT}/")
    advice = page.locator("#station-cold-advice")
    expect(advice).to_have_attribute("data-open", "true")
    assert "这里可以进站暖和一下" in advice.text_content()
    phone.assert_no_errors()


@time_machine.travel(dt.datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI))
def test_a_station_closed_for_a_power_cut_offers_no_warm_up(phone, demo_stations):
    cold_wave_in_golmud()
    station = Station.objects.get(code="QH-HX-0001")
    page = phone.open("/stations/QH-HX-0001/")
    expect(page.locator("#station-cold-advice")).to_have_attribute("data-open", "true")
    today = dt.date(2026, 12, 14)
    station_closure_add(actor=None, station=station, starts_on=today, ends_on=today, reason="停电")
    page.reload()
    advice = page.locator("#station-cold-advice")
    expect(advice).to_have_attribute("data-open", "false")
    assert "进站暖和一下" not in page.text_content("body")
    assert "明天" in advice.text_content()  # opens tomorrow morning


@time_machine.travel(NIGHT)
def test_the_banner_names_the_station_open_nearest_and_one_warm_up_rule(phone, demo_stations):
    cold_wave_in_golmud()
    page = phone.open("/", **IN_GOLMUD)
    page.click("#locate")
    page.wait_for_selector("#weather-banner[data-region='632801']", state="attached")
    alerts = expand_alerts(page)
    assert {a["kind"] for a in alerts} == {"cold_wave", "wind_chill"}
    text = page.text_content("#weather-banner")
    assert "驿站全天开放取暖" not in text and "全天开放" not in text
    # One warm-up rule, the stronger alert's (orange cold wave 3/4 over high wind chill 2/5).
    with_rule = [a["kind"] for a in alerts if "暖休" in a["advice"]]
    assert with_rule == ["cold_wave"]
    assert "每小时进站暖休" in next(a["advice"] for a in alerts if a["kind"] == "cold_wave")
    sheltered = [a for a in alerts if a["shelter"]]
    assert len(sheltered) == 1
    assert (sheltered[0]["open"], sheltered[0]["code"]) == ("true", OPEN_ALL_NIGHT)
    assert "金峰路加油站爱心驿站" in sheltered[0]["shelter"]
    shot(page, "map-cold-night-banner-360.png")

    # The one station open all night is shut: none is open, and the banner says when the
    # first one opens (06:00, the sanitation depots).
    station_set_status(
        actor=None, station=Station.objects.get(code=OPEN_ALL_NIGHT), status="paused"
    )
    page.reload()
    page.click("#locate")
    wait_until(page, "!!document.querySelector('#weather-banner .shelter[data-open=false]')")
    alerts = expand_alerts(page)
    shelter = next(a for a in alerts if a["shelter"])
    assert "附近没有正在开放的站点" in shelter["shelter"]
    assert "06:00" in shelter["shelter"] and shelter["code"] in {"QH-HX-0004", "QH-HX-0005"}
    phone.assert_no_errors()


# --- 2. alerts one line each; the first station on the first screen -------------------------
@time_machine.travel(NIGHT)
def test_alerts_are_one_line_and_the_first_station_is_on_the_first_screen(phone, demo_stations):
    cold_wave_in_golmud()
    page = phone.open("/", **IN_GOLMUD)
    page.click("#locate")
    page.wait_for_selector(LOADED, state="attached")
    page.wait_for_selector("#weather-banner[data-region='632801']", state="attached")
    summaries = page.locator("#weather-banner summary")
    assert summaries.count() == 2
    for box in (s.bounding_box() for s in summaries.all()):
        assert 44 <= box["height"] <= 52  # one line, a finger high
    assert page.evaluate("window.scrollY") == 0
    first = page.locator("#results li").first.bounding_box()
    assert first["y"] >= 0 and first["y"] + first["height"] <= 640, first
    page.screenshot(path=str(ARTIFACTS / "map-first-screen-360.png"))
    # A tap opens the advice.
    summaries.first.click()
    expect(page.locator("#weather-banner details").first.locator(".advice")).to_be_visible()


# --- 3. the map agrees with the list; filters survive leaving the page ----------------------
def test_filters_apply_to_the_clusters_and_stay_in_the_address(phone, demo_stations):
    page = phone.open("/")
    page.wait_for_selector("#map[data-ready=true]")
    page.click("[data-open-now]")
    page.click('button.chip[data-service="heating"]')
    assert parse_qs(urlparse(page.url).query) == {"service": ["heating"], "open_now": ["true"]}
    # Zoomed out with open now on, the clusters come from the endpoint that applies it.
    tiles: list = []
    page.on("response", lambda r: tiles.append(r.url) if "/tiles/stations/" in r.url else None)
    with page.expect_response(
        lambda r: "/clusters/" in r.url and "open_now=true" in r.url and "service=heating" in r.url
    ) as answer:
        zoom(page, "out", 4)
    response = answer.value
    query = parse_qs(urlparse(response.url).query)
    bbox = tuple(float(v) for v in query["bbox"][0].split(","))
    drawn = sum(
        f["properties"]["count"] if f["properties"]["cluster"] else 1
        for f in response.json()["features"]
    )
    rows, _ = selectors.stations_in_bbox(bbox=bbox, services=["heating"], open_now=True)
    assert drawn == len(rows) < Station.objects.filter(status="active").count()
    assert not tiles, "vector tiles cannot say open now"

    # Away to a navigation app and back: the filters are as they were.
    page.goto("/nearby/")
    with page.expect_response(
        lambda r: "/nearby/" in r.url and "open_now=true" in r.url and "service=heating" in r.url
    ):
        page.go_back()
    expect(page.locator("[data-open-now]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator('button.chip[data-service="heating"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.assert_no_errors()


def test_directions_take_the_mode_the_list_states(phone, demo_stations):
    # Five kilometres north of Golmud: the list says riding minutes.
    page = phone.open(
        "/", geolocation={"latitude": 36.45, "longitude": 94.90}, permissions=["geolocation"]
    )
    page.click("#locate")
    page.wait_for_selector(LOADED, state="attached")
    first = page.locator("#results button[data-code]").first
    expect(first.locator(".travel")).to_have_attribute("data-mode", "ride")
    assert "骑行" in first.locator(".travel").text_content()
    first.click()
    sheet = page.locator("#sheet")
    expect(sheet).to_be_visible()
    amap = parse_qs(urlparse(sheet.locator("[data-provider=amap]").get_attribute("href")).query)
    assert amap["mode"] == ["ride"] and "from" in amap
    baidu = urlparse(sheet.locator("[data-provider=baidu]").get_attribute("href"))
    assert baidu.path == "/direction" and parse_qs(baidu.query)["mode"] == ["riding"]
    assert "fossgis_osrm_bike" in sheet.locator("[data-provider=osm]").get_attribute("href")
    # The open sheet is in the address too: back from Amap, it is open again.
    assert parse_qs(urlparse(page.url).query)["station"] == [sheet.get_attribute("data-code")]
    page.reload()
    expect(page.locator("#sheet")).to_be_visible()
    phone.assert_no_errors()


# --- 6. the sheet's close button; touch targets ---------------------------------------------
def test_the_sheet_folds_with_an_icon_and_targets_fit_a_finger(phone, demo_stations):
    page = phone.open("/")
    page.wait_for_selector("#map[data-ready=true]")
    page.wait_for_selector(LOADED, state="attached")
    page.locator("#results button[data-code]").first.click()
    close = page.locator("#sheet-close")
    expect(close).to_be_visible()
    assert close.get_attribute("aria-label") == "收起"
    assert "关闭" not in close.text_content() and "收起" in close.text_content()
    box = close.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    shot(page, "map-sheet-360.png")
    close.click()
    expect(page.locator("#sheet")).to_be_hidden()
    for selector in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out"):
        box = page.locator(selector).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, selector
    link = page.locator(".results p a").first.bounding_box()
    assert link["height"] >= 44


# --- issue 22, item 4: every name goes into the page as text --------------------------------
MARKUP = '<img src="https://evil.example/p.gif" class="planted"><b class="planted">粗</b>'


def test_station_names_with_markup_create_no_element(phone, demo_stations):
    Station.objects.filter(status="active").update(name=MARKUP)
    page = phone.open(None)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "evil.example" in r.url else None)
    page.goto("/")
    page.wait_for_selector(LOADED, state="attached")
    page.wait_for_selector("#map[data-ready=true]")
    markers = page.locator("#map path.leaflet-interactive:not(.you-are-here)")
    expect(markers.first).to_be_attached()
    # The tooltip (Leaflet would parse a string as HTML), the list and the sheet.
    markers.first.hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text('class="planted"')
    page.locator("#results button[data-code]").first.click()
    expect(page.locator("#sheet-title")).to_have_text(MARKUP)
    assert page.locator(".planted").count() == 0
    assert asked == []
    phone.assert_no_errors()


def test_workplace_names_with_markup_create_no_element(phone, settings):
    """The organizers' workplace map: a county's workplace name reaches the province."""

    from tests.browser.test_csp import _signed_in
    from welfare.models import Workplace

    settings.YIZHAN_ALLOW_DEMO = True
    demo_world("load_demo", "load_demo_welfare")
    assert Workplace.objects.exclude(location=None).exists()
    Workplace.objects.update(name=MARKUP)
    page = _signed_in(phone, "demo-admin", "/organizer/workplaces/")
    markers = page.locator("#wp-map path.leaflet-interactive")
    expect(markers.first).to_be_attached()
    markers.first.hover(force=True)
    expect(page.locator(".leaflet-tooltip")).to_contain_text('class="planted"')
    expect(page.locator("#wp-list li").first).to_contain_text('class="planted"')
    assert page.locator(".planted").count() == 0
    phone.assert_no_errors()


# --- 5. the hazard report on a 360 px phone ------------------------------------------------
def test_hazard_report_fits_the_phone_and_the_code_can_be_copied(phone, demo_stations):
    page = phone.open(
        "/hazards/report/?station=QH-XN-0001",
        geolocation={"latitude": 36.62, "longitude": 101.77},
        permissions=["geolocation", "clipboard-read", "clipboard-write"],
        is_mobile=True,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("#from-station")).to_be_visible()
    assert page.input_value("#id_address") != ""
    contact = page.locator("#id_contact")
    assert (contact.get_attribute("inputmode"), contact.get_attribute("autocomplete")) == (
        "tel",
        "tel",
    )
    assert page.locator("#id_photo").bounding_box()["height"] >= 44
    for link in page.locator(".page-links a").all():
        assert link.bounding_box()["height"] >= 44
    shot(page, "hazard-report-360.png")

    # Where the worker stands, not the station: its address and note go.
    page.click("#use-location")
    expect(page.locator("#from-station")).to_have_count(0)
    assert page.input_value("#id_address") == ""
    assert page.input_value("#lat").startswith("36.62")

    page.select_option("#id_category", index=1)
    page.fill("#id_description", "路口井盖缺失，夜里看不见")
    page.click("#hazard-form button[type=submit]")
    code = page.locator("#tracking-code")
    expect(code).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.wait_for_load_state("load")  # the page's script listens to the button by then
    page.click("#copy-code")
    expect(page.locator("#copy-status")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == code.text_content().strip()
    back = page.locator(".page-links a[href='/']")
    assert back.bounding_box()["height"] >= 44
    shot(page, "hazard-status-360.png")
    phone.assert_no_errors()
