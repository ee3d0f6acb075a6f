"""Weather: forecasts per region and the advisories (提示) they raise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from core import time as local_time
from stations.models import Region
from welfare import rules
from welfare.models import Forecast, WeatherAlert
from welfare.weather import DayForecast, evaluate_day


@transaction.atomic
def weather_apply(
    *, region: Region, days: Sequence[DayForecast], fetched_at: dt.datetime
) -> list[WeatherAlert]:
    """Store a good forecast for ``region`` and rebuild its alerts for those days.

    The cold-wave rule compares each day's minimum with the 48 hours before it: from the
    series, else from the minima stored earlier for the region.
    """
    province = region
    while province.parent_id:
        province = province.parent
    alerts = []
    spell = rules.hot_spell_hours(region=region)
    first = min((d.day for d in days), default=None)
    earlier = (
        dict(
            Forecast.objects.filter(
                region=region, day__gte=first - dt.timedelta(days=2), day__lt=first
            ).values_list("day", "t_min")
        )
        if first
        else {}
    )
    for day in days:
        Forecast.objects.update_or_create(
            region=region,
            day=day.day,
            defaults={
                "t_max": day.t_max,
                "t_min": day.t_min,
                "fetched_at": fetched_at,
                "stale": False,
            },
        )
        WeatherAlert.objects.filter(region=region, day=day.day).delete()
        found = evaluate_day(days=days, day=day, province=province.code, earlier=earlier,
                             spell=spell)  # fmt: skip
        for rule in found:
            alerts.append(
                WeatherAlert.objects.create(
                    region=region,
                    day=day.day,
                    kind=rule.kind,
                    level=rule.level,
                    temperature=rule.temperature,
                    advice=rule.advice,
                    advice_en=rule.advice_en,
                )
            )
    return alerts


@transaction.atomic
def weather_mark_stale(*, region: Region) -> int:
    """The provider failed: keep the last good forecast and alerts, marked stale."""
    since = local_time.today()
    Forecast.objects.filter(region=region, day__gte=since).update(stale=True)
    return WeatherAlert.objects.filter(region=region, day__gte=since).update(stale=True)
