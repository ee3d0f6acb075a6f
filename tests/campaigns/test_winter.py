"""Winter: a winter campaign weighs the cold-exposed categories in planned demand, from the
campaign's own weights; the quick start's campaign follows the season."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaigns.demo import load_demo_campaign
from campaigns.exceptions import CampaignsError
from campaigns.models import Allocation, Campaign, Item, StockLevel
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger, lifecycle, locations, planner
from stations.demo import create_demo_accounts
from stations.fixtures_loader import load_demo_stations, load_network
from tests.factories import bare_visits

NOW = dt.datetime(2027, 1, 14, 10, 0)


def _visits(station, n, category, when):
    bare_visits(station, n, when=when, category=category)


@pytest.mark.django_db
def test_winter_campaign_starts_with_the_cold_weights(network, settings):
    settings.WINTER_CATEGORY_WEIGHTS = {"sanitation": 3.0, "courier": 2.0}
    winter = lifecycle.campaign_create(
        actor=None, kind="winter", name="冬季送温暖", union=network.xining,
        starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 2, 28),
    )  # fmt: skip
    summer = lifecycle.campaign_create(
        actor=None, kind="summer", name="送清凉", union=network.xining,
        starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 8, 31),
    )  # fmt: skip
    assert winter.category_weights == {"sanitation": 3.0, "courier": 2.0}
    assert summer.category_weights == {}
    with pytest.raises(CampaignsError) as bad:
        lifecycle.campaign_create(
            actor=None, kind="winter", name="x", union=network.xining,
            starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 2),
            category_weights={"penguin": 2},
        )  # fmt: skip
    assert bad.value.field == "category_weights"
    with pytest.raises(CampaignsError):
        lifecycle.campaign_create(
            actor=None, kind="winter", name="x", union=network.xining,
            starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 2),
            category_weights={"sanitation": 11},
        )  # fmt: skip


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_planner_weighs_cold_exposed_categories_in_winter(network):
    """Station 1: 20 sanitation visits; station 2: 20 driver visits. A campaign without
    weights ("other") splits evenly; a winter one (sanitation ×2, drivers ×1) gives station 1
    twice as much; a summer campaign does not plan gloves at all (issue 24)."""
    depot = locations.depot_create(
        actor=None, code="DEPOT-XN", name="西宁仓库", union=network.xining, lat=36.62, lng=101.77
    )
    when = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)
    _visits(network.xining_station, 20, "sanitation", when)
    _visits(network.xining_station_2, 20, "driver", when)
    gloves = Item.objects.get(code="gloves")  # packs of 10
    demands = {}
    for kind in ("other", "winter"):
        campaign = lifecycle.campaign_create(
            actor=None, kind=kind, name=f"{kind} 2027", union=network.xining,
            starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 3, 31),
        )  # fmt: skip
        ledger.stock_receive(
            actor=None, location=depot, campaign=campaign,
            lines=[ledger.ReceiptLine(item=gloves, quantity=300)],
        )  # fmt: skip
        planner.campaign_plan(actor=None, campaign=campaign, item=gloves, source=depot)
        rows = Allocation.objects.filter(campaign=campaign, location__station__isnull=False)
        demands[kind] = {a.location.station.code: (a.demand, a.quantity) for a in rows}
    assert demands["other"]["QH-XN-0001"][0] == demands["other"]["QH-XN-0002"][0] == 20
    assert demands["winter"]["QH-XN-0001"] == (40, 400)  # all 600 gloves, 2 : 1
    assert demands["winter"]["QH-XN-0002"] == (20, 200)
    summer = lifecycle.campaign_create(
        actor=None, kind="summer", name="summer 2027", union=network.xining,
        starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 3, 31),
    )  # fmt: skip
    with pytest.raises(CampaignsError) as refused:
        planner.campaign_plan(actor=None, campaign=summer, item=gloves, source=depot)
    assert refused.value.field == "item"


@pytest.mark.spatialite
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("season", "kind", "status", "desk"),
    [
        ("winter", "winter", "active", {"gloves", "hand_warmer"}),
        ("summer", "summer", "active", {"water", "herbal_tea"}),
        ("planning", "summer", "planned", set()),  # forced in winter: next summer is planned
    ],
)
@time_machine.travel(dt.datetime(2027, 1, 14, 10, 0), tick=False)
def test_demo_campaign_follows_the_season(settings, season, kind, status, desk):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = season
    load_network()
    load_demo_stations()
    create_demo_accounts()
    campaign = load_demo_campaign()
    assert (campaign.kind, campaign.status) == (kind, status)
    depot = StockLevel.objects.filter(location__code="DEPOT-QH-XN", quantity__gt=0)
    seasons = {level.lot.item.season for level in depot}
    assert seasons == {kind}
    at_desk = StockLevel.objects.filter(location__code="QH-XN-0001", quantity__gt=0)
    assert {level.lot.item.code for level in at_desk} == desk
    if season == "planning":
        assert campaign.starts_on == dt.date(2027, 5, 1)
    load_demo_campaign()  # loads again without doubling
    assert Campaign.objects.count() == 1
    assert ledger_mismatches() == []


@pytest.mark.spatialite
@pytest.mark.django_db
def test_demo_campaign_by_date(settings):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = ""
    load_network()
    load_demo_stations()
    for moment, kind, status in (
        (dt.datetime(2027, 11, 29, 10), "winter", "active"),
        (dt.datetime(2027, 7, 1, 10), "summer", "active"),
        (dt.datetime(2027, 4, 10, 10), "summer", "planned"),
        (dt.datetime(2027, 10, 10, 10), "winter", "planned"),
    ):
        with time_machine.travel(moment, tick=False):
            campaign = load_demo_campaign()
        assert (campaign.kind, campaign.status) == (kind, status), moment
