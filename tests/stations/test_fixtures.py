"""The Qinghai reference data and the demo stations load, and load again without duplicates."""

import pytest
from django.contrib.auth import get_user_model

from core.scoping import scope_for
from stations.demo import DEMO_ACCOUNTS, create_demo_accounts
from stations.fixtures_loader import load_demo_stations, load_network
from stations.models import Membership, Region, Station, Union

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]


@pytest.fixture
def loaded(db):
    load_network()
    return load_demo_stations()


def test_regions_hold_qinghai_and_its_prefectures(loaded):
    province = Region.objects.get(code="630000")
    assert province.name == "青海省"
    prefectures = set(province.children.values_list("code", flat=True))
    assert prefectures == {
        "630100",
        "630200",
        "632200",
        "632300",
        "632500",
        "632600",
        "632700",
        "632800",
    }
    xining_counties = set(
        Region.objects.filter(parent__code="630100").values_list("code", flat=True)
    )
    assert {"630102", "630103", "630104", "630105", "630106", "630121", "630123"} <= xining_counties
    haixi = set(Region.objects.filter(parent__code="632800").values_list("code", flat=True))
    assert {"632801", "632802", "632803", "632821", "632822", "632823"} <= haixi
    for region in Region.objects.all():
        assert region.reference_point is not None, region.code
        # Every seat of government lies inside Qinghai's bounding box.
        assert 89.3 <= region.reference_point.x <= 103.1, region.code
        assert 31.5 <= region.reference_point.y <= 39.3, region.code


def test_union_tree_hangs_from_the_province(loaded):
    root = Union.objects.get(code="QH")
    assert root.parent is None
    assert Union.objects.under(root).count() == Union.objects.count()
    for union in Union.objects.exclude(pk=root.pk):
        assert union.path.startswith("QH/")
        assert union.path.endswith(f"{union.code}/")


def test_demo_stations_are_plausible(loaded):
    assert loaded.stations_created >= 80
    stations = Station.objects.select_related("region", "union")
    assert stations.count() == loaded.stations_created
    assert all(s.is_demo for s in stations)
    for station in stations:
        # Inside Qinghai, in the region and union the station names.
        assert 89.3 <= station.location.x <= 103.1, station.code
        assert 31.5 <= station.location.y <= 39.3, station.code
        assert station.services.filter(code="water").exists(), station.code
        assert station.is_24h or station.periods.exists(), station.code
    cities = set(stations.values_list("region__parent__code", flat=True))
    assert {
        "630100",
        "630200",
        "632800",
        "632500",
        "632200",
        "632700",
        "632600",
        "632300",
    } <= cities


def test_loading_twice_creates_no_duplicates(loaded):
    counts = (Region.objects.count(), Union.objects.count(), Station.objects.count())
    periods = Station.objects.filter(periods__isnull=False).count()
    load_network()
    again = load_demo_stations()
    assert again.stations_created == 0
    assert again.stations_updated == counts[2]
    assert (Region.objects.count(), Union.objects.count(), Station.objects.count()) == counts
    assert Station.objects.filter(periods__isnull=False).count() == periods


def test_demo_accounts(loaded, settings):
    settings.YIZHAN_ALLOW_DEMO = True
    create_demo_accounts()
    create_demo_accounts()  # idempotent
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) == {
        a.username for a in DEMO_ACCOUNTS
    }
    assert Membership.objects.count() == 3
    staff = User.objects.get(username="demo-staff")
    assert staff.check_password("demo12345")
    scope = scope_for(staff)
    assert sorted(
        Station.objects.filter(pk__in=scope.staff_station_ids).values_list("code", flat=True)
    ) == ["QH-XN-0001", "QH-XN-0002"]
    organizer = scope_for(User.objects.get(username="demo-organizer"))
    visible = organizer.filter(Station.objects.all())
    assert visible.exists()
    assert not visible.exclude(region__parent__code="630100").exists()


def test_demo_accounts_refused_outside_the_quick_start(loaded, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.YIZHAN_ALLOW_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        create_demo_accounts()
    assert not get_user_model().objects.exists()
