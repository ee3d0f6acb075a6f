"""The station desk in the field (issue 23), in Chromium on a 360×640 phone: the phone
first, then the item; a typed phone sets the group's head count aside; the answer shows
under the item tapped; and /desk/ reloads with no signal right after the first visit."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Distribution
from tests.browser.conftest import wait_until
from tests.browser.test_desk_supplies import desk, login  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


def test_phone_first_then_the_item_and_the_answer_under_the_thumb(phone, desk):  # noqa: F811
    page = login(phone)
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=water]")
    field = page.locator("#supply-phone")
    expect(field).to_be_visible()
    assert field.get_attribute("inputmode") == "tel" and field.get_attribute("type") == "tel"
    items = page.locator("#supply-items").bounding_box()
    assert field.bounding_box()["y"] < items["y"]  # the phone comes before the items

    for _ in range(2):
        page.click("#workers-plus")
    expect(page.locator("#workers-count")).to_have_text("3")
    field.fill("13800138000")
    # One person: the group of 3 is set aside, not highlighted.
    expect(page.locator(".stepper")).to_have_attribute("data-inactive", "true")
    expect(page.locator("#workers-count")).to_have_text("1")
    page.click("#supply-items button[data-item=water]")
    note = page.locator("[data-note]").first
    expect(note).to_contain_text("8000")
    box, view = note.bounding_box(), page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"], box
    now = page.locator("#supply-items").bounding_box()  # the page may have scrolled
    assert box["y"] >= now["y"] + now["height"]  # under the items, where the thumb is
    page.screenshot(path=str(ARTIFACTS / "desk-hand-out-person-360.png"))
    wait_until(page, "document.querySelector('#sync').dataset.pending === '0'")
    assert list(Distribution.objects.values_list("quantity", "workers")) == [(1, 1)]
    # The phone cleared, the group is the group again.
    expect(page.locator(".stepper")).to_have_attribute("data-inactive", "false")
    expect(page.locator("#workers-count")).to_have_text("3")
    phone.assert_no_errors()


def test_the_desk_reloads_offline_right_after_the_first_visit(phone, desk):  # noqa: F811
    page = login(phone)
    wait_until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#tabbtn-visits")).to_be_visible()
    page.click("#categories button[data-category=courier]")
    page.wait_for_selector("#sync[data-pending='1']")
    page.screenshot(path=str(ARTIFACTS / "desk-offline-reload-360.png"))


def test_a_winter_voucher_is_a_warmth_voucher_and_says_what_to_hand_over(phone, desk):  # noqa: F811
    from campaigns.models import Campaign
    from campaigns.selectors.stock import item_get
    from campaigns.services import lifecycle, vouchers

    Campaign.objects.filter(pk=desk.pk).update(kind="winter", name="西宁送温暖")
    desk.refresh_from_db()
    assert desk.voucher_label == "温暖券"
    voucher = vouchers.voucher_issue(
        actor=None, campaign=desk, phone="13800138000",
        item=item_get(code="water"), category="courier",
    )  # fmt: skip
    worker = phone.open(f"/vouchers/{voucher.code}/")
    expect(worker.locator("h1")).to_have_text("温暖券")
    assert "清凉券" not in worker.text_content("body")

    page = login(phone)
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=water]")
    expect(page.locator("#voucher-summary")).to_have_text("温暖券：扫码核销")
    page.click("#voucher-box summary")
    page.fill("#voucher-code", voucher.code)
    page.click("#voucher-form button[type=submit]")
    over = page.locator("#voucher-hand-over")
    expect(over).to_be_visible(timeout=15000)
    expect(over).to_contain_text("× 1")
    assert "温暖券" in page.text_content("#supply-lines")
    size = float(over.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 24  # large type, read at arm's length
    page.screenshot(path=str(ARTIFACTS / "desk-voucher-winter-360.png"))

    # Set per campaign: the organizer's own name wins.
    lifecycle.campaign_update(
        actor=None, campaign=desk, kind="winter", name=desk.name, union=desk.union,
        starts_on=desk.starts_on, ends_on=desk.ends_on, target_workers=desk.target_workers,
        category_targets=desk.category_targets, budget=desk.budget,
        per_person_daily_limit=desk.per_person_daily_limit, voucher_name="暖心券",
    )  # fmt: skip
    page.reload()
    page.click("#tabbtn-hand-out")
    expect(page.locator("#voucher-summary")).to_have_text("暖心券：扫码核销")
    phone.assert_no_errors()


def test_a_wrong_tap_is_taken_back_from_its_line(phone, desk):  # noqa: F811
    page = login(phone)
    page.click("#tabbtn-hand-out")
    page.wait_for_selector("#supply-items button[data-item=water]")
    page.click("#supply-items button[data-item=water]")
    line = page.locator("#supply-lines li[data-status=applied]").first
    expect(line).to_be_visible(timeout=15000)
    line.locator("button.undo-hand-out").click()
    wait_until(page, "document.querySelector('#sync').dataset.pending === '0'")
    distribution = Distribution.objects.get()
    wait_until(
        page,
        "!!document.querySelector('#supply-lines li[data-distribution] .state') && "
        "[...document.querySelectorAll('#supply-lines li[data-distribution] .state')]"
        ".some(e => e.textContent.includes('已撤销'))",
    )
    distribution.refresh_from_db()
    assert distribution.reversal is not None
    assert page.locator("button.undo-hand-out").count() == 0
    page.screenshot(path=str(ARTIFACTS / "desk-undo-360.png"))
    phone.assert_no_errors()


def test_a_delivery_signed_short_asks_why(phone, desk):  # noqa: F811
    from campaigns.models import Transfer

    page = login(phone)
    page.click("#tabbtn-deliveries")
    field = page.locator("#delivery-list input[data-lot]").first
    expect(field).to_be_visible()
    field.fill("11")  # 12 sent
    reason = page.locator("#delivery-list input[data-reason]").first
    expect(reason).to_be_visible()
    page.locator("#delivery-list button[type=submit]").first.click()
    expect(page.locator("#delivery-msg")).to_contain_text("原因")
    assert Transfer.objects.get().status == "in_transit"  # nothing signed without a reason
    reason.fill("少装 1 顶")
    page.locator("#delivery-list button[type=submit]").first.click()
    wait_until(page, "document.querySelector('#delivery-msg').className.includes('ok')")
    transfer = Transfer.objects.get()
    assert transfer.status == "received" and transfer.receipt.reason == "少装 1 顶"
    page.screenshot(path=str(ARTIFACTS / "desk-delivery-short-360.png"))
    phone.assert_no_errors()
