"""Quick-start demo: the season's weather alerts (winter: a cold wave in Golmud and a
wind-chill advisory in Xining; summer: heat), special-environment workplaces (one on the
plateau at high altitude with cold work) and a registered worker with a check due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core import seasons
from core import time as local_time
from stations.models import Region, Union
from welfare import services
from welfare.models import Worker, Workplace
from welfare.validators import credit_code_check_char
from welfare.weather import DayForecast


def demo_credit_code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


#: Demo forecasts per season and region, from two days ago: (t_max, t_min, wind km/h);
#: the coldest hour is the minimum in that wind. Winter: a cold wave reaches Golmud today
#: (the minimum falls 12 °C in 24 h in a Beaufort-6 wind: orange) and a steady cold with
#: wind gives Xining a wind-chill advisory; summer: heat in both; planning: mild.
DEMO_FORECASTS: dict[str, dict[str, tuple[tuple[str, str, str], ...]]] = {
    "winter": {
        "630100": (("-2", "-15", "20"), ("-3", "-16", "22"), ("-5", "-18", "25"),
                   ("-4", "-17", "20"), ("-2", "-15", "15")),
        "632801": (("1", "-6", "18"), ("-1", "-8", "20"), ("-7", "-20", "45"),
                   ("-8", "-21", "30"), ("-5", "-15", "15")),
    },
    "summer": {
        "630100": (("30.0", "16.0", "8"), ("31.5", "17.0", "8"), ("37.5", "18.0", "10"),
                   ("36.0", "18.0", "9"), ("33.0", "18.0", "8")),
        "632801": (("30.0", "11.0", "10"), ("32.0", "12.0", "10"), ("35.5", "12.0", "12"),
                   ("34.0", "12.0", "10"), ("32.0", "12.0", "10")),
    },
    "planning": {
        "630100": (("16", "2", "10"), ("17", "3", "10"), ("18", "4", "12"),
                   ("17", "3", "10"), ("16", "2", "8")),
        "632801": (("14", "0", "12"), ("15", "1", "12"), ("16", "2", "14"),
                   ("15", "1", "12"), ("14", "0", "10")),
    },
}  # fmt: skip


def load_demo_welfare() -> None:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("Welfare demo data is only loaded by the quick start.")
    today = local_time.today()
    season = seasons.current_season(today)
    # Demo forecasts (the quick start has no network to fetch real ones).
    for code, rows in DEMO_FORECASTS[season].items():
        days = []
        for offset, (t_max, t_min, wind) in enumerate(rows, start=-2):
            days.append(DayForecast(
                today + dt.timedelta(days=offset), Decimal(t_max), Decimal(t_min),
                Decimal(wind), Decimal(t_min), Decimal(wind),
            ))  # fmt: skip
        services.weather_apply(
            region=Region.objects.get(code=code), days=days, fetched_at=timezone.now()
        )
    union = Union.objects.get(code="QH-XN-CB")
    # name, code, lng, lat, address, region, union, altitude (m), hazards, cold reading
    # (air °C, exposure %) for the GB/T 14440 grade.
    plants = [
        ("青海某铝业有限公司（演示）", demo_credit_code("91630100MA7DEMX01"), 101.7521, 36.6789,
         "西宁市城北区", "630105", "QH-XN-CB", 2290,
         {"high_temperature": 120, "dust": 60, "noise": 80}, None),
        ("西宁某建筑工程有限公司（演示）", demo_credit_code("91630100MA7DEMX02"), 101.8105, 36.6402,
         "西宁市城东区", "630105", "QH-XN-CB", 2275,
         {"high_temperature": 200, "high_altitude": 200}, None),
        ("西宁某冷链物流有限公司（演示）", demo_credit_code("91630100MA7DEMX03"), 101.7350, 36.6950,
         "西宁市城北区", "630105", "QH-XN-CB", 2300, {"low_temperature": 50}, ("-20", 50)),
        ("青海某矿业有限公司唐古拉矿区（演示）", demo_credit_code("91632801MA7DEMX04"), 92.4400,
         33.9000, "格尔木市唐古拉山镇", "632801", "QH-HX-GEM", 4600,
         {"low_temperature": 60, "high_altitude": 60, "dust": 30}, ("-14", 80)),
    ]  # fmt: skip
    for name, code, lng, lat, address, region, union_code, altitude, hazards, reading in plants:
        workplace = Workplace.objects.filter(credit_code=code).first() or Workplace(
            credit_code=code
        )
        workplace.name, workplace.address = name, address
        workplace.location = Point(lng, lat, srid=4326)
        workplace.region = Region.objects.get(code=region)
        workplace.union = Union.objects.get(code=union_code)
        workplace.altitude_m = altitude
        workplace.industry = (
            "制造业" if "铝" in name else "采矿业" if "矿" in name
            else "物流业" if "冷链" in name else "建筑业"
        )  # fmt: skip
        services.workplace_save(actor=None, workplace=workplace, hazards=hazards)
        if reading and not workplace.measurements.exists():
            services.measurement_record(
                actor=None, workplace=workplace, measured_on=today - dt.timedelta(days=3),
                air_temperature=Decimal(reading[0]), intensity="moderate",
                exposure_percent=reading[1],
            )  # fmt: skip
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
