import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import PermissionDenied
from core.scoping import scope_for
from stations.models import Station, Union
from stations.services.memberships import membership_grant
from stations.services.regions_unions import union_save
from stations.services.stations import station_save
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_union_paths_are_materialized(network):
    assert network.province.path == "QH/"
    assert network.chengzhong.path == "QH/QH-XN/QH-XN-CZ/"
    assert network.golmud.depth == 2


def test_everything_under_a_union_is_one_query(network):
    with CaptureQueriesContext(connection) as ctx:
        under = codes(Union.objects.under(network.xining))
    assert under == ["QH-XN", "QH-XN-CZ"]
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        stations = codes(Station.objects.under(network.xining))
    assert stations == ["QH-XN-0001", "QH-XN-0002"]
    assert len(ctx.captured_queries) == 1


def test_organizer_of_xining_cannot_see_golmud(network, organizer_xining):
    scope = scope_for(organizer_xining)
    visible = codes(scope.filter(Station.objects.all(), station_field="pk"))
    assert visible == ["QH-XN-0001", "QH-XN-0002"]
    assert not scope.covers_station(network.golmud_station)
    assert scope.covers_station(network.xining_station)


def test_province_admin_sees_everything_under_the_province(network, province_admin):
    scope = scope_for(province_admin)
    assert codes(scope.filter(Station.objects.all())) == ["QH-HX-0001", "QH-XN-0001", "QH-XN-0002"]


def test_staff_see_only_their_stations(network, staff_xining):
    scope = scope_for(staff_xining)
    assert codes(scope.filter(Station.objects.all(), station_field="pk")) == ["QH-XN-0001"]
    assert scope.may_staff_station(network.xining_station)
    assert not scope.may_staff_station(network.xining_station_2)
    assert not scope.covers_station(network.xining_station)  # staff do not manage it


def test_user_without_membership_sees_nothing(network):
    scope = scope_for(UserFactory(username="nobody"))
    assert scope.is_empty
    assert codes(scope.filter(Station.objects.all(), station_field="pk")) == []


def test_superuser_sees_everything(network):
    root = UserFactory(username="root", is_superuser=True)
    assert len(codes(scope_for(root).filter(Station.objects.all()))) == 3


def test_service_refuses_an_organizer_outside_their_union(network, organizer_xining):
    station = Station.objects.get(code="QH-HX-0001")
    station.name = "改名"
    with pytest.raises(PermissionDenied) as excinfo:
        station_save(actor=organizer_xining, station=station)
    assert "格尔木市总工会" in excinfo.value.message
    assert Station.objects.get(code="QH-HX-0001").name != "改名"


def test_organizer_cannot_move_a_station_into_their_union(network, organizer_xining):
    station = Station.objects.get(code="QH-HX-0001")
    station.union = network.xining
    with pytest.raises(PermissionDenied):
        station_save(actor=organizer_xining, station=station)
    assert Station.objects.get(code="QH-HX-0001").union_id == network.golmud.pk


def test_organizer_edits_a_station_under_their_union(network, organizer_xining):
    station = Station.objects.get(code="QH-XN-0001")
    station.name = "城中区新名字驿站"
    station_save(actor=organizer_xining, station=station, services=["water", "toilet"])
    station.refresh_from_db()
    assert station.name == "城中区新名字驿站"
    assert sorted(s.code for s in station.services.all()) == ["toilet", "water"]
    assert station.history.count() >= 2  # created + changed


def test_moving_a_union_rewrites_the_subtree_paths(network):
    network.xining.parent = network.haixi
    union_save(actor=None, union=network.xining)
    network.chengzhong.refresh_from_db()
    assert network.chengzhong.path == "QH/QH-HX/QH-XN/QH-XN-CZ/"
    assert network.chengzhong.depth == 3


def test_a_union_cannot_move_under_its_own_child(network):
    network.xining.parent = network.chengzhong
    with pytest.raises(Exception) as excinfo:
        union_save(actor=None, union=network.xining)
    assert "下级" in str(excinfo.value)
    network.chengzhong.refresh_from_db()
    assert network.chengzhong.path == "QH/QH-XN/QH-XN-CZ/"


def test_organizer_cannot_grant_roles_outside_their_union(network, organizer_xining):
    with pytest.raises(PermissionDenied):
        membership_grant(
            actor=organizer_xining,
            user=UserFactory(username="x"),
            union=network.golmud,
            role="organizer",
        )
