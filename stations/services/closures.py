"""What staff change at the desk about when a station is open: closures (停水, 停电,
装修 …) and one day's hours.

Staff of the station and organizers above it may (``stations.selectors.station_for_staff``).
Each write rebuilds the station's read-side ``schedule`` in its transaction, so the finder
and ``open_now`` reflect it as soon as it returns.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict, NotFound
from stations.exceptions import StationsError
from stations.models import Closure, DayHours, Station
from stations.selectors import station_for_staff
from stations.services._common import record_actor
from stations.services.stations import station_refresh_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


#: How far ahead staff may plan a closure from the desk.
CLOSURE_MAX_AHEAD = dt.timedelta(days=366)


def _staffed_and_locked(actor: AbstractBaseUser | None, station: Station) -> Station:
    """``station`` locked for the change, once ``actor`` is found to staff it or to organize
    a union above it (403 otherwise)."""
    station_for_staff(actor=actor, code=station.code)
    return Station.objects.select_for_update().select_related("union").get(pk=station.pk)


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
    station = _staffed_and_locked(actor, station)
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
    record_actor(closure, actor)
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
    station = _staffed_and_locked(actor, station)
    closure = Closure.objects.filter(pk=closure_id, station=station).first()
    if closure is None:
        raise NotFound(_("没有这条闭站安排。"), field="closure")
    today = today or local_time.today()
    if closure.ends_on < today:
        raise Conflict(_("这条闭站安排已经结束。"), field="closure")
    record_actor(closure, actor)
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
    station = _staffed_and_locked(actor, station)
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
    record_actor(changed, actor)
    changed.save()
    station_refresh_cache(station=station)
    return changed


@transaction.atomic
def station_day_hours_clear(
    *, actor: AbstractBaseUser | None, station: Station, day: dt.date
) -> None:
    """Give a changed day its usual hours back."""
    station = _staffed_and_locked(actor, station)
    changed = DayHours.objects.filter(station=station, day=day).first()
    if changed is None:
        raise NotFound(_("这一天没有单独设置开放时间。"), field="day")
    record_actor(changed, actor)
    changed.delete()
    station_refresh_cache(station=station)
