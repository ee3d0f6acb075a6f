"""Stations and the service catalog.

A station's row, its services, periods and closures and the read-side copies built from
them (``schedule``, ``service_codes``) are written together by ``station_save``; every
other write that changes them rebuilds the copies with ``station_refresh_cache`` in its
own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from stations import hours
from stations.exceptions import StationsError
from stations.models import Closure, DayHours, OpeningPeriod, Region, Service, Station, Union
from stations.services._common import record_actor, require_superuser, require_union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# A period to write: the same shape the hours rules read.
PeriodInput = hours.Period


@dataclass(frozen=True)
class ClosureInput:
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


# Service catalog -------------------------------------------------------------------------


@transaction.atomic
def service_save(*, actor: AbstractBaseUser | None, service: Service) -> Service:
    """Save a catalog entry; stations offering it get their ``service_codes`` rebuilt,
    since the copy holds the code, in catalog order. Only superusers."""
    require_superuser(actor, _("只有系统管理员可以修改服务项目目录。"))
    service.full_clean()
    service.save()
    for station in Station.objects.filter(services=service):
        station_refresh_cache(station=station)
    return service


@transaction.atomic
def service_delete(*, actor: AbstractBaseUser | None, service: Service) -> None:
    """Remove a catalog entry and it from every station's copies. Only superusers."""
    require_superuser(actor, _("只有系统管理员可以修改服务项目目录。"))
    stations = list(Station.objects.filter(services=service))
    service.delete()
    for station in stations:
        station_refresh_cache(station=station)


# Stations --------------------------------------------------------------------------------


@transaction.atomic
def station_save(
    *,
    actor: AbstractBaseUser | None,
    station: Station,
    services: Iterable[str] | None = None,
    periods: Sequence[PeriodInput] | None = None,
    closures: Sequence[ClosureInput] | None = None,
) -> Station:
    """Create or update a station; optionally replace its services, periods and closures.

    The actor must cover the station's union, and for a station moved between unions,
    the union it came from too. ``services`` are codes; an unknown code is refused. The
    read-side copies are rebuilt in the same transaction.
    """
    if station.pk:
        previous = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
        require_union(actor, previous.union)
    if station.union_id is None:
        raise StationsError(_("请选择运营工会。"), field="union")
    require_union(actor, Union.objects.get(pk=station.union_id))
    station.full_clean()
    record_actor(station, actor)
    station.save()

    if services is not None:
        codes = sorted(set(services))
        found = list(Service.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in found})
        if missing:
            raise StationsError(
                _("未知的服务项目代码：%(codes)s") % {"codes": ", ".join(missing)},
                field="services",
            )
        station.services.set(found)

    if periods is not None:
        new_periods = [
            OpeningPeriod(
                station=station,
                weekday=p.weekday,
                opens=p.opens,
                closes=p.closes,
                overnight=p.overnight,
                season_start=p.season_start,
                season_end=p.season_end,
            )
            for p in periods
        ]
        _validate_all(new_periods, "periods")
        station.periods.all().delete()
        bulk_create_with_history(new_periods, OpeningPeriod, default_user=actor)

    if closures is not None:
        new_closures = [
            Closure(station=station, starts_on=c.starts_on, ends_on=c.ends_on, reason=c.reason)
            for c in closures
        ]
        _validate_all(new_closures, "closures")
        station.closures.all().delete()
        bulk_create_with_history(new_closures, Closure, default_user=actor)
    station_refresh_cache(station=station)
    return station


def station_refresh_cache(*, station: Station) -> Station:
    """Rebuild the read-side copies (``schedule``, ``service_codes``) from the tables.

    Called by every write that changes a station's hours, closures or services, inside
    that write's transaction.
    """
    schedule = hours.build_schedule(
        periods=OpeningPeriod.objects.filter(station=station),
        closures=Closure.objects.filter(station=station),
        days=DayHours.objects.filter(station=station),
    )
    codes = list(
        Service.objects.filter(stations=station)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    Station.objects.filter(pk=station.pk).update(schedule=schedule, service_codes=codes)
    station.schedule, station.service_codes = schedule, codes
    return station


def _validate_all(objects: Sequence[Any], field: str) -> None:
    for index, obj in enumerate(objects):
        try:
            obj.full_clean(exclude=["station"])
        except ValidationError as exc:
            messages = "; ".join(
                f"{name}: {' '.join(str(m) for m in msgs)}"
                for name, msgs in exc.message_dict.items()
            )
            raise StationsError(f"{field}[{index}] {messages}", field=field) from exc


@transaction.atomic
def station_set_status(*, actor: AbstractBaseUser | None, station: Station, status: str) -> Station:
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_union(actor, station.union)
    if status not in Station.Status.values:
        raise StationsError(_("未知状态：%(status)s") % {"status": status}, field="status")
    station.status = status
    record_actor(station, actor)
    station.save(update_fields=["status", "updated_at"])
    return station


@transaction.atomic
def station_delete(*, actor: AbstractBaseUser | None, station: Station) -> None:
    """Remove a station that has no visits (a station with a history is closed instead)."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_union(actor, station.union)
    record_actor(station, actor)
    station.delete()


@transaction.atomic
def station_set_altitude(
    *, actor: AbstractBaseUser | None, station: Station, altitude_m: int | None
) -> Station:
    """Record a station's altitude in metres (None: unknown); hand entry goes through
    ``station_save``, this is for fills from a DEM (``manage.py fill_altitude``)."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_union(actor, station.union)
    station.altitude_m = altitude_m
    station.full_clean()
    record_actor(station, actor)
    station.save(update_fields=["altitude_m", "updated_at"])
    return station


def station_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    union_code: str,
    region_code: str,
    lat: float,
    lng: float,
    services: Iterable[str] | None = None,
    periods: Sequence[PeriodInput] | None = None,
    closures: Sequence[ClosureInput] | None = None,
    **fields: Any,
) -> tuple[Station, bool]:
    """Create or update the station with ``code`` (imports, demo data).

    Returns ``(station, created)``.
    """
    station = Station.objects.filter(code=code).first()
    created = station is None
    if station is None:
        station = Station(code=code)
    try:
        station.union = Union.objects.get(code=union_code)
    except Union.DoesNotExist:
        raise StationsError(
            _("未知的工会编号：%(code)s") % {"code": union_code}, field="union"
        ) from None
    try:
        station.region = Region.objects.get(code=region_code)
    except Region.DoesNotExist:
        raise StationsError(
            _("未知的行政区划代码：%(code)s") % {"code": region_code}, field="region"
        ) from None
    station.location = Point(float(lng), float(lat), srid=4326)
    allowed = {f.name for f in Station._meta.concrete_fields}
    for name, value in fields.items():
        if name not in allowed:
            raise StationsError(_("未知字段：%(name)s") % {"name": name}, field=name)
        setattr(station, name, value)
    station = station_save(
        actor=actor, station=station, services=services, periods=periods, closures=closures
    )
    return station, created
