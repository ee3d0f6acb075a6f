from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from campaigns.models import Campaign, Item, StockLocation
from campaigns.services import lifecycle, locations
from core.scoping import forget_scope
from stations.services.memberships import membership_grant
from tests.factories import UserFactory


@dataclass
class Stock:
    depot: StockLocation
    station: StockLocation
    golmud: StockLocation
    campaign: Campaign
    water: Item
    hat: Item


@pytest.fixture
def stock(network) -> Stock:
    depot = locations.depot_create(
        actor=None, code="DEPOT-XN", name="西宁市总工会仓库", union=network.xining,
        lat=36.62, lng=101.77,
    )  # fmt: skip
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="2027 西宁送清凉", union=network.xining,
        starts_on=dt.date(2027, 6, 1), ends_on=dt.date(2027, 8, 31), target_workers=1000,
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    campaign.refresh_from_db()
    return Stock(
        depot=depot,
        station=locations.stock_location_ensure(actor=None, station=network.xining_station),
        golmud=locations.stock_location_ensure(actor=None, station=network.golmud_station),
        campaign=campaign,
        water=Item.objects.get(code="water"),
        hat=Item.objects.get(code="sun_hat"),
    )


@pytest.fixture
def organizer_golmud(network):
    """An organizer of 格尔木市总工会: another union than the Xining campaign's."""
    user = UserFactory(username="org-golmud")
    membership_grant(actor=None, user=user, union=network.golmud, role="organizer")
    forget_scope(user)
    return user
