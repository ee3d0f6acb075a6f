"""The network's registry: regions, the union tree, memberships and stations.

A membership decides what a user may see and change, so granting, changing and revoking
one is a security event: each goes through a function here that checks the actor covers
the union, keeps staff stations under it, records history and drops the cached scope.
A station's row, its services, periods and closures and the read-side copies built from
them (``schedule``, ``service_codes``) are written together by ``station_save``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import time as local_time
from core.errors import Conflict, NotFound, PermissionDenied
from core.scoping import forget_scope, scope_for
from stations import hours
from stations.exceptions import StationsError
from stations.models import (
    Closure,
    DayHours,
    Membership,
    OpeningPeriod,
    Region,
    Service,
    Station,
    Union,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# A period to write: the same shape the hours rules read.
PeriodInput = hours.Period


@dataclass(frozen=True)
class ClosureInput:
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


def require_union(actor: AbstractBaseUser | None, union: Union | None) -> None:
    """Refuse unless ``actor`` organizes ``union`` or a union above it.

    ``union=None`` stands for a new top-level union: only superusers. The system
    (``actor=None``) may do anything.
    """
    if actor is None:
        return
    scope = scope_for(actor)
    if union is None:
        if not scope.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以创建顶级工会。"))
        return
    if not scope.covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


def _record_actor(obj: Any, actor: AbstractBaseUser | None) -> None:
    """Name the actor on the history row (in a request the middleware does it too)."""
    if actor is not None:
        obj._history_user = actor


# Regions ---------------------------------------------------------------------------------


def region_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    level: str,
    name_en: str = "",
    parent_code: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> Region:
    """Create or update a region by its GB/T 2260 code. Only the system and superusers."""
    _require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    parent = Region.objects.get(code=parent_code) if parent_code else None
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name = name
    region.name_en = name_en
    region.level = level
    region.parent = parent
    if lat is not None and lng is not None:
        region.reference_point = Point(float(lng), float(lat), srid=4326)
    return region_save(actor=actor, region=region)


def _require_superuser(actor: AbstractBaseUser | None, message: str) -> None:
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied(message)


@transaction.atomic
def region_save(*, actor: AbstractBaseUser | None, region: Region) -> Region:
    """Save a region edited as a whole (the admin's map form). Only superusers."""
    _require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_delete(*, actor: AbstractBaseUser | None, region: Region) -> None:
    """Remove a region nothing refers to any more. Only superusers."""
    _require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    region.delete()


# Service catalog -------------------------------------------------------------------------


@transaction.atomic
def service_save(*, actor: AbstractBaseUser | None, service: Service) -> Service:
    """Save a catalog entry; stations offering it get their ``service_codes`` rebuilt,
    since the copy holds the code, in catalog order. Only superusers."""
    _require_superuser(actor, _("只有系统管理员可以修改服务项目目录。"))
    service.full_clean()
    service.save()
    for station in Station.objects.filter(services=service):
        station_refresh_cache(station=station)
    return service


@transaction.atomic
def service_delete(*, actor: AbstractBaseUser | None, service: Service) -> None:
    """Remove a catalog entry and it from every station's copies. Only superusers."""
    _require_superuser(actor, _("只有系统管理员可以修改服务项目目录。"))
    stations = list(Station.objects.filter(services=service))
    service.delete()
    for station in stations:
        station_refresh_cache(station=station)


# Unions ----------------------------------------------------------------------------------


@transaction.atomic
def union_save(*, actor: AbstractBaseUser | None, union: Union) -> Union:
    """Create or update a union, keeping the materialized paths of its subtree right.

    The actor must cover the new parent and, for an existing union, the union itself.
    A move re-roots the subtree; every union whose path changes gets a history row.
    """
    old_path = ""
    if union.pk:
        current = Union.objects.select_for_update().get(pk=union.pk)
        require_union(actor, current)
        old_path = current.path
    require_union(actor, union.parent)
    if union.parent_id and union.pk:
        parent_path = Union.objects.get(pk=union.parent_id).path
        if old_path and parent_path.startswith(old_path):
            raise StationsError(_("不能把工会移到它自己的下级工会之下。"), field="parent")
    union.path = union.build_path()
    union.depth = union.path.count("/") - 1
    union.full_clean()
    _record_actor(union, actor)
    union.save()
    if old_path and old_path != union.path:
        subtree = list(
            Union.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=union.pk)
        )
        for child in subtree:
            child.path = union.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 1
        bulk_update_with_history(
            subtree, Union, ["path", "depth"], default_user=actor, batch_size=500
        )
    return union


def union_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    kind: str,
    region_code: str,
    name_en: str = "",
    parent_code: str | None = None,
) -> Union:
    union = Union.objects.filter(code=code).first() or Union(code=code)
    union.name = name
    union.name_en = name_en
    union.kind = kind
    union.region = Region.objects.get(code=region_code)
    union.parent = Union.objects.get(code=parent_code) if parent_code else None
    return union_save(actor=actor, union=union)


@transaction.atomic
def union_delete(*, actor: AbstractBaseUser | None, union: Union) -> None:
    """Remove a union (its memberships go with it; stations and child unions protect it)."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    require_union(actor, union.parent)
    require_union(actor, union)
    users = [m.user for m in union.memberships.select_related("user")]
    _record_actor(union, actor)
    union.delete()
    for user in users:
        forget_scope(user)


# Memberships -----------------------------------------------------------------------------


def membership_check(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    union: Union,
    role: str,
    stations: Iterable[Station] = (),
    membership: Membership | None = None,
) -> None:
    """Refuse a membership the actor may not give, or one that breaks a rule.

    ``membership`` is the one being changed (its own union must be covered too). The
    admin's form calls this to show field errors; the services call it again inside
    their transaction.
    """
    if membership is not None and membership.pk:
        require_union(actor, Union.objects.get(pk=membership.union_id))
    require_union(actor, union)
    if role not in Membership.Role.values:
        raise StationsError(_("未知角色：%(role)s") % {"role": role}, field="role")
    station_list = list(stations)
    if role != Membership.Role.STATION_STAFF and station_list:
        raise StationsError(_("只有站点工作人员需要指定站点。"), field="stations")
    for station in station_list:
        if not station.union.is_under(union):
            raise StationsError(
                _("站点 %(code)s 不属于 %(union)s。") % {"code": station.code, "union": union},
                field="stations",
            )
    if membership is not None and membership.pk:
        clash = Membership.objects.filter(user=user, union=union, role=role).exclude(
            pk=membership.pk
        )
        if clash.exists():
            raise Conflict(
                _("%(user)s 在 %(union)s 已经是“%(role)s”。")
                % {"user": user, "union": union, "role": Membership.Role(role).label},
                field="role",
            )


def _forget(*users: Any) -> None:
    for user in users:
        if user is not None:
            forget_scope(user)


@transaction.atomic
def membership_grant(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    union: Union,
    role: str,
    stations: Iterable[Station] = (),
) -> Membership:
    """Give ``user`` a role in ``union``; staff are tied to ``stations`` under it.

    Granting a role the user already holds there adds the stations to it.
    """
    station_list = list(stations)
    membership_check(actor=actor, user=user, union=union, role=role, stations=station_list)
    membership = (
        Membership.objects.select_for_update().filter(user=user, union=union, role=role).first()
    )
    if membership is None:
        membership = Membership(user=user, union=union, role=role)
        membership.full_clean()
        _record_actor(membership, actor)
        membership.save()
    else:
        _record_actor(membership, actor)
    if station_list:
        membership.stations.add(*station_list)
    _forget(user, actor)
    return membership


@transaction.atomic
def membership_change(
    *,
    actor: AbstractBaseUser | None,
    membership: Membership,
    role: str | None = None,
    union: Union | None = None,
    stations: Iterable[Station] | None = None,
) -> Membership:
    """Change an existing membership's role, union and/or stations, in place.

    Arguments left ``None`` keep their value, except that a role other than staff drops
    the stations. The actor must cover both the union it had and the one it gets.
    """
    current = (
        Membership.objects.select_for_update().select_related("user", "union").get(pk=membership.pk)
    )
    new_role = role if role is not None else current.role
    new_union = union if union is not None else current.union
    if stations is not None:
        station_list = list(stations)
    elif new_role == Membership.Role.STATION_STAFF:
        station_list = list(current.stations.select_related("union"))
    else:
        station_list = []
    membership_check(
        actor=actor,
        user=current.user,
        union=new_union,
        role=new_role,
        stations=station_list,
        membership=current,
    )
    if (new_role, new_union.pk) != (current.role, current.union_id):
        current.role = new_role
        current.union = new_union
        current.full_clean()
        _record_actor(current, actor)
        current.save(update_fields=["role", "union"])
    if {s.pk for s in station_list} != set(current.stations.values_list("pk", flat=True)):
        _record_actor(current, actor)
        current.stations.set(station_list)
    _forget(current.user, membership.user, actor)
    return current


@transaction.atomic
def membership_revoke(*, actor: AbstractBaseUser | None, membership: Membership) -> None:
    """Take a role away (the history keeps who held it and who revoked it)."""
    current = (
        Membership.objects.select_for_update().select_related("user", "union").get(pk=membership.pk)
    )
    require_union(actor, current.union)
    _record_actor(current, actor)
    current.stations.clear()
    current.delete()
    _forget(current.user, membership.user, actor)


# Accounts (quick start) ------------------------------------------------------------------


@transaction.atomic
def account_ensure(
    *, actor: None, username: str, password: str, is_staff: bool
) -> AbstractBaseUser:
    """Create or reset a login (demo accounts of the quick start). Only the system."""
    if actor is not None:
        raise PermissionDenied(_("只有系统可以创建演示账号。"))
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = is_staff
    user.is_superuser = False
    user.save()
    forget_scope(user)
    return user


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
    _record_actor(station, actor)
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
    _record_actor(station, actor)
    station.save(update_fields=["status", "updated_at"])
    return station


@transaction.atomic
def station_delete(*, actor: AbstractBaseUser | None, station: Station) -> None:
    """Remove a station that has no visits (a station with a history is closed instead)."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_union(actor, station.union)
    _record_actor(station, actor)
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
    _record_actor(station, actor)
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


# Station status at the desk -------------------------------------------------------------

#: How far ahead staff may plan a closure from the desk.
CLOSURE_MAX_AHEAD = dt.timedelta(days=366)


def require_station_staff(actor: AbstractBaseUser | None, station: Station) -> None:
    """Refuse unless ``actor`` staffs ``station`` or organizes a union above it."""
    if actor is None:
        return
    if not scope_for(actor).may_staff_station(station):
        raise PermissionDenied(_("您不负责站点 %(code)s。") % {"code": station.code})


@transaction.atomic
def station_closure_add(
    *,
    actor: AbstractBaseUser | None,
    station: Station,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    key: str | None = None,
    today: dt.date | None = None,
) -> Closure:
    """Close ``station`` from ``starts_on`` to ``ends_on`` (inclusive), e.g. 停水 today.

    Staff of the station and organizers above it may; the dates lie between today and a
    year ahead. The read-side ``schedule`` is rebuilt in the same transaction, so the
    finder and ``open_now`` say "closed" as soon as this returns.

    ``key`` (the desk's offline queue sends one per closure) makes a retry harmless: a
    key already used at this station answers with the closure it made, even one since
    reopened, and makes nothing new.
    """
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_station_staff(actor, station)
    if key is not None:
        done = _closure_by_key(key)
        if done is not None:
            if done.station_id != station.pk:
                raise Conflict(_("这个请求键已用于另一个站点。"), field="Idempotency-Key")
            return done
    today = today or local_time.today()
    if starts_on < today:
        raise StationsError(_("开始日期不能早于今天。"), field="starts_on")
    if ends_on < starts_on:
        raise StationsError(_("结束日期不能早于开始日期。"), field="ends_on")
    if ends_on > today + CLOSURE_MAX_AHEAD:
        raise StationsError(_("闭站最多安排到一年以后。"), field="ends_on")
    reason = (reason or "").strip()
    if not reason:
        raise StationsError(_("请写明闭站原因（例如停水、停电、装修）。"), field="reason")
    if len(reason) > 200:
        raise StationsError(_("闭站原因不能超过 200 个字。"), field="reason")
    closure = Closure(station=station, starts_on=starts_on, ends_on=ends_on, reason=reason, key=key)
    closure.full_clean()
    _record_actor(closure, actor)
    closure.save()
    station_refresh_cache(station=station)
    return closure


def _closure_by_key(key: str) -> Closure | None:
    """The closure a request key made: the live row, or, if it was reopened since, its
    last recorded state."""
    live = Closure.objects.filter(key=key).first()
    if live is not None:
        return live
    past = Closure.history.filter(key=key).order_by("-history_date").first()
    return past.instance if past is not None else None


@transaction.atomic
def station_closure_end(
    *,
    actor: AbstractBaseUser | None,
    station: Station,
    closure_id: int,
    today: dt.date | None = None,
) -> None:
    """Reopen: a closure that has not begun is removed; one under way ends yesterday, so
    the days it really was closed stay on record."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_station_staff(actor, station)
    closure = Closure.objects.filter(pk=closure_id, station=station).first()
    if closure is None:
        raise NotFound(_("没有这条闭站安排。"), field="closure")
    today = today or local_time.today()
    if closure.ends_on < today:
        raise Conflict(_("这条闭站安排已经结束。"), field="closure")
    _record_actor(closure, actor)
    if closure.starts_on >= today:
        closure.delete()
    else:
        closure.ends_on = today - dt.timedelta(days=1)
        closure.full_clean()
        closure.save(update_fields=["ends_on"])
    station_refresh_cache(station=station)


#: How far ahead staff may change one day's hours from the desk.
DAY_HOURS_MAX_AHEAD = dt.timedelta(days=60)


@transaction.atomic
def station_day_hours_set(
    *,
    actor: AbstractBaseUser | None,
    station: Station,
    day: dt.date,
    opens: dt.time,
    closes: dt.time,
    overnight: bool = False,
    today: dt.date | None = None,
) -> DayHours:
    """Change the hours of one coming day (replacing that day's usual hours, 24 hours
    included); setting the same day again replaces the change. Staff of the station and
    organizers above it; the finder reflects it at once."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_station_staff(actor, station)
    today = today or local_time.today()
    if day < today:
        raise StationsError(_("日期不能早于今天。"), field="day")
    if day > today + DAY_HOURS_MAX_AHEAD:
        raise StationsError(_("单日开放时间最多提前 60 天安排。"), field="day")
    current = DayHours.objects.filter(station=station, day=day).first()
    changed = current or DayHours(station=station, day=day)
    changed.opens, changed.closes, changed.overnight = opens, closes, overnight
    try:
        changed.full_clean(exclude=["station"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise StationsError(" ".join(messages), field=name) from exc
    _record_actor(changed, actor)
    changed.save()
    station_refresh_cache(station=station)
    return changed


@transaction.atomic
def station_day_hours_clear(
    *, actor: AbstractBaseUser | None, station: Station, day: dt.date
) -> None:
    """Give a changed day its usual hours back."""
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    require_station_staff(actor, station)
    changed = DayHours.objects.filter(station=station, day=day).first()
    if changed is None:
        raise NotFound(_("这一天没有单独设置开放时间。"), field="day")
    _record_actor(changed, actor)
    changed.delete()
    station_refresh_cache(station=station)
