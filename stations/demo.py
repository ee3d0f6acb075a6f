"""Demo accounts for the quick start. Never created under production settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core import time as local_time
from stations.models import Inspection, Station, Union
from stations.services import inspections, memberships

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
        user = memberships.account_ensure(
            actor=None,
            username=account.username,
            password=DEMO_PASSWORD,
            is_staff=account.role != "station_staff",
        )
        union = Union.objects.get(code=account.union_code)
        stations = list(Station.objects.filter(code__in=account.station_codes))
        memberships.membership_grant(
            actor=None, user=user, union=union, role=account.role, stations=stations
        )
    return list(DEMO_ACCOUNTS)


#: Of every 100 demo stations, how many were never inspected and how many are overdue
#: (inspected more than STATION_INSPECTION_MAX_AGE_DAYS ago); the rest were inspected
#: within it, spread over the period — as a union that inspects on a rolling round.
DEMO_NEVER_PER_100 = 6
DEMO_OVERDUE_PER_100 = 14


def demo_inspection_day(index: int, *, today: dt.date) -> dt.date | None:
    """The demo's last "六有" inspection of the station at ``index`` (by code), or None for
    never: a fixed, even spread, so the overview's overdue count is about one in five."""
    max_age = settings.STATION_INSPECTION_MAX_AGE_DAYS
    bucket = (index * 53 + 17) % 100
    if bucket < DEMO_NEVER_PER_100:
        return None
    if bucket < DEMO_NEVER_PER_100 + DEMO_OVERDUE_PER_100:
        return today - dt.timedelta(days=max_age + 1 + (index * 41) % 240)
    return today - dt.timedelta(days=7 + (index * 29) % (max_age - 7))


@transaction.atomic
def create_demo_inspections(*, today: dt.date | None = None) -> int:
    """The demo stations' last "六有" inspections (quick start only; a station that already
    has one keeps it). Returns how many were recorded."""
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("Demo inspections are only recorded by the quick start.")
    today = today or local_time.today()
    # Recorded as the province admin's rounds (an inspection names its inspector).
    inspector = get_user_model().objects.get(username="demo-admin")
    inspected = set(Inspection.objects.values_list("station_id", flat=True))
    checks = [code for code, _label in Inspection.CHECKS]
    made = 0
    for index, station in enumerate(Station.objects.order_by("code")):
        day = demo_inspection_day(index, today=today)
        if day is None or station.pk in inspected:
            continue
        failed = checks[index % len(checks)] if index % 4 == 0 else None
        inspections.inspection_record(
            actor=inspector, station=station, inspected_on=day,
            checks={c: (c != failed, "需整改" if c == failed else "") for c in checks},
            stars=4 if failed else 5, notes="演示数据",
        )  # fmt: skip
        made += 1
    return made
