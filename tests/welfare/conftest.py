"""Welfare fixtures: county reference points (hazard reports go to the nearest county's
union) and an organizer of Golmud, a union beside Xining's."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from stations.models import Region
from stations.services import network as stations_services
from tests.factories import UserFactory

XINING_POINT = {"lat": 36.63, "lng": 101.77}
GOLMUD_POINT = {"lat": 36.41, "lng": 94.91}


@pytest.fixture
def counties(network):
    """Reference points for the two counties (a test fixture; regions are reference data)."""
    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    Region.objects.filter(code="632801").update(reference_point=Point(94.90, 36.40, srid=4326))
    return network


@pytest.fixture
def organizer_golmud(network):
    user = UserFactory(username="org-golmud")
    stations_services.membership_grant(
        actor=None, user=user, union=network.golmud, role="organizer"
    )
    return user
