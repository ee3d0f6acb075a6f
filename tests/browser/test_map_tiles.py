"""The map page on PostGIS draws the zoomed-out stations from vector tiles (Leaflet.VectorGrid
from our static files) and the zoomed-in ones from the bbox endpoint, on a 360 px phone."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.db import connection
from playwright.sync_api import expect

from stations.models import Station
from tests.browser.conftest import zoom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


def zoom_out(page, times: int) -> None:
    zoom(page, "out", times)


def cluster_labels(page) -> list[int]:
    """The numbers drawn on the cluster badges (SVG images whose href holds the number)."""
    hrefs = page.eval_on_selector_all(
        "#map image", "els => els.map(e => e.getAttribute('href') || '')"
    )
    out = []
    for href in hrefs:
        found = re.search(r"<text[^>]*>(\d+)</text>", unquote(href))
        if found:
            out.append(int(found.group(1)))
    return out


def test_zoomed_out_the_map_draws_clusters_from_vector_tiles(phone, demo_stations):
    assert connection.vendor == "postgresql"
    page = phone.open(None)
    tiles: list = []
    page.on("response", lambda r: tiles.append(r) if "/tiles/stations/" in r.url else None)
    page.goto("/")
    page.wait_for_selector("#map[data-ready=true]")
    assert not tiles, "zoomed in (z12) the map uses the bbox endpoint"
    zoom_out(page, 5)  # z7: Xining and the towns around it
    page.wait_for_selector("#map[data-tiles=loaded]")
    page.wait_for_load_state("networkidle")
    assert tiles and all(r.status == 200 for r in tiles)
    assert all(r.headers["content-type"] == "application/vnd.mapbox-vector-tile" for r in tiles)
    assert all(re.search(r"/tiles/stations/\d+/\d+/\d+\.mvt", r.url) for r in tiles)
    assert len({r.url for r in tiles}) == len(tiles), "no tile is fetched twice"
    labels = cluster_labels(page)
    assert labels and max(labels) > 1
    # The badges never claim more stations than there are.
    assert sum(labels) <= Station.objects.filter(status="active").count()
    page.locator("#map").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "map-vector-tiles-360.png"
    page.screenshot(path=str(shot))

    # A tap on a cluster zooms in by two; it does not move the worker's origin.
    status_before = page.text_content("#status")
    with page.expect_response(lambda r: "/tiles/stations/9/" in r.url):
        page.locator("#map image").first.click(force=True)
    assert page.text_content("#status") == status_before

    # A service chip narrows the tiles too.
    with page.expect_response(lambda r: "/tiles/stations/" in r.url and "service=water" in r.url):
        page.click('button.chip[data-service="water"]')

    # Zoomed back in, the tiles give way to the live bbox markers (open now in colour).
    with page.expect_response(lambda r: "/api/v1/stations/?bbox=" in r.url) as answer:
        zoom(page, "in", 3)
    assert answer.value.ok
    expect(page.locator("#map")).not_to_have_attribute("data-tiles", re.compile(".*"))
    phone.assert_no_errors()
