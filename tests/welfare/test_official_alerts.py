"""Official warning signals (CAP 1.2) and our own advice: only the weather service issues
预警. Sample documents in tests/welfare/cap/ (OASIS CAP 1.2 examples and CMA-style 寒潮 /
高温 signals in the GB/T 35965.1 profile); the feed is a local HTTP server."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from stations.models import Region
from welfare import cap, services
from welfare.models import OfficialAlert, WeatherAlert
from welfare.selectors.alerts import ADVISORY_NOTE, ALERT_TITLES, alert_body, alerts_merged
from welfare.tasks import poll_official_alerts

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).with_name("cap")
BEIJING = dt.timezone(dt.timedelta(hours=8))
COLD_MORNING = dt.datetime(2027, 11, 15, 10, 30, tzinfo=BEIJING)
COLD_EVENING = dt.datetime(2027, 11, 15, 17, 0, tzinfo=BEIJING)
HEAT_NOON = dt.datetime(2027, 7, 14, 12, 0, tzinfo=BEIJING)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def ingest(name: str, *, at: dt.datetime) -> services.Ingested:
    return services.official_alert_ingest(data=sample(name), source=name, now=at)


# Our own estimates are 提示 ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_title_we_compute_says_warning(network, language):
    """Every kind × level, in both languages: never 预警 (or "warning"), never a signal
    colour, always the line 模型估算，以气象部门发布为准."""
    region = Region.objects.get(code="630100")
    seen = 0
    with translation.override(language):
        for kind, levels in ALERT_TITLES.items():
            for level in levels:
                alert = WeatherAlert(region=region, day=dt.date(2027, 1, 1), kind=kind,
                                     level=level, temperature=Decimal("-20.0"),
                                     advice="建议", advice_en="advice")  # fmt: skip
                body = alert_body(alert)
                assert "预警" not in body["title"] and "warning" not in body["title"].lower()
                for colour in ("蓝色", "黄色", "橙色", "红色", "orange", "red"):
                    assert colour not in body["title"].lower()
                assert body["source"] == "advisory" and body["colour"] == ""
                assert body["note"] == str(ADVISORY_NOTE)
                seen += 1
    assert seen == 12
    with translation.override("zh-hans"):
        assert str(ADVISORY_NOTE) == "模型估算，以气象部门发布为准"


# Reading documents ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["oasis_homeland_security.xml", "oasis_thunderstorm.xml", "oasis_earthquake_update.xml",
     "cma_cold_wave_orange.xml", "cma_cold_wave_update_red.xml", "cma_cold_wave_cancel.xml",
     "cma_heat_yellow_polygon.xml", "cma_heat_expired.xml"],
)  # fmt: skip
def test_samples_are_valid_cap(name):
    alert = cap.parse(sample(name))
    assert alert.identifier and alert.sender and alert.sent.utcoffset() is not None
    if name.startswith("cma_"):
        assert cap.gbt35965_identifier_ok(alert.identifier)
        assert alert.sent.utcoffset() == dt.timedelta(hours=8)
    else:
        assert not cap.gbt35965_identifier_ok(alert.identifier)


def test_cma_signal_read_as_issued():
    alert = cap.parse(sample("cma_cold_wave_orange.xml"))
    assert alert.headline == "西宁市气象台发布寒潮橙色预警信号"
    assert (alert.sender_name, alert.colour, alert.kind) == ("西宁市气象台", "orange", "cold_wave")
    assert alert.geocodes == ["630100"]
    assert alert.expires == dt.datetime(2027, 11, 16, 10, 0, tzinfo=BEIJING)
    assert cap.parse(sample("cma_heat_yellow_polygon.xml")).colour == "yellow"


@pytest.mark.parametrize(
    ("name", "says"),
    [("bad_invalid_cap.xml", "not valid CAP 1.2"), ("bad_not_xml.xml", "not well-formed"),
     ("bad_entities.xml", "unsafe XML refused")],
)  # fmt: skip
def test_bad_documents_are_refused_and_change_nothing(name, says):
    with pytest.raises(services.CapRejected, match=says):
        ingest(name, at=COLD_MORNING)
    assert not OfficialAlert.objects.exists()


def test_identifier_profile_edges():
    assert cap.gbt35965_identifier_ok("6301004160000_20271115100000_1")
    assert not cap.gbt35965_identifier_ok("6301004160000_20271315100000_1")  # month 13
    assert not cap.gbt35965_identifier_ok("630100416000_20271115100000_1")  # 12-char issuer
    assert not cap.gbt35965_identifier_ok("6301004160000-20271115100000-1")


# Storing, placing, withdrawing ------------------------------------------------------------


def test_cold_wave_signal_updated_then_cancelled(network):
    xining, chengzhong = Region.objects.get(code="630100"), Region.objects.get(code="630103")
    first = ingest("cma_cold_wave_orange.xml", at=COLD_MORNING)
    assert (first.outcome, first.regions) == ("stored", 1)
    assert ingest("cma_cold_wave_orange.xml", at=COLD_MORNING).outcome == "duplicate"
    assert OfficialAlert.objects.count() == 1
    with time_machine.travel(COLD_MORNING, tick=False):
        shown = alerts_merged(region=chengzhong)  # a county under Xining sees the city's
        assert [a["title"] for a in shown] == ["西宁市气象台发布寒潮橙色预警信号"]
        assert (shown[0]["source"], shown[0]["colour"], shown[0]["sender"]) == (
            "official",
            "orange",
            "西宁市气象台",
        )
        assert shown[0]["note"] == "西宁市气象台 2027-11-15 10:00 发布"
        assert shown[0]["region"] == "630100"
        assert alerts_merged(region=Region.objects.get(code="632801")) == []
    update = ingest("cma_cold_wave_update_red.xml", at=COLD_EVENING)
    assert (update.outcome, update.withdrew) == ("stored", 1)
    with time_machine.travel(COLD_EVENING, tick=False):
        assert [(a["title"], a["colour"]) for a in alerts_merged(region=xining)] == [
            ("西宁市气象台升级寒潮橙色预警信号为红色", "red")
        ]
    cancel = ingest("cma_cold_wave_cancel.xml", at=COLD_EVENING + dt.timedelta(hours=15))
    assert (cancel.outcome, cancel.withdrew) == ("stored", 1)
    with time_machine.travel(COLD_EVENING + dt.timedelta(hours=15), tick=False):
        assert alerts_merged(region=xining) == []


def test_cancel_arriving_before_what_it_cancels(network):
    at = COLD_EVENING + dt.timedelta(hours=15)
    ingest("cma_cold_wave_cancel.xml", at=at)
    assert ingest("cma_cold_wave_update_red.xml", at=COLD_EVENING).outcome == "stored"
    red = OfficialAlert.objects.get(identifier="6301004160000_20271115160000_1")
    assert red.withdrawn_by == "6301004160000_20271116080000_1"
    with time_machine.travel(COLD_EVENING, tick=False):
        assert alerts_merged(region=Region.objects.get(code="630100")) == []


def test_expired_signal_is_dropped(network):
    assert ingest("cma_heat_expired.xml", at=HEAT_NOON).outcome == "expired"
    assert not OfficialAlert.objects.exists()
    assert ingest("oasis_thunderstorm.xml", at=HEAT_NOON).outcome == "expired"
    # In force when it arrives, out of force once its <expires> passes.
    ingest("cma_cold_wave_orange.xml", at=COLD_MORNING)
    xining = Region.objects.get(code="630100")
    expires = dt.datetime(2027, 11, 16, 10, 0, tzinfo=BEIJING)
    with time_machine.travel(expires - dt.timedelta(seconds=1), tick=False):
        assert len(alerts_merged(region=xining)) == 1
    with time_machine.travel(expires, tick=False):
        assert alerts_merged(region=xining) == []


def test_no_expiry_uses_the_default_hours(network, settings):
    settings.OFFICIAL_ALERT_DEFAULT_HOURS = 24
    sent = dt.datetime(2003, 4, 2, 14, 39, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert ingest("oasis_homeland_security.xml", at=sent).outcome == "stored"
    with time_machine.travel(sent + dt.timedelta(hours=23), tick=False):
        assert len(alerts_merged()) == 1
    with time_machine.travel(sent + dt.timedelta(hours=24), tick=False):
        assert alerts_merged() == []


def test_polygon_places_the_signal(counties):
    result = ingest("cma_heat_yellow_polygon.xml", at=HEAT_NOON)
    assert (result.outcome, result.regions) == ("stored", 1)
    row = OfficialAlert.objects.get()
    assert [r.code for r in row.regions.all()] == ["632801"]
    assert row.polygon.contains(Region.objects.get(code="632801").reference_point)


def test_exercise_and_test_messages_are_not_shown(network):
    data = sample("cma_cold_wave_orange.xml").replace(b"<status>Actual", b"<status>Exercise")
    result = services.official_alert_ingest(data=data, now=COLD_MORNING)
    assert result.outcome == "ignored" and not OfficialAlert.objects.exists()


# Official first, and the page says which is which -----------------------------------------


def _advisory_over_xining():
    WeatherAlert.objects.create(
        region=Region.objects.get(code="630100"), day=COLD_MORNING.date(), kind="cold_wave",
        level=3, temperature=Decimal("-18.0"), advice="减少户外作业。", advice_en="Cut work.",
    )  # fmt: skip


@time_machine.travel(COLD_MORNING, tick=False)
def test_api_exposes_both_official_first(client, counties):
    _advisory_over_xining()
    ingest("cma_cold_wave_orange.xml", at=COLD_MORNING)
    with translation.override("zh-hans"):
        here = client.get("/api/v1/alerts/here/", {"lat": 36.6171, "lng": 101.7782}).json()
        by_region = client.get("/api/v1/alerts/", {"region": "630103"}).json()
    sources = [a["source"] for a in here["alerts"]]
    assert sources == ["official", "advisory"]
    official, advisory = here["alerts"]
    assert official["title"] == "西宁市气象台发布寒潮橙色预警信号"
    assert official["sent"] == "2027-11-15T02:00:00+00:00"
    assert advisory["title"] == "强降温提示 · 最低 -18.0°C" and advisory["beside_official"]
    assert advisory["note"] == "模型估算，以气象部门发布为准"
    assert [a["source"] for a in by_region["alerts"]] == ["official", "advisory"]


@time_machine.travel(COLD_MORNING, tick=False)
def test_station_page_shows_the_signal_verbatim_and_our_advice_as_advice(client, network):
    _advisory_over_xining()
    ingest("cma_cold_wave_orange.xml", at=COLD_MORNING)
    page = client.get("/stations/QH-XN-0001/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    official_at = page.index("西宁市气象台发布寒潮橙色预警信号")
    advisory_at = page.index("强降温提示")
    assert official_at < advisory_at
    assert "气象部门发布：西宁市气象台 2027-11-15 10:00 发布" in page
    assert "本站提示：模型估算，以气象部门发布为准" in page
    assert "“本站提示”为本站按预报估算" in page and "signal-orange" in page
    assert 'data-source="advisory"' in page and 'data-source="official"' in page


# Sources: the feed over HTTP and files ----------------------------------------------------


@contextlib.contextmanager
def cap_feed(routes: dict[str, tuple[int, bytes, str]]):
    """A local HTTP server answering ``routes`` (path → status, body, content type)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            status, body, kind = routes.get(self.path, (404, b"not found", "text/plain"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def atom(links: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>{n}</id><title>t</title><updated>2027-11-15T10:00:00+08:00</updated>"
        f'<link rel="alternate" type="application/cap+xml" href="{href}"/></entry>'
        for n, href in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>feed</id><title>CAP</title><updated>2027-11-15T10:00:00+08:00</updated>{entries}</feed>"
    ).encode()


@time_machine.travel(COLD_EVENING, tick=False)
def test_feed_poll_over_http(network, settings):
    names = ["cma_cold_wave_orange.xml", "cma_cold_wave_update_red.xml", "cma_heat_expired.xml",
             "bad_not_xml.xml", "bad_invalid_cap.xml"]  # fmt: skip
    routes = {f"/cap/{n}": (200, sample(n), "application/cap+xml") for n in names}
    routes["/feed.atom"] = (200, atom([f"cap/{n}" for n in [*names, "gone.xml"]]),
                            "application/atom+xml")  # fmt: skip
    with cap_feed(routes) as base:
        settings.OFFICIAL_ALERT_FEED_URL = f"{base}/feed.atom"
        result = poll_official_alerts.apply().get()
        again = poll_official_alerts.apply().get()
    assert (result["stored"], result["expired"], result["withdrawn"]) == (2, 1, 1)
    assert len(result["errors"]) == 3  # not XML, not CAP, HTTP 404
    assert any("gone.xml: HTTP 404" in e for e in result["errors"])
    assert again["duplicate"] == 2 and "stored" not in again
    shown = alerts_merged(region=Region.objects.get(code="630100"))
    assert [a["colour"] for a in shown] == ["red"]
    assert OfficialAlert.objects.get(colour="red").source_url.endswith(
        "/cap/cma_cold_wave_update_red.xml"
    )


@time_machine.travel(COLD_MORNING, tick=False)
def test_feed_of_one_document_and_a_feed_that_fails(network, settings):
    with cap_feed({"/now.xml": (200, sample("cma_cold_wave_orange.xml"), "text/xml"),
                   "/down": (503, b"busy", "text/plain")}) as base:  # fmt: skip
        settings.OFFICIAL_ALERT_FEED_URL = f"{base}/now.xml"
        assert poll_official_alerts.apply().get()["stored"] == 1
        settings.OFFICIAL_ALERT_FEED_URL = f"{base}/down"
        settings.WEATHER_RETRIES = 0
        assert "HTTP 503" in poll_official_alerts.apply().get()["error"]
    settings.OFFICIAL_ALERT_FEED_URL = ""
    assert "skipped" in poll_official_alerts.apply().get()


@time_machine.travel(COLD_MORNING, tick=False)
def test_command_reads_files(network, capsys):
    call_command("load_official_alerts", str(SAMPLES / "cma_cold_wave_orange.xml"))
    assert "stored 6301004160000_20271115100000_1 (1 regions)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="3 of 11 files rejected"):
        call_command("load_official_alerts", str(SAMPLES))
    err = capsys.readouterr().err
    assert "bad_entities.xml: rejected: unsafe XML refused" in err
    assert OfficialAlert.objects.filter(identifier="6301004160000_20271115100000_1").exists()
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_official_alerts", str(SAMPLES / "missing.xml"))
