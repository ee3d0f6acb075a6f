"""Campaign lifecycle and planning rights: the campaign's union decides, history names who."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaigns.exceptions import CampaignsError
from campaigns.models import Allocation, Campaign, Transfer
from campaigns.services import ledger, lifecycle, locations, plan_confirmation, planner
from core.errors import Conflict, PermissionDenied
from tests.campaigns.factories import CampaignFactory, DepotFactory, ItemFactory, LotFactory
from tests.factories import bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


@pytest.fixture
def golmud_depot(network, stock):
    """A depot the Golmud organizer covers, with hats in it."""
    depot = DepotFactory(code="DEPOT-GEM", union=network.golmud)
    ledger.stock_receive(
        actor=None, location=depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=100)]
    )
    return depot


def _visits(station, n):
    bare_visits(station, n, when=dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC))


@time_machine.travel(NOW, tick=False)
def test_an_organizer_of_another_union_cannot_plan_a_campaign_with_their_own_depot(
    stock, network, organizer_golmud, golmud_depot
):
    """Bug: only the depot was checked, so Golmud's organizer could plan Xining's campaign."""
    _visits(network.xining_station, 10)
    with pytest.raises(PermissionDenied):
        planner.campaign_plan(
            actor=organizer_golmud, campaign=stock.campaign, item=stock.hat, source=golmud_depot
        )
    with pytest.raises(PermissionDenied):
        planner.campaign_plan_start(
            actor=organizer_golmud, campaign=stock.campaign, item=stock.hat, source=golmud_depot
        )
    assert not Allocation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_organizer_of_another_union_cannot_confirm_or_edit_the_plan(
    stock, network, organizer_xining, organizer_golmud, golmud_depot
):
    _visits(network.xining_station, 10)
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=50)]
    )
    drafts = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
    )
    with pytest.raises(PermissionDenied):
        lifecycle.allocation_edit(actor=organizer_golmud, allocation=drafts[0], quantity=0)
    with pytest.raises(PermissionDenied):
        plan_confirmation.campaign_confirm_plan(
            actor=organizer_golmud, campaign=stock.campaign, item=stock.hat, source=golmud_depot
        )
    assert not Transfer.objects.exists()
    assert set(Allocation.objects.values_list("status", flat=True)) == {"draft"}
    assert (
        locations.stock_location_ensure(actor=None, code="DEPOT-GEM").levels.get().quantity == 100
    )


@time_machine.travel(NOW, tick=False)
def test_plan_lines_keep_their_history(stock, network, organizer_xining):
    _visits(network.xining_station, 30)
    _visits(network.xining_station_2, 10)
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=40)]
    )
    first = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
    )
    assert Allocation.history.filter(history_type="+").count() == len(first) == 2
    assert {h.history_user for h in Allocation.history.all()} == {organizer_xining}
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=40)]
    )
    again = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
    )
    # Planning again updates the same lines (their history shows the change).
    assert {a.pk for a in again} == {a.pk for a in first}
    assert sum(a.quantity for a in again) == 80
    assert Allocation.history.filter(history_type="~").count() == 2
    busy = next(a for a in again if a.location.code == "QH-XN-0001")
    lifecycle.allocation_edit(actor=organizer_xining, allocation=busy, quantity=50)
    transfers = plan_confirmation.campaign_confirm_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
    )
    assert len(transfers) == 2
    history = list(busy.history.order_by("history_date").values_list("quantity", "status"))
    assert history == [(30, "draft"), (60, "draft"), (50, "draft"), (50, "confirmed")]
    assert busy.history.first().history_user == organizer_xining
    # A confirmed item is not planned over again (it was an IntegrityError, a 500).
    with pytest.raises(CampaignsError) as refused:
        planner.campaign_plan(
            actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
        )
    assert refused.value.field == "item"


def test_campaign_changes_keep_their_history(network, organizer_xining):
    campaign = lifecycle.campaign_create(
        actor=organizer_xining, kind="winter", name="冬送温暖", union=network.xining,
        starts_on=dt.date(2027, 12, 1), ends_on=dt.date(2028, 2, 28),
    )  # fmt: skip
    lifecycle.campaign_update(
        actor=organizer_xining, campaign=campaign, kind="winter", name="2027 冬送温暖",
        union=network.chengzhong, starts_on=campaign.starts_on, ends_on=campaign.ends_on,
        target_workers=300, category_targets={"sanitation": 200}, budget=campaign.budget,
        per_person_daily_limit=2,
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=organizer_xining, campaign=campaign, status="active")
    rows = list(campaign.history.order_by("history_date"))
    assert [(r.history_type, r.name, r.status) for r in rows] == [
        ("+", "冬送温暖", "planned"),
        ("~", "2027 冬送温暖", "planned"),
        ("~", "2027 冬送温暖", "active"),
    ]
    assert {r.history_user for r in rows} == {organizer_xining}


def test_campaign_edits_need_both_unions(network, organizer_xining):
    campaign = CampaignFactory(union=network.xining)
    details = {
        "kind": "summer", "name": campaign.name, "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on, "target_workers": 1, "category_targets": {},
        "budget": campaign.budget, "per_person_daily_limit": 1,
    }  # fmt: skip
    with pytest.raises(PermissionDenied) as refused:
        lifecycle.campaign_update(
            actor=organizer_xining, campaign=campaign, union=network.golmud, **details
        )
    assert refused.value.field == "union"
    with pytest.raises(CampaignsError) as bad:
        lifecycle.campaign_update(
            actor=organizer_xining, campaign=campaign, union=network.xining,
            **{**details, "category_targets": {"pilots": 3}},
        )  # fmt: skip
    assert bad.value.field == "category_targets"
    campaign.refresh_from_db()
    assert (campaign.union, campaign.target_workers) == (network.xining, 1000)


def test_only_a_planned_campaign_without_movements_is_deleted(network, organizer_xining):
    planned = CampaignFactory(union=network.xining)
    running = CampaignFactory(union=network.xining, status="active")
    with pytest.raises(Conflict):
        lifecycle.campaign_delete(actor=organizer_xining, campaign=running)
    lifecycle.campaign_delete(actor=organizer_xining, campaign=planned)
    assert list(Campaign.objects.all()) == [running]
    assert planned.history.latest().history_type == "-"


def test_status_goes_only_forward(network):
    campaign = CampaignFactory(union=network.xining, status="closed")
    with pytest.raises(CampaignsError) as refused:
        lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    assert refused.value.field == "status"


@time_machine.travel(NOW, tick=False)
def test_a_large_scope_is_planned_in_the_background(
    stock, network, organizer_xining, monkeypatch, django_capture_on_commit_callbacks
):
    """The threshold is the planner's rule: above it the plan is queued after commit."""
    _visits(network.xining_station, 10)
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)]
    )
    args = {"actor": organizer_xining, "campaign": stock.campaign, "item": stock.hat,
            "source": stock.depot}  # fmt: skip
    now = planner.campaign_plan_start(**args)
    assert now.task_id is None and len(now.allocations) == 2
    Allocation.objects.all().delete()
    monkeypatch.setattr(planner, "PLAN_IN_BACKGROUND_ABOVE", 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        later = planner.campaign_plan_start(**args)
    assert later.allocations is None and later.task_id
    assert not Allocation.objects.exists()  # nothing until the transaction commits
    assert len(queued) == 1
    queued[0]()  # the eager test broker runs the task at once
    assert Allocation.objects.filter(campaign=stock.campaign).count() == 2


def test_factories_write_through_the_services(network):
    water = ItemFactory(perishable=True, pack_size=24)
    lot = LotFactory(item=water)
    assert (lot.batch != "", lot.expires_on is not None) == (True, True)
    assert LotFactory(item=water, batch=lot.batch) == lot
    depot = DepotFactory(union=network.golmud)
    assert depot.kind == "depot" and depot.location is not None
    campaign = CampaignFactory(union=network.golmud, status="active")
    assert [h.status for h in campaign.history.order_by("history_date")] == ["planned", "active"]
