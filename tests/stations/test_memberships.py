"""Granting, changing and revoking a role: a security event, checked and recorded."""

from __future__ import annotations

import pytest

from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from stations.exceptions import StationsError
from stations.models import Membership, Union
from stations.services.memberships import membership_change, membership_grant, membership_revoke
from stations.services.regions_unions import union_save
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def worker_staff(network):
    user = UserFactory(username="staff-cz", is_staff=False)
    membership = membership_grant(
        actor=None,
        user=user,
        union=network.chengzhong,
        role="station_staff",
        stations=[network.xining_station],
    )
    return user, membership


def test_a_grant_is_recorded_with_who_gave_it(network, organizer_xining):
    user = UserFactory(username="new-org")
    membership = membership_grant(
        actor=organizer_xining, user=user, union=network.chengzhong, role="organizer"
    )
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == organizer_xining
    assert scope_for(user).union_paths == ("QH/QH-XN/QH-XN-CZ/",)


def test_staff_stations_must_lie_under_the_union(network, organizer_xining):
    user = UserFactory(username="s2", is_staff=False)
    with pytest.raises(StationsError) as exc:
        membership_grant(
            actor=organizer_xining,
            user=user,
            union=network.chengzhong,
            role="station_staff",
            stations=[network.xining_station_2],  # run by Xining, above Chengzhong
        )
    assert exc.value.field == "stations"
    assert not Membership.objects.filter(user=user).exists()


def test_changing_a_role_changes_the_same_membership(network, organizer_xining, worker_staff):
    user, membership = worker_staff
    assert scope_for(user).staff_station_ids == {network.xining_station.pk}
    changed = membership_change(actor=organizer_xining, membership=membership, role="organizer")
    assert changed.pk == membership.pk
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        "organizer"
    ]
    # An organizer has no stations of their own; the scope is read afresh.
    assert list(changed.stations.all()) == []
    assert scope_for(user).union_paths == ("QH/QH-XN/QH-XN-CZ/",)
    assert scope_for(user).staff_station_ids == frozenset()
    latest = changed.history.first()
    assert latest.role == "organizer"
    assert latest.history_user == organizer_xining


def test_changing_stations_is_checked_and_recorded(network, organizer_xining, worker_staff):
    _user, membership = worker_staff
    with pytest.raises(StationsError) as exc:
        membership_change(
            actor=organizer_xining, membership=membership, stations=[network.golmud_station]
        )
    assert exc.value.field == "stations"
    assert list(membership.stations.all()) == [network.xining_station]

    moved = membership_change(
        actor=organizer_xining,
        membership=membership,
        union=network.xining,
        stations=[network.xining_station, network.xining_station_2],
    )
    assert moved.union == network.xining
    assert set(moved.stations.all()) == {network.xining_station, network.xining_station_2}
    assert {s.station_id for s in moved.history.first().stations.all()} == {
        network.xining_station.pk,
        network.xining_station_2.pk,
    }


def test_a_change_into_a_role_already_held_is_a_conflict(network, organizer_xining, worker_staff):
    user, membership = worker_staff
    membership_grant(actor=None, user=user, union=network.chengzhong, role="organizer")
    with pytest.raises(Conflict) as exc:
        membership_change(actor=organizer_xining, membership=membership, role="organizer")
    assert exc.value.field == "role"
    assert Membership.objects.filter(user=user).count() == 2


def test_an_organizer_of_another_union_can_neither_change_nor_revoke(network, worker_staff):
    _user, membership = worker_staff
    golmud_organizer = UserFactory(username="org-gem")
    membership_grant(actor=None, user=golmud_organizer, union=network.golmud, role="organizer")
    with pytest.raises(PermissionDenied):
        membership_change(actor=golmud_organizer, membership=membership, role="organizer")
    with pytest.raises(PermissionDenied):
        membership_revoke(actor=golmud_organizer, membership=membership)
    # Nor move one of theirs into Xining.
    theirs = membership_grant(
        actor=None, user=UserFactory(username="x"), union=network.golmud, role="organizer"
    )
    with pytest.raises(PermissionDenied):
        membership_change(actor=golmud_organizer, membership=theirs, union=network.xining)
    membership.refresh_from_db()
    assert membership.role == "station_staff"


def test_revoking_removes_the_role_and_keeps_the_record(network, organizer_xining, worker_staff):
    user, membership = worker_staff
    assert scope_for(user).staff_station_ids
    membership_revoke(actor=organizer_xining, membership=membership)
    assert not Membership.objects.filter(user=user).exists()
    assert scope_for(user).is_empty
    gone = Membership.history.filter(id=membership.pk).first()
    assert gone.history_type == "-"
    assert gone.history_user == organizer_xining


def test_union_changes_are_recorded_down_the_subtree(network, province_admin):
    network.xining.parent = network.haixi
    union_save(actor=province_admin, union=network.xining)
    for code, path in (("QH-XN", "QH/QH-HX/QH-XN/"), ("QH-XN-CZ", "QH/QH-HX/QH-XN/QH-XN-CZ/")):
        union = Union.objects.get(code=code)
        assert (union.path, union.depth) == (path, path.count("/") - 1)
        record = union.history.first()
        assert (record.path, record.history_type) == (path, "~")
        assert record.history_user == province_admin
