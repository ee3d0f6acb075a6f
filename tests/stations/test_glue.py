"""The shared glue of the station network: who works a station, who is told above a
union, and a union's line of ancestors."""

from __future__ import annotations

import pytest

from core.errors import NotFound, PermissionDenied
from stations.models import path_and_above
from stations.selectors import organizer_emails_above, station_for_staff
from stations.services.memberships import membership_grant
from tests.factories import UserFactory


def test_ancestor_paths_run_from_the_root_to_the_union(network):
    assert network.chengzhong.ancestor_paths() == ["QH/", "QH/QH-XN/", "QH/QH-XN/QH-XN-CZ/"]
    assert network.province.ancestor_paths() == ["QH/"]
    assert path_and_above("") == []


def test_station_for_staff_finds_by_any_digit_form_and_refuses_others(
    network, staff_xining, organizer_xining
):
    assert station_for_staff(actor=staff_xining, code="qh-xn-０００１") == network.xining_station
    assert station_for_staff(actor=organizer_xining, code="QH-XN-0002") == network.xining_station_2
    with pytest.raises(PermissionDenied) as refused:
        station_for_staff(actor=staff_xining, code="QH-XN-0002")
    assert "QH-XN-0002" in refused.value.message
    with pytest.raises(PermissionDenied):
        station_for_staff(actor=organizer_xining, code="QH-HX-0001")
    with pytest.raises(NotFound) as missing:
        station_for_staff(actor=staff_xining, code="QH-XN-9999")
    assert missing.value.field == "station"
    assert station_for_staff(actor=None, code="QH-HX-0001") == network.golmud_station


def test_organizer_emails_above_reach_every_union_above_and_no_sibling(network):
    def organizer(name, union, role="organizer", email=True):
        user = UserFactory(username=name, email=f"{name}@example.org" if email else "")
        membership_grant(actor=None, user=user, union=union, role=role)

    organizer("cz", network.chengzhong)
    organizer("xn", network.xining)
    organizer("qh", network.province, role="admin")
    organizer("hx", network.haixi)
    organizer("noemail", network.xining, email=False)
    staff = UserFactory(username="staff", email="staff@example.org")
    membership_grant(
        actor=None,
        user=staff,
        union=network.chengzhong,
        role="station_staff",
        stations=[network.xining_station],
    )
    assert organizer_emails_above(network.chengzhong) == [
        "cz@example.org",
        "qh@example.org",
        "xn@example.org",
    ]
    assert organizer_emails_above(network.golmud) == ["hx@example.org", "qh@example.org"]
