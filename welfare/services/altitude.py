"""Altitude of stations and workplaces: filled from a DEM where none was entered by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from core.dem import DemSampler
from stations.models import Station
from stations.services.stations import station_set_altitude
from welfare.models import Workplace
from welfare.services._common import require_union, stamp
from welfare.services.health import workplace_schedules_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def workplace_set_altitude(
    *, actor: AbstractBaseUser | None, workplace: Workplace, altitude_m: int | None
) -> Workplace:
    """Record a workplace's altitude in metres (None: unknown)."""
    workplace = Workplace.objects.select_for_update().select_related("union").get(pk=workplace.pk)
    require_union(actor, workplace.union)
    was_high = workplace.is_high_altitude
    workplace.altitude_m = altitude_m
    workplace.full_clean()
    stamp(workplace, actor)
    workplace.save()
    if workplace.is_high_altitude != was_high:
        workplace_schedules_refresh(actor=actor, workplace=workplace)
    return workplace


@dataclass
class AltitudeFill:
    """What ``altitude_fill`` did (or, dry, would do): codes filled and codes outside."""

    stations: dict[str, int] = field(default_factory=dict)
    workplaces: dict[str, int] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)


def altitude_fill(
    *, actor: AbstractBaseUser | None, dem: str | Path, overwrite: bool = False,
    dry_run: bool = False,
) -> AltitudeFill:  # fmt: skip
    """Fill stations' and workplaces' missing altitudes (all with ``overwrite``) from a
    DEM, rounded to the metre. Each row is written by its own service; a dry run writes
    nothing. Points outside the DEM or on no-data cells are listed in ``outside``."""
    sampler = DemSampler(dem)
    report = AltitudeFill()
    stations = Station.objects.all() if overwrite else Station.objects.filter(altitude_m=None)
    for station in stations.select_related("union").order_by("code"):
        height = sampler.height_at(lng=station.location.x, lat=station.location.y)
        if height is None:
            report.outside.append(station.code)
            continue
        report.stations[station.code] = round(height)
        if not dry_run:
            station_set_altitude(actor=actor, station=station, altitude_m=round(height))
    workplaces = Workplace.objects.all() if overwrite else Workplace.objects.filter(altitude_m=None)
    for workplace in workplaces.select_related("union").order_by("credit_code"):
        height = sampler.height_at(lng=workplace.location.x, lat=workplace.location.y)
        if height is None:
            report.outside.append(workplace.credit_code)
            continue
        report.workplaces[workplace.credit_code] = round(height)
        if not dry_run:
            workplace_set_altitude(actor=actor, workplace=workplace, altitude_m=round(height))
    return report
