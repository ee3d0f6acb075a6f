"""The station desk's supplies: queued hand-outs and vouchers applied once, deliveries
signed for, stock with lots near expiry, and who may do what."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from rest_framework.test import APIClient

from campaigns.models import Distribution, StockLevel, Voucher
from campaigns.services import ledger, vouchers
from campaigns.services.desk import DeskAction, desk_actions_apply
from core.errors import Conflict, NotFound, PermissionDenied
from stations.services.memberships import membership_grant
from tests.campaigns.factories import ItemFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 7, 14, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()
PHONE = "13800138000"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stocked(stock):
    """10 bottles of water at the Xining station."""
    ledger.stock_receive(
        actor=None,
        location=stock.station,
        lines=[
            ledger.ReceiptLine(
                item=stock.water, quantity=10, batch="W1", expires_on=dt.date(2027, 12, 31)
            )
        ],
    )
    return stock


@pytest.fixture
def staff_golmud(network):
    user = UserFactory(username="staff-golmud", is_staff=False)
    membership_grant(
        actor=None, user=user, union=network.golmud, role="station_staff",
        stations=[network.golmud_station],
    )  # fmt: skip
    return user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def hand_out(stock, *, quantity=4, workers=4, key=None, phone="", station="QH-XN-0001"):
    action = {
        "key": key or str(uuid.uuid4()), "type": "hand_out", "station": station,
        "campaign": stock.campaign.pk, "item": "water", "quantity": quantity,
        "category": "sanitation", "workers": workers,
    }  # fmt: skip
    if phone:
        action["phone"] = phone
    return action


def post_batch(client, actions):
    return client.post("/api/v1/desk/supplies/batch/", {"actions": actions}, format="json")


def water_left(stock) -> int:
    return sum(
        StockLevel.objects.filter(location=stock.station, lot__item=stock.water).values_list(
            "quantity", flat=True
        )
    )


def test_group_hand_outs_apply_once_and_a_resend_is_a_duplicate(stocked, staff_xining):
    client = client_for(staff_xining)
    actions = [hand_out(stocked), hand_out(stocked, quantity=2, workers=2)]
    first = post_batch(client, actions)
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["applied", "applied"]
    assert first.json()["results"][0]["detail"]["workers"] == 4
    assert water_left(stocked) == 4
    again = post_batch(client, actions)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert Distribution.objects.count() == 2
    assert water_left(stocked) == 4


def test_short_stock_refuses_that_line_and_keeps_the_others(stocked, staff_xining):
    actions = [
        hand_out(stocked, quantity=6),
        hand_out(stocked, quantity=6),
        hand_out(stocked, quantity=3, workers=3),
    ]
    results = post_batch(client_for(staff_xining), actions).json()["results"]
    assert [r["status"] for r in results] == ["applied", "refused", "applied"]
    assert "4" in results[1]["reason"]  # says what is left
    assert (results[1]["field"], results[1]["code"]) == ("quantity", 409)
    assert water_left(stocked) == 1
    # The refusal is remembered: sent again it is refused again, nothing moves.
    again = post_batch(client_for(staff_xining), [actions[1]]).json()["results"]
    assert again[0]["status"] == "refused"
    assert water_left(stocked) == 1


def test_identified_worker_limit_per_day(stocked, staff_xining):
    results = post_batch(
        client_for(staff_xining),
        [hand_out(stocked, quantity=1, phone=PHONE), hand_out(stocked, quantity=1, phone=PHONE)],
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied", "refused"]
    assert results[1]["field"] == "phone"
    assert Distribution.objects.get().worker_key not in ("", PHONE)


def test_bad_actions_are_refused_naming_the_field(stocked, staff_xining):
    bad = [
        {**hand_out(stocked), "category": "astronaut"},
        {**hand_out(stocked), "item": "caviar"},
        {**hand_out(stocked), "quantity": "many"},
        {**hand_out(stocked), "type": "teleport"},
        {**hand_out(stocked), "key": ""},
        {**hand_out(stocked), "phone": "123"},
    ]
    results = post_batch(client_for(staff_xining), bad).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 6
    assert [r["field"] for r in results] == ["category", "item", "quantity", "type", "key", "phone"]
    assert water_left(stocked) == 10
    response = client_for(staff_xining).post(
        "/api/v1/desk/supplies/batch/", {"x": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "actions"


def test_staff_elsewhere_and_organizers_of_another_union_are_refused(
    stocked, staff_golmud, organizer_golmud
):
    for user in (staff_golmud, organizer_golmud):
        results = post_batch(client_for(user), [hand_out(stocked)]).json()["results"]
        assert (results[0]["status"], results[0]["code"]) == ("refused", 403)
        assert client_for(user).get("/api/v1/desk/supplies/?station=QH-XN-0001").status_code == 403
    assert water_left(stocked) == 10
    anonymous = client_for()
    assert post_batch(anonymous, [hand_out(stocked)]).status_code in (401, 403)
    assert anonymous.get("/api/v1/desk/supplies/?station=QH-XN-0001").status_code in (401, 403)
    nobody = UserFactory(username="nobody", is_staff=False)
    assert post_batch(client_for(nobody), [hand_out(stocked)]).status_code == 403
    assert client_for(staff_golmud).get("/api/v1/desk/supplies/?station=QH-XX-9").status_code == 404


def test_supplies_show_stock_near_expiry_and_the_expired_lot_to_write_off(stock, staff_xining):
    tea = ItemFactory(code="herbal-tea", name="凉茶", unit="罐", perishable=True)
    ledger.stock_receive(
        actor=None, location=stock.station,
        lines=[
            ledger.ReceiptLine(item=tea, quantity=5, batch="OLD", expires_on=dt.date(2027, 7, 10)),
            ledger.ReceiptLine(item=tea, quantity=7, batch="SOON", expires_on=dt.date(2027, 7, 20)),
            ledger.ReceiptLine(item=tea, quantity=9, batch="LATE", expires_on=dt.date(2027, 12, 1)),
        ],
    )  # fmt: skip
    body = client_for(staff_xining).get("/api/v1/desk/supplies/?station=QH-XN-0001").json()
    assert body["campaigns"] == [
        {"id": stock.campaign.pk, "name": stock.campaign.name, "per_person_daily_limit": 1,
         "voucher_name": "清凉券"}  # a summer campaign's voucher
    ]  # fmt: skip
    assert body["items"] == [{"code": "herbal-tea", "name": "凉茶", "unit": "罐", "available": 16}]
    lots = {lot["batch"]: lot["state"] for lot in body["stock"][0]["lots"]}
    assert lots == {"OLD": "expired", "SOON": "near", "LATE": "ok"}
    assert [(w["batch"], w["quantity"]) for w in body["write_off"]] == [("OLD", 5)]
    # The expired lot is never handed out: 16 can go, the 17th is refused.
    results = post_batch(
        client_for(staff_xining),
        [{**hand_out(stock, quantity=16, workers=16), "item": "herbal-tea"},
         {**hand_out(stock, quantity=1, workers=1), "item": "herbal-tea"}],
    ).json()["results"]  # fmt: skip
    assert [r["status"] for r in results] == ["applied", "refused"]
    old = StockLevel.objects.get(location=stock.station, lot__batch="OLD")
    assert old.quantity == 5


def test_delivery_listed_then_signed_for_with_a_shortfall(stocked, staff_xining, staff_golmud):
    ledger.stock_receive(
        actor=None,
        location=stocked.depot,
        lines=[ledger.ReceiptLine(item=stocked.hat, quantity=20)],
    )
    transfer = ledger.stock_transfer_dispatch(
        actor=None, source=stocked.depot, destination=stocked.station, campaign=stocked.campaign,
        lines=[ledger.TransferRequest(item=stocked.hat, quantity=12)],
    )  # fmt: skip
    body = client_for(staff_xining).get("/api/v1/desk/supplies/?station=QH-XN-0001").json()
    assert [(t["id"], t["lines"][0]["quantity"]) for t in body["transfers"]] == [(transfer.pk, 12)]
    lot = body["transfers"][0]["lines"][0]["lot"]
    url = f"/api/v1/stock/transfers/{transfer.pk}/receive/"
    refused = client_for(staff_golmud).post(
        url, {"lines": [{"lot": lot, "received_quantity": 10}]}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-golmud",
    )  # fmt: skip
    assert refused.status_code == 403
    unsaid = client_for(staff_xining).post(
        url, {"lines": [{"lot": lot, "received_quantity": 10}]}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-0",
    )  # fmt: skip
    assert unsaid.status_code == 400 and unsaid.json()["error"]["field"] == "reason"
    response = client_for(staff_xining).post(
        url, {"lines": [{"lot": lot, "received_quantity": 10}], "reason": "少装 2 顶"},
        format="json", HTTP_IDEMPOTENCY_KEY="k-1",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["shortfall"] == 2
    body = client_for(staff_xining).get("/api/v1/desk/supplies/?station=QH-XN-0001").json()
    assert body["transfers"] == []
    assert {i["code"]: i["available"] for i in body["items"]}["sun_hat"] == 10


# Vouchers ---------------------------------------------------------------------------------


def issue(stock, actor=None, phone=PHONE):
    return vouchers.voucher_issue(
        actor=actor, campaign=stock.campaign, phone=phone, item=stock.water, category="courier"
    )


def test_voucher_code_is_random_and_reissue_gives_the_same(stocked):
    first = issue(stocked)
    assert len(first.code) == 16 and set(first.code) <= set(vouchers.CODE_ALPHABET)
    assert issue(stocked).code == first.code
    other = issue(stocked, phone="13900139000")
    assert other.code != first.code
    assert PHONE not in first.worker_key


def test_voucher_redeemed_once_counts_against_the_limit(stocked, staff_xining, network):
    voucher = issue(stocked)
    typed = vouchers.voucher_code_display(voucher.code).lower()  # typed, with dashes
    done = vouchers.voucher_redeem(actor=staff_xining, code=typed, station=network.xining_station)
    assert done.redeemed_at is not None
    assert done.distribution.worker_key == voucher.worker_key
    assert water_left(stocked) == 9
    with pytest.raises(Conflict):
        vouchers.voucher_redeem(
            actor=staff_xining, code=voucher.code, station=network.xining_station
        )
    # The same worker by phone the same day: the limit (1 a day) is reached.
    results = post_batch(
        client_for(staff_xining), [hand_out(stocked, quantity=1, phone=PHONE)]
    ).json()["results"]
    assert results[0]["status"] == "refused"
    assert water_left(stocked) == 9


def test_voucher_refused_after_its_day_and_when_unknown(stocked, staff_xining, network):
    voucher = vouchers.voucher_issue(
        actor=None, campaign=stocked.campaign, phone=PHONE, item=stocked.water,
        category="courier", on=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(Conflict):
        vouchers.voucher_redeem(
            actor=staff_xining, code=voucher.code, station=network.xining_station
        )
    with pytest.raises(NotFound):
        vouchers.voucher_redeem(actor=staff_xining, code="ABCD", station=network.xining_station)
    assert water_left(stocked) == 10


def test_voucher_at_another_union_station_is_refused(stocked, staff_golmud, network):
    voucher = issue(stocked)
    with pytest.raises(PermissionDenied):
        vouchers.voucher_redeem(
            actor=staff_golmud, code=voucher.code, station=network.xining_station
        )
    results = desk_actions_apply(
        actor=staff_golmud,
        actions=[DeskAction(key="v1", type="voucher", station="QH-HX-0001", payload={"code": voucher.code})],
    )  # fmt: skip
    assert results[0].status == "refused"  # the Golmud station is outside the campaign
    assert Voucher.objects.get().redeemed_at is None


def test_voucher_via_the_desk_batch_is_applied_once(stocked, staff_xining):
    voucher = issue(stocked)
    action = {"key": "scan-1", "type": "voucher", "station": "QH-XN-0001", "code": voucher.code}
    client = client_for(staff_xining)
    first = post_batch(client, [action]).json()["results"][0]
    assert first["status"] == "applied"
    assert first["detail"]["quantity"] == 1
    assert post_batch(client, [action]).json()["results"][0]["status"] == "duplicate"
    second_scan = post_batch(client, [{**action, "key": "scan-2"}]).json()["results"][0]
    assert second_scan["status"] == "refused"
    assert second_scan["field"] == "code"
    assert water_left(stocked) == 9


def test_voucher_issue_api_for_organizers_only(
    stocked, organizer_xining, staff_xining, organizer_golmud
):
    url = f"/api/v1/campaigns/{stocked.campaign.pk}/vouchers/"
    body = {"phone": PHONE, "item": "water", "category": "courier"}
    response = client_for(organizer_xining).post(url, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["display"].count("-") == 3
    assert data["url"].endswith(f"/vouchers/{data['code']}/")
    for user in (staff_xining, organizer_golmud):
        assert client_for(user).post(url, body, format="json").status_code == 403
    assert client_for().post(url, body, format="json").status_code in (401, 403)
    bad = client_for(organizer_xining).post(url, {**body, "phone": "12"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "phone"
    bad = client_for(organizer_xining).post(url, {**body, "category": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "category"
    assert Voucher.objects.count() == 1


def test_voucher_page_shows_the_qr_code(stocked, client):
    voucher = issue(stocked)
    page = client.get(f"/vouchers/{voucher.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-state="valid"' in html
    assert vouchers.voucher_code_display(voucher.code) in html
    svg = client.get(f"/vouchers/{voucher.code}.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert client.get("/vouchers/NOPE/").status_code == 404


def test_organizer_issues_a_voucher_through_the_form(stocked, client, organizer_xining):
    client.force_login(organizer_xining)
    page = client.get("/vouchers/issue/")
    assert page.status_code == 200
    assert stocked.campaign.name in page.content.decode()
    body = {"campaign": stocked.campaign.pk, "phone": PHONE, "category": "courier",
            "item": "water", "quantity": 2}  # fmt: skip
    response = client.post("/vouchers/issue/", body)
    voucher = Voucher.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/vouchers/{voucher.code}/"
    assert voucher.quantity == 2 and voucher.issued_by == organizer_xining
    bad = client.post("/vouchers/issue/", {**body, "phone": "12"})
    assert bad.status_code == 400 and "11 位手机号" in bad.content.decode()
    assert Voucher.objects.count() == 1


def test_voucher_form_refuses_others(stocked, client, organizer_golmud, staff_xining):
    body = {"campaign": stocked.campaign.pk, "phone": PHONE, "category": "courier",
            "item": "water", "quantity": 1}  # fmt: skip
    client.force_login(organizer_golmud)
    refused = client.post("/vouchers/issue/", body)  # not a campaign they may choose
    assert refused.status_code == 400  # a refused form says so in its status too
    assert "没有进行中的活动" in refused.content.decode()
    client.force_login(staff_xining)
    assert client.get("/vouchers/issue/").status_code == 403
    client.logout()
    assert client.get("/vouchers/issue/").status_code == 302  # to the login page
    assert Voucher.objects.count() == 0


def test_organizer_overview_links_to_the_voucher_form(
    stocked, client, organizer_xining, organizer_golmud
):
    client.force_login(organizer_xining)
    html = client.get("/organizer/").content.decode()
    assert "/vouchers/issue/" in html
    client.force_login(organizer_golmud)  # no campaign of theirs is running
    assert "/vouchers/issue/" not in client.get("/organizer/").content.decode()
