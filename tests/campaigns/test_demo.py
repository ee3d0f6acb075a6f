"""The quick start's demo campaign loads, loads again without doubling, and balances."""

import pytest

from campaigns.demo import load_demo_campaign
from campaigns.models import Campaign, Movement, StockLevel
from campaigns.selectors.stock import ledger_mismatches
from stations.demo import create_demo_accounts
from stations.fixtures_loader import load_demo_stations, load_network
from stations.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]


def test_demo_campaign(settings):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = "summer"
    load_network()
    load_demo_stations()
    create_demo_accounts()
    campaign = load_demo_campaign()
    counts = (Movement.objects.count(), Visit.objects.count(), StockLevel.objects.count())
    assert campaign.status == "active"
    # The receipt at the depot, and for the desk: a delivery received and one on its way.
    assert counts[0] == 4 and counts[1] > 100
    load_demo_campaign()
    assert (Movement.objects.count(), Visit.objects.count(), StockLevel.objects.count()) == counts
    assert Campaign.objects.count() == 1
    assert ledger_mismatches() == []
    assert not Visit.objects.exclude(station__code__startswith="QH-XN-").exists()
    desk = StockLevel.objects.filter(location__code="QH-XN-0001", quantity__gt=0)
    assert {level.lot.item.code for level in desk} == {"water", "herbal_tea"}
