"""Quick-start demo: a heat alert for Xining today (so the public map shows the banner),
two special-environment workplaces and a registered worker with a check due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core import time as local_time
from stations.models import Region, Union
from welfare import services
from welfare.models import Worker, Workplace
from welfare.validators import credit_code_check_char
from welfare.weather import DayForecast


def demo_credit_code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


def load_demo_welfare() -> None:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("Welfare demo data is only loaded by the quick start.")
    today = local_time.today()
    xining = Region.objects.get(code="630100")
    golmud = Region.objects.get(code="632801")
    # Demo forecasts (the quick start has no network to fetch real ones).
    services.weather_apply(
        region=xining, fetched_at=timezone.now(),
        days=[DayForecast(today + dt.timedelta(days=i), Decimal(t), Decimal("18.0"))
              for i, t in enumerate(("37.5", "36.0", "33.0"))],
    )  # fmt: skip
    services.weather_apply(
        region=golmud, fetched_at=timezone.now(),
        days=[DayForecast(today + dt.timedelta(days=i), Decimal(t), Decimal("12.0"))
              for i, t in enumerate(("35.5", "34.0", "32.0"))],
    )  # fmt: skip
    union = Union.objects.get(code="QH-XN-CB")
    plants = [
        ("青海某铝业有限公司（演示）", demo_credit_code("91630100MA7DEMX01"), 101.7521, 36.6789,
         "西宁市城北区", {"high_temperature": 120, "dust": 60, "noise": 80}),
        ("西宁某建筑工程有限公司（演示）", demo_credit_code("91630100MA7DEMX02"), 101.8105, 36.6402,
         "西宁市城东区", {"high_temperature": 200, "high_altitude": 200}),
    ]  # fmt: skip
    for name, code, lng, lat, address, hazards in plants:
        workplace = Workplace.objects.filter(credit_code=code).first() or Workplace(
            credit_code=code
        )
        workplace.name, workplace.address = name, address
        workplace.location = Point(lng, lat, srid=4326)
        workplace.region = Region.objects.get(code="630105")
        workplace.union = union
        workplace.industry = "制造业" if "铝" in name else "建筑业"
        services.workplace_save(actor=None, workplace=workplace, hazards=hazards)
    if not Worker.objects.filter(name="张师傅（演示）").exists():
        worker = services.worker_register(
            actor=None, name="张师傅（演示）", category="construction", union=union, consent=True,
            workplace=Workplace.objects.get(credit_code=plants[1][1]),
            hazards=["high_temperature", "high_altitude"],
        )  # fmt: skip
        services.health_check_record(
            actor=None, worker=worker, kind="periodic", checked_on=today - dt.timedelta(days=400),
            result="normal",
        )  # fmt: skip
