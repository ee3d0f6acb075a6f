"""The station desk's supplies and station status in Chromium on a 360×640 phone: hand-outs
and a visit queued with no signal arrive exactly once, a voucher's QR image is redeemed
once and refused the second time, a closure posted at the desk shows on the public map,
and the first screen holds every category button, the confirmation and undo."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import segno
from playwright.sync_api import expect

from campaigns.models import Distribution, Voucher
from campaigns.selectors.stock import item_get
from campaigns.services import ledger, lifecycle, locations, vouchers
from core import time as local_time
from stations.models import Closure, DayHours, Visit
from stations.services.memberships import membership_grant
from stations.services.stations import station_save
from tests.browser.conftest import wait_for_service_worker, wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PHONE = "13800138000"


@pytest.fixture
def desk(network):
    """Staff of the Xining station (open 24 hours) with 20 bottles of water and 5 hats in
    stock for an active campaign, a delivery on its way and an expired lot of tea."""
    station = network.xining_station
    station.is_24h = True
    station_save(actor=None, station=station, services=["water", "toilet", "charging"])
    user = UserFactory(username="desk-staff", is_staff=False, password="desk-pass-123")
    membership_grant(
        actor=None, user=user, union=network.xining, role="station_staff", stations=[station]
    )
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="西宁送清凉", union=network.xining,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2030, 12, 31), target_workers=100,
    )  # fmt: skip
    campaign = lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    location = locations.stock_location_ensure(actor=None, station=station)
    water = item_get(code="water")
    hat = item_get(code="sun_hat")
    today = local_time.today()
    ledger.stock_receive(
        actor=None, location=location,
        lines=[
            ledger.ReceiptLine(item=water, quantity=20, batch="W-NEW", expires_on=today + dt.timedelta(days=200)),
            ledger.ReceiptLine(item=water, quantity=3, batch="W-OLD", expires_on=today - dt.timedelta(days=2)),
            ledger.ReceiptLine(item=hat, quantity=5),
        ],
    )  # fmt: skip
    depot = locations.depot_create(
        actor=None, code="DEPOT-XN", name="西宁仓库", union=network.xining
    )
    ledger.stock_receive(
        actor=None, location=depot, lines=[ledger.ReceiptLine(item=hat, quantity=30)]
    )
    ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=location, campaign=campaign,
        lines=[ledger.TransferRequest(item=hat, quantity=12)],
    )  # fmt: skip
    return campaign


OFFLINE = "ERR_INTERNET_DISCONNECTED"


def assert_no_errors(phone, *expected: str) -> None:
    """No browser errors but those a test causes on purpose (no signal, a refused date)."""
    phone.errors[:] = [e for e in phone.errors if not any(x in e for x in expected)]
    phone.assert_no_errors()


def login(phone):
    page = phone.open("/accounts/login/?next=/desk/")
    page.fill("input[name=username]", "desk-staff")
    page.fill("input[name=password]", "desk-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/desk/")
    page.wait_for_selector("#sync[data-pending='0']")
    # Tests go offline next: the desk's service worker must have finished installing, or
    # its script download is cut and Chrome logs an error (it did under load).
    wait_for_service_worker(page)
    return page


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_first_screen_holds_categories_confirmation_and_undo(phone, desk):
    page = login(phone)
    page.click("#services button[data-service=water]")
    page.click("#categories button[data-category=courier]")
    page.wait_for_selector("#sync[data-pending='0']")
    assert "快递员" in page.text_content("#toast")
    # The chosen service goes with that visitor only.
    assert page.locator("#services button[aria-pressed=true]").count() == 0
    for selector in ["#categories button", "#toast", "#undo"]:
        for box in [b.bounding_box() for b in page.locator(selector).all()]:
            assert box["y"] + box["height"] <= 640, (selector, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (selector, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "desk-visits")
    page.click("#undo")
    wait_until(page, "document.querySelector('#toast').textContent.includes('已撤销')")
    assert "快递员" in page.text_content("#toast")  # says what it removed
    wait_until(page, "document.querySelector('#total').textContent === '0'")
    assert Visit.objects.count() == 0

    for tab, name in [("hand-out", "desk-hand-out"), ("deliveries", "desk-deliveries"),
                      ("stock", "desk-stock"), ("status", "desk-status")]:  # fmt: skip
        page.click(f"#tabbtn-{tab}")
        expect(page.locator(f"#tab-{tab}")).to_be_visible()
        page.wait_for_load_state("networkidle")  # the tab's own fetch has drawn
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, tab
        shot(page, name)
    page.click("#tabbtn-stock")
    assert "W-OLD" in page.text_content("#write-off")
    assert page.locator("#stock-list .lot[data-state=expired]").count() == 1
    phone.assert_no_errors()


def test_the_desk_in_english(phone, desk):
    page = login(phone)
    page.click("button.lang-button[lang=en]")
    page.wait_for_selector("html[lang=en] #tabbtn-hand-out")
    # The new words are translated with the catalog; the workers' categories already are.
    assert (
        "Courier" in page.text_content("#categories")
        or "courier" in page.text_content("#categories").lower()
    )
    shot(page, "desk-visits-en")
    for box in [b.bounding_box() for b in page.locator("#categories button, #undo").all()]:
        assert box["y"] + box["height"] <= 640, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=water]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "desk-hand-out-en")
    phone.assert_no_errors()


def test_hand_outs_and_a_visit_queued_offline_arrive_exactly_once(phone, desk):
    page = login(phone)
    context = page.context
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=water]")

    context.set_offline(True)
    page.click("#supply-categories button[data-category=sanitation]")
    for _ in range(3):
        page.click("#workers-plus")  # 4 sanitation workers
    page.click("#supply-items button[data-item=water]")  # 4 bottles
    page.click("#workers-minus")
    page.click("#workers-minus")
    page.click("#workers-minus")
    page.click("#supply-items button[data-item=sun_hat]")  # 1 hat
    page.click("#supply-items button[data-item=water]")  # 1 bottle
    page.click("#tabbtn-visits")
    page.click("#categories button[data-category=delivery]")
    page.wait_for_selector("#sync[data-pending='4']")
    assert Distribution.objects.count() == 0 and Visit.objects.count() == 0
    page.click("#tabbtn-hand-out")
    assert page.locator("#supply-lines li[data-status=pending]").count() == 3
    shot(page, "desk-hand-out-offline")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync[data-pending='0']", timeout=15000)
    page.wait_for_selector("#supply-lines li[data-status=applied] >> nth=2")
    assert sorted(Distribution.objects.values_list("item__code", "quantity", "workers")) == [
        ("sun_hat", 1, 1), ("water", 1, 1), ("water", 4, 4),
    ]  # fmt: skip
    assert Visit.objects.count() == 1
    # The expired lot was not touched: FEFO took only from the good one.
    levels = dict(
        ledger.StockLevel.objects.filter(location__station__code="QH-XN-0001").values_list(
            "lot__batch", "quantity"
        )
    )
    assert levels["W-OLD"] == 3 and levels["W-NEW"] == 15

    page.reload()  # nothing is sent twice
    page.wait_for_selector("#sync[data-pending='0']")
    page.wait_for_load_state("networkidle")  # a second send would have gone by now
    assert Distribution.objects.count() == 3 and Visit.objects.count() == 1
    assert_no_errors(phone, OFFLINE)


def test_short_stock_is_refused_on_its_line_and_the_rest_goes_through(phone, desk):
    page = login(phone)
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=sun_hat]")
    page.context.set_offline(True)
    for _ in range(5):
        page.click("#workers-plus")  # 6 workers: 6 hats, only 5 in stock
    page.click("#supply-items button[data-item=sun_hat]")
    page.click("#supply-items button[data-item=water]")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#supply-lines li[data-status=refused]", timeout=15000)
    page.wait_for_selector("#supply-lines li[data-status=applied]")
    refused = page.text_content("#supply-lines li[data-status=refused]")
    assert "遮阳帽" in refused or "帽" in refused
    assert "5" in refused
    assert list(Distribution.objects.values_list("item__code", flat=True)) == ["water"]
    shot(page, "desk-hand-out-refused")
    page.click("#supply-lines li[data-status=refused] button")
    assert page.locator("#supply-lines li[data-status=refused]").count() == 0
    assert_no_errors(phone, OFFLINE)


def qr_png(code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def test_a_voucher_scanned_is_redeemed_once_and_a_second_scan_refused(phone, desk):
    voucher = vouchers.voucher_issue(
        actor=None, campaign=desk, phone=PHONE, item=item_get(code="water"),
        category="courier",
    )  # fmt: skip
    worker = phone.open(f"/vouchers/{voucher.code}/")
    assert worker.locator(".qr svg").count() == 1
    shot(worker, "voucher-page")

    page = login(phone)
    page.click("#tabbtn-hand-out")
    page.click("#voucher-box summary")
    image = {"name": "voucher.png", "mimeType": "image/png", "buffer": qr_png(voucher.code)}
    page.set_input_files("#voucher-image", files=[image])
    page.wait_for_selector("#supply-lines li[data-status=applied]", timeout=15000)
    assert Voucher.objects.get().redeemed_at is not None
    assert Distribution.objects.get().worker_key == voucher.worker_key

    page.set_input_files("#voucher-image", files=[image])
    page.wait_for_selector("#supply-lines li[data-status=refused]", timeout=15000)
    assert "核销过" in page.text_content("#supply-lines li[data-status=refused]")
    assert "核销过" in page.text_content(
        "#voucher-result[data-status=refused]"
    )  # beside the scanner
    assert Distribution.objects.count() == 1
    page.locator("#voucher-box").scroll_into_view_if_needed()
    shot(page, "desk-voucher")
    phone.assert_no_errors()


def test_a_closure_posted_at_the_desk_shows_closed_on_the_public_map(phone, desk, network):
    station = network.xining_station
    geo = {"latitude": station.location.y, "longitude": station.location.x}
    visitor = phone.open(None, geolocation=geo, permissions=["geolocation"])
    visitor.goto("/")
    item = "#results button[data-code='QH-XN-0001']"
    visitor.wait_for_selector(f"{item} .badge.open")

    page = login(phone)
    page.click("#tabbtn-status")
    page.wait_for_selector("#status-now[data-open=true]")
    page.click("label.chip:has(input[value=power])")
    page.click("#closure-submit")
    page.wait_for_selector("#closure-msg.ok")
    page.wait_for_selector("#status-now[data-open=false]")
    # The status line and the closure list come from two requests sent together; the list
    # can arrive after the status line, so wait for it rather than read it at once (read
    # at once, it still said 没有安排闭站 when the machine was busy).
    wait_until(page, "document.querySelector('#closure-list').textContent.includes('停电')")
    shot(page, "desk-status-closed")
    closure = Closure.objects.get()
    assert closure.reason == "停电" and closure.starts_on == local_time.today()

    visitor.reload()
    visitor.wait_for_selector(f"{item} .badge.closed")
    shot(visitor, "map-after-closure")

    # A bad range is refused with the field's message; nothing is written.
    page.fill("#closure-start", (local_time.today() + dt.timedelta(days=3)).isoformat())
    page.fill("#closure-end", (local_time.today() + dt.timedelta(days=1)).isoformat())
    page.click("#closure-submit")
    page.wait_for_selector("#closure-msg.error")
    assert Closure.objects.count() == 1

    page.click("#closure-list button")  # reopen
    page.wait_for_selector("#status-now[data-open=true]")
    visitor.reload()
    visitor.wait_for_selector(f"{item} .badge.open")

    # Tomorrow opens only 09:00–12:00.
    tomorrow = (local_time.today() + dt.timedelta(days=1)).isoformat()
    page.click(f"#week-list li[data-day='{tomorrow}'] button")
    page.fill("#day-opens", "09:00")
    page.fill("#day-closes", "12:00")
    page.click("#day-form button[type=submit]")
    page.wait_for_selector("#day-msg.ok")
    page.wait_for_selector(f"#week-list li[data-day='{tomorrow}'] >> text=09:00–12:00")
    changed = DayHours.objects.get()
    assert (changed.day.isoformat(), f"{changed.opens:%H:%M}") == (tomorrow, "09:00")
    page.locator("#week-list").scroll_into_view_if_needed()
    shot(page, "desk-status-day-hours")
    assert_no_errors(phone, "status of 400")


def test_an_organizer_issues_a_voucher_and_sees_its_qr_code(phone, desk, network):
    user = UserFactory(username="desk-organizer", password="org-pass-123")
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    page = phone.open("/accounts/login/?next=/vouchers/issue/")
    page.fill("input[name=username]", "desk-organizer")
    page.fill("input[name=password]", "org-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/vouchers/issue/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "voucher-issue")
    page.fill("input[name=phone]", PHONE)
    page.select_option("select[name=category]", "courier")
    page.select_option("select[name=item]", "water")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".voucher [data-state=valid]")
    assert page.locator(".qr svg").count() == 1
    assert Voucher.objects.get().issued_by == user
    phone.assert_no_errors()


def test_station_status_changed_with_no_signal_arrives_once(phone, desk, network):
    """A closure and a day's hours set offline wait in the queue, go out on reconnect, and a
    closure whose answer was lost on the way back is not made twice when it is resent."""
    page = login(phone)
    context = page.context
    page.click("#tabbtn-status")
    page.wait_for_selector("#status-now[data-open=true]")
    tomorrow = (local_time.today() + dt.timedelta(days=1)).isoformat()
    page.wait_for_selector(f"#week-list li[data-day='{tomorrow}']")

    context.set_offline(True)
    page.click("label.chip:has(input[value=water])")
    page.click("#closure-submit")
    page.wait_for_selector("#status-lines li[data-status=pending]")
    assert "本机" in page.text_content("#closure-msg")
    page.click(f"#week-list li[data-day='{tomorrow}'] button")
    page.fill("#day-opens", "10:00")
    page.fill("#day-closes", "16:00")
    page.click("#day-form button[type=submit]")
    page.wait_for_selector("#status-lines li[data-status=pending] >> nth=1")
    assert page.locator("#status-lines li").count() == 2
    assert "停水" in page.text_content("#status-lines")
    shot(page, "desk-status-offline")
    assert Closure.objects.count() == 0 and DayHours.objects.count() == 0

    # The first answer to the closure is lost after the server has made it.
    lost = []

    def lose_answer(route):
        if not lost:
            route.fetch()
            lost.append(route.request.headers.get("idempotency-key"))
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/stations/*/closures/", lose_answer)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync[data-pending='0']", timeout=30000)
    page.wait_for_selector("#status-now[data-open=false]")
    assert lost and lost[0]
    closure = Closure.objects.get()
    assert (closure.reason, closure.key) == ("停水", lost[0])
    changed = DayHours.objects.get()
    assert (changed.day.isoformat(), f"{changed.opens:%H:%M}", f"{changed.closes:%H:%M}") == (
        tomorrow, "10:00", "16:00",
    )  # fmt: skip
    assert page.locator("#status-lines li").count() == 0
    assert "停水" in page.text_content("#closure-list")
    page.reload()
    page.wait_for_selector("#sync[data-pending='0']")
    page.wait_for_load_state("networkidle")  # a second send would have gone by now
    assert Closure.objects.count() == 1 and DayHours.objects.count() == 1
    assert_no_errors(phone, OFFLINE, "ERR_FAILED")
