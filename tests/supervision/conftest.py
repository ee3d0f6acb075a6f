"""Supervision fixtures: workplaces under Xining (城中区) and Golmud, and an organizer of
Golmud, a union beside Xining's, for the permission tests."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import time as local_time
from stations.services import memberships as stations_services
from supervision.services.inspections import FindingInput
from tests.factories import UserFactory
from tests.welfare.factories import WorkplaceFactory


@pytest.fixture
def organizer_golmud(network):
    user = UserFactory(username="org-golmud")
    stations_services.membership_grant(
        actor=None, user=user, union=network.golmud, role="organizer"
    )
    return user


@pytest.fixture
def plant(network):
    """A workplace under 城中区总工会, below Xining's union."""
    return WorkplaceFactory(name="西宁某铝业（测试）", union=network.chengzhong, industry="制造业")


@pytest.fixture
def golmud_plant(network):
    return WorkplaceFactory(name="格尔木某化工（测试）", union=network.golmud, industry="化工")


def days_ago(n: int) -> dt.date:
    return local_time.today() - dt.timedelta(days=n)


def finding_input(**overrides) -> FindingInput:
    values = {
        "category": "equipment",
        "description": "冲床光电保护装置失效",
        "deadline": local_time.today() + dt.timedelta(days=15),
        "responsible_person": "王主任",
        "severity": "general",
        "law_cited": "《安全生产法》第三十六条",
    }
    values.update(overrides)
    return FindingInput(**values)


def png(name: str = "p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
