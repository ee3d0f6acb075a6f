"""Demo accounts for the quick start. Never created under production settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from stations.models import Station, Union
from stations.services import network

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo login, quick start only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    union_code: str
    role: str
    description: str
    station_codes: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "QH", "admin", "青海省总工会 · 管理员 (province)"),
    DemoAccount("demo-organizer", "QH-XN", "organizer", "西宁市总工会 · 组织者 (Xining city)"),
    DemoAccount(
        "demo-staff",
        "QH-XN",
        "station_staff",
        "西宁两个站点 · 站点工作人员 (two Xining stations)",
        ("QH-XN-0001", "QH-XN-0002"),
    ),
)


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured(
            "Demo accounts are only created by the quick start (YIZHAN_ALLOW_DEMO is off)."
        )
    for account in DEMO_ACCOUNTS:
        user = network.account_ensure(
            actor=None,
            username=account.username,
            password=DEMO_PASSWORD,
            is_staff=account.role != "station_staff",
        )
        union = Union.objects.get(code=account.union_code)
        stations = list(Station.objects.filter(code__in=account.station_codes))
        network.membership_grant(
            actor=None, user=user, union=union, role=account.role, stations=stations
        )
    return list(DEMO_ACCOUNTS)
