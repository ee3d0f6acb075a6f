"""The planner weighted by a campaign's category targets, the plan's running total against
the depot, and a confirmation refused (with nothing kept) when it is more than the depot
holds; category-target progress on the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaigns.exceptions import CampaignsError, InsufficientStock
from campaigns.models import Allocation, Transfer
from campaigns.selectors.campaigns import campaign_dashboard, plan_totals
from campaigns.services import ledger, lifecycle, plan_confirmation, planner
from campaigns.tasks import plan_campaign
from tests.factories import bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


def visits(station, category: str, n: int) -> None:
    bare_visits(station, n, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC), category=category)


def set_targets(stock, targets: dict[str, int]):
    c = stock.campaign
    return lifecycle.campaign_update(
        actor=None, campaign=c, kind=c.kind, name=c.name, union=c.union, starts_on=c.starts_on,
        ends_on=c.ends_on, target_workers=c.target_workers, category_targets=targets,
        budget=c.budget, per_person_daily_limit=c.per_person_daily_limit,
    )  # fmt: skip


@pytest.fixture
def scene(stock, network):
    """Station 1: 10 courier and 100 delivery visits; station 2: 10 courier and 10
    sanitation visits; 400 hats (40 packs of 10) at the depot."""
    visits(network.xining_station, "courier", 10)
    visits(network.xining_station, "delivery", 100)
    visits(network.xining_station_2, "courier", 10)
    visits(network.xining_station_2, "sanitation", 10)
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=400)])  # fmt: skip
    return stock


def planned(stock, **kwargs) -> dict[str, tuple[int, int]]:
    lines = planner.campaign_plan(
        actor=None, campaign=stock.campaign, item=stock.hat, source=stock.depot, **kwargs
    )
    return {a.location.code: (a.demand, a.quantity) for a in lines}


@time_machine.travel(NOW, tick=False)
def test_targets_spread_each_category_over_the_stations_it_visits(scene):
    set_targets(scene, {"courier": 100, "sanitation": 300})
    scene.campaign.refresh_from_db()
    # courier 100 → 50 / 50 (10 visits each); sanitation 300 → all to station 2;
    # station 1's 100 delivery visits count for nothing (no delivery target).
    assert planned(scene, weighting="targets") == {
        "QH-XN-0001": (50, 50),
        "QH-XN-0002": (350, 350),
    }
    # By visits alone the same stations split the other way round.
    assert planned(scene) == {"QH-XN-0001": (110, 340), "QH-XN-0002": (20, 60)}


@time_machine.travel(NOW, tick=False)
def test_target_weighting_needs_targets_and_a_known_name(scene):
    for weighting, field in (("targets", "weighting"), ("loudest", "weighting")):
        with pytest.raises(CampaignsError) as refused:
            planner.campaign_plan_start(
                actor=None, campaign=scene.campaign, item=scene.hat, source=scene.depot,
                weighting=weighting,
            )  # fmt: skip
        assert refused.value.field == field
    assert not Allocation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_background_task_plans_with_the_same_weighting(scene, network):
    set_targets(scene, {"sanitation": 10})
    result = plan_campaign.apply(
        args=[None, scene.campaign.pk, scene.hat.pk, scene.depot.pk, 4, 0, None, "targets"]
    ).get()
    assert result["lines"] == {"QH-XN-0001": 0, "QH-XN-0002": 400}


@time_machine.travel(NOW, tick=False)
def test_running_total_and_a_confirmation_over_the_depot_keeps_nothing(scene, organizer_xining):
    lines = planner.campaign_plan(
        actor=organizer_xining, campaign=scene.campaign, item=scene.hat, source=scene.depot
    )
    totals = plan_totals(campaign=scene.campaign, item=scene.hat, source=scene.depot)
    assert (totals.allocated, totals.available, totals.over) == (400, 400, 0)
    first = lines[0]
    with pytest.raises(InsufficientStock) as refused:
        plan_confirmation.campaign_confirm_plan(
            actor=organizer_xining, campaign=scene.campaign, item=scene.hat, source=scene.depot,
            quantities={first.pk: first.quantity + 50},
        )  # fmt: skip
    assert refused.value.field == "allocations"
    assert "450" in refused.value.message and "400" in refused.value.message
    first.refresh_from_db()
    assert first.quantity == 340  # the typed edit was not kept
    assert not Transfer.objects.exists()
    # Within the stock the typed quantities are saved and sent together.
    transfers = plan_confirmation.campaign_confirm_plan(
        actor=organizer_xining, campaign=scene.campaign, item=scene.hat, source=scene.depot,
        quantities={first.pk: 300},
    )  # fmt: skip
    assert sorted(t.lines.get().quantity for t in transfers) == [60, 300]


def test_dashboard_shows_progress_against_category_targets(stock):
    set_targets(stock, {"courier": 200, "sanitation": 50})
    stock.campaign.refresh_from_db()
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=100)])  # fmt: skip
    for category, n in (("courier", 50), ("sanitation", 60), ("delivery", 5)):
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
            quantity=1, category=category, workers=n, on=dt.date(2027, 7, 14), reason="分装",
        )  # fmt: skip
    data = campaign_dashboard(campaign=stock.campaign, on=dt.date(2027, 7, 14))
    progress = [(c.code, c.reached, c.target, c.percent) for c in data["category_progress"]]
    assert progress == [
        ("courier", 50, 200, 25),
        ("sanitation", 60, 50, 120),
        ("delivery", 5, 0, None),
    ]
