"""The organizer's stock pages over HTTP: reorder levels and write-offs on the stock page,
the plan's running total and its refusal, signing for a transfer with its lines, the
hand-out form that remembers and offers only places with stock, and the dashboard's
flags and folds. Every page is tried as staff, an organizer of another union and
anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from campaigns.exceptions import CampaignsError
from campaigns.models import (
    Allocation,
    Lot,
    Movement,
    ReorderLevel,
    StockEntry,
    StockLevel,
    Transfer,
    TransferLine,
)
from campaigns.services import ledger, lifecycle, locations, planner, reorder_levels
from core.scoping import forget_scope
from stations.services.memberships import membership_grant
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


def login_in_travel(client, user):
    """Log in inside a test that travels in time (a session made before it would expire)."""
    client.force_login(user)
    return client


@pytest.fixture
def organizer(client, organizer_xining):
    client.force_login(organizer_xining)
    return client


def page_paths(stock, transfer_pk: int) -> list[str]:
    pk = stock.campaign.pk
    return [f"/campaigns/{pk}/stock/", f"/campaigns/{pk}/plan/", f"/campaigns/{pk}/hand-out/",
            f"/campaigns/{pk}/transfers/{transfer_pk}/receive/", f"/campaigns/{pk}/"]  # fmt: skip


@pytest.fixture
def in_transit(stock):
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=30)])  # fmt: skip
    return ledger.stock_transfer_dispatch(
        actor=None, source=stock.depot, destination=stock.station, campaign=stock.campaign,
        lines=[ledger.TransferRequest(item=stock.hat, quantity=20)],
    )  # fmt: skip


def test_outsiders_are_kept_out_of_every_page(
    client, stock, in_transit, staff_xining, organizer_golmud
):
    paths = page_paths(stock, in_transit.pk)
    for path in paths:
        assert client.get(path).status_code == 302, path  # anonymous → the login page
        assert client.post(path, {"level": "5"}).status_code == 302, path
    client.force_login(staff_xining)
    for path in paths:
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"location": "QH-XN-0001", "item": "sun_hat",
                                  "level": "5"}).status_code == 403, path  # fmt: skip
    client.force_login(organizer_golmud)
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"location": "QH-XN-0001", "item": "sun_hat",
                                  "level": "5"}).status_code == 404, path  # fmt: skip
    assert not ReorderLevel.objects.exists()
    assert Transfer.objects.get().status == Transfer.Status.IN_TRANSIT


def test_reorder_level_set_on_the_stock_page(organizer, stock, organizer_xining):
    url = f"/campaigns/{stock.campaign.pk}/stock/"
    response = organizer.post(
        url, {"action": "reorder", "location": "DEPOT-XN", "item": "sun_hat", "level": "15"}
    )
    assert response.status_code == 302
    level = ReorderLevel.objects.get()
    assert (level.location, level.item, level.level) == (stock.depot, stock.hat, 15)
    assert level.history.get().history_user == organizer_xining
    page = organizer.get(url).content.decode()
    assert "需补货" in page  # nothing in stock: at or below 15


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "-1"}, "level"),
        ({"level": "lots"}, "level"),
        ({"level": ""}, "level"),
        ({"item": "caviar"}, "item"),
        ({"location": "QH-HX-0001"}, "location"),  # Golmud: outside the campaign
    ],
)
def test_reorder_form_names_the_field(organizer, stock, body, field):
    data = {"action": "reorder", "location": "DEPOT-XN", "item": "sun_hat", "level": "5", **body}
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/stock/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not ReorderLevel.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_stock_page_names_the_expired_lot_and_writes_it_off(client, organizer_xining, stock):
    organizer = login_in_travel(client, organizer_xining)
    ledger.stock_receive(
        actor=None, location=stock.depot, campaign=stock.campaign,
        lines=[ledger.ReceiptLine(item=stock.water, quantity=8, batch="OLD",
                                  expires_on=dt.date(2027, 7, 1)),
               ledger.ReceiptLine(item=stock.water, quantity=9, batch="NEW",
                                  expires_on=dt.date(2027, 12, 1))],
    )  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/stock/"
    page = organizer.get(url).content.decode()
    assert "OLD" in page and "请报废" in page and "过期 8" in page
    dashboard = organizer.get(f"/campaigns/{stock.campaign.pk}/").content.decode()
    assert "过期 8" in dashboard and "去报废" in dashboard
    old = Lot.objects.get(batch="OLD")
    unexpired = organizer.post(url, {"action": "write_off", "location": "DEPOT-XN",
                                     "lot": Lot.objects.get(batch="NEW").pk})  # fmt: skip
    assert unexpired.status_code == 400
    assert unexpired.context["error"]
    response = organizer.post(url, {"action": "write_off", "location": "DEPOT-XN", "lot": old.pk})
    assert response.status_code == 302
    levels = dict(StockLevel.objects.values_list("lot__batch", "quantity"))
    assert levels == {"OLD": 0, "NEW": 9}
    after = organizer.get(url)
    assert after.context["expired"] == []
    assert "已报废" in after.content.decode()  # the message from the write-off


def test_the_stock_table_is_paged(organizer, stock, monkeypatch, network):
    monkeypatch.setattr("campaigns.views.stock.STOCK_PAGE_SIZE", 1)
    for level, location in ((5, stock.depot), (6, stock.station)):
        reorder_levels.reorder_level_set(actor=None, location=location, item=stock.hat, level=level)
    first = organizer.get(f"/campaigns/{stock.campaign.pk}/stock/")
    assert [r.location_code for r in first.context["page"]] == ["DEPOT-XN"]
    assert "第 1 / 2 页" in first.content.decode()
    second = organizer.get(f"/campaigns/{stock.campaign.pk}/stock/?page=2")
    assert [r.location_code for r in second.context["page"]] == ["QH-XN-0001"]


@time_machine.travel(NOW, tick=False)
def test_the_plan_page_shows_the_running_total_and_the_refusal(client, organizer_xining, stock):
    organizer = login_in_travel(client, organizer_xining)
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=40)])  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4",
                         "minimum": "20"})  # fmt: skip
    page = organizer.get(f"{url}?item=sun_hat&source=DEPOT-XN")
    assert (page.context["totals"].allocated, page.context["totals"].available) == (40, 40)
    assert 'id="plan-total">40<' in page.content.decode()
    lines = {a.location.code: a for a in Allocation.objects.all()}
    over = organizer.post(url, {
        "action": "confirm", "item": "sun_hat", "source": "DEPOT-XN",
        f"q-{lines['QH-XN-0001'].pk}": "30", f"q-{lines['QH-XN-0002'].pk}": "20",
    })  # fmt: skip
    assert over.status_code == 409
    assert "超过" in over.context["error"] and "多 10" in over.context["error"]
    assert over.context["totals"].allocated == 40  # nothing of the refused edit was kept
    assert not Transfer.objects.exists()


def test_the_plan_form_refuses_an_unknown_weighting(organizer, stock):
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/plan/", {
        "action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4",
        "weighting": "loudest",
    })  # fmt: skip
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["weighting"]
    targets = organizer.post(f"/campaigns/{stock.campaign.pk}/plan/", {
        "action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4",
        "weighting": "targets",
    })  # fmt: skip
    assert targets.status_code == 400
    assert "分类目标" in targets.context["error"]


def test_signing_shows_the_lines_and_records_a_shortfall(organizer, stock, in_transit):
    url = f"/campaigns/{stock.campaign.pk}/transfers/{in_transit.pk}/receive/"
    dashboard = organizer.get(f"/campaigns/{stock.campaign.pk}/").content.decode()
    assert "遮阳帽 × 20 顶" in dashboard
    page = organizer.get(url).content.decode()
    assert "遮阳帽" in page and "20 顶" in page
    line = in_transit.lines.get()
    bad = organizer.post(url, {f"got-{line.pk}": "21"})
    assert bad.status_code == 400
    assert list(bad.context["form"].errors) == [f"got-{line.pk}"]
    unsaid = organizer.post(url, {f"got-{line.pk}": "18"})
    assert unsaid.status_code == 400 and "原因" in unsaid.content.decode()
    assert organizer.post(url, {f"got-{line.pk}": "18", "reason": "运输破损"}).status_code == 302
    line = TransferLine.objects.get()
    assert (line.received_quantity, line.shortfall) == (18, 2)
    assert StockLevel.objects.get(location=stock.station).quantity == 18
    assert organizer.post(url, {}).status_code == 400  # signed already: said, not re-done


def stock_fingerprint() -> dict[str, list]:
    """What a sign-off would change: the transfers, their lines, the levels and the ledger."""
    return {
        "transfers": list(Transfer.objects.order_by("pk").values_list(
            "pk", "status", "receipt_id", "received_at")),
        "lines": list(TransferLine.objects.order_by("pk").values_list("pk", "received_quantity")),
        "levels": list(StockLevel.objects.order_by("pk").values_list(
            "location__code", "lot_id", "quantity")),
        "ledger": list(StockEntry.objects.order_by("pk").values_list("pk", "delta")),
        "movements": list(Movement.objects.order_by("pk").values_list("pk", "kind")),
    }  # fmt: skip


def test_a_sub_union_organizer_cannot_sign_for_a_place_above_them(client, stock, network):
    """An organizer of 城中区 tries to sign for a delivery to a place of 西宁市, above them,
    in the Xining campaign (which they cannot see): refused on the sign-off page and over
    the API, and nothing moves. A delivery of their own campaign to a place above them
    cannot even be sent: a movement's campaign must cover its places (issue 22)."""
    user = UserFactory(username="org-cz")
    membership_grant(actor=None, user=user, union=network.chengzhong, role="organizer")
    forget_scope(user)
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=30)])  # fmt: skip
    to_xining = ledger.stock_transfer_dispatch(
        actor=None, source=stock.depot, campaign=stock.campaign,
        destination=locations.stock_location_ensure(actor=None, station=network.xining_station_2),
        lines=[ledger.TransferRequest(item=stock.hat, quantity=20)],
    )  # fmt: skip
    own = lifecycle.campaign_create(
        actor=None, kind="summer", name="2027 城中区送清凉", union=network.chengzhong,
        starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 8, 31),
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=own, status="active")
    ledger.stock_receive(actor=None, location=stock.station,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=5)])  # fmt: skip
    with pytest.raises(CampaignsError, match="不在这个活动的范围内"):
        ledger.stock_transfer_dispatch(
            actor=None, source=stock.station, destination=stock.depot, campaign=own,
            lines=[ledger.TransferRequest(item=stock.hat, quantity=5)],
        )  # fmt: skip
    before = stock_fingerprint()
    client.force_login(user)

    # The sign-off page of the Xining campaign: the campaign is not theirs to see at all.
    line = to_xining.lines.get()
    hidden = client.post(f"/campaigns/{stock.campaign.pk}/transfers/{to_xining.pk}/receive/",
                         {f"got-{line.pk}": "20"})  # fmt: skip
    assert hidden.status_code == 404
    assert "Not Found" in hidden.content.decode()
    assert stock.campaign.name not in hidden.content.decode()
    assert stock_fingerprint() == before

    # The API refuses both with the error envelope.
    api = APIClient()
    api.force_authenticate(user)
    for transfer, place in ((to_xining, network.xining_station_2.code),):
        line = transfer.lines.get()
        response = api.post(
            f"/api/v1/stock/transfers/{transfer.pk}/receive/",
            {"lines": [{"lot": line.lot_id, "received_quantity": line.quantity}]},
            format="json", HTTP_IDEMPOTENCY_KEY=f"cz-sign-{transfer.pk}",
        )  # fmt: skip
        assert response.status_code == 403, response.content
        assert (
            response.json()["error"]["message"] == f"您无权在地点 {place} 操作库存。"
        )  # named by code, not by name
    assert stock_fingerprint() == before
    assert set(Transfer.objects.values_list("status", flat=True)) == {Transfer.Status.IN_TRANSIT}


def test_hand_out_offers_places_with_stock_and_remembers_the_last(organizer, stock, network):
    ledger.stock_receive(actor=None, location=stock.station,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)])  # fmt: skip
    # The depot held stock once and is empty now; station 2 never held any.
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=1)])  # fmt: skip
    ledger.stock_adjust(actor=None, location=stock.depot, lot=Lot.objects.get(item=stock.hat),
                        delta=-1, reason="盘亏")  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/hand-out/"
    page = organizer.get(url)
    assert [loc.code for loc in page.context["locations"]] == ["QH-XN-0001"]
    assert organizer.post(url, {"location": "QH-XN-0001", "item": "sun_hat", "quantity": "2",
                                "category": "sanitation", "workers": "2"}).status_code == 302  # fmt: skip
    again = organizer.get(url).content.decode()
    assert '<option value="QH-XN-0001" selected>' in again
    assert '<option value="sun_hat" selected>' in again
    assert '<option value="sanitation" selected>' in again
    # A place picked by link wins over the remembered one.
    chosen = organizer.get(f"{url}?item=water").content.decode()
    assert '<option value="water" selected>' in chosen


@time_machine.travel(NOW, tick=False)
def test_dashboard_folds_long_alert_lists_and_has_a_small_map(client, organizer_xining, stock):
    organizer = login_in_travel(client, organizer_xining)
    for code in ("water", "sun_hat"):
        for location in (stock.depot, stock.station):
            reorder_levels.reorder_level_set(actor=None, location=location,
                                     item=stock.water.__class__.objects.get(code=code),
                                     level=3)  # fmt: skip
    for n in range(10):
        ledger.stock_receive(
            actor=None, location=stock.depot, campaign=stock.campaign,
            lines=[ledger.ReceiptLine(item=stock.water, quantity=1, batch=f"X{n}",
                                      expires_on=dt.date(2027, 7, 1))],
        )  # fmt: skip
    page = organizer.get(f"/campaigns/{stock.campaign.pk}/")
    html = page.content.decode()
    assert len(page.context["alerts_first"]) == 10
    assert len(page.context["alerts_rest"]) == 4
    assert '<details class="fold">' in html and "还有 4 条提醒" in html
    assert 'id="stock-map" class="map small-map"' in html


def test_planner_weighting_is_offered_on_the_plan_page(organizer, stock):
    page = organizer.get(f"/campaigns/{stock.campaign.pk}/plan/").content.decode()
    assert 'name="weighting"' in page and 'value="targets"' in page
    assert planner.WEIGHTINGS == ("visits", "targets", "exposed")
