"""Opening hours: is a station open at a moment, and what are its hours on a day.

Rules (all in Asia/Shanghai, the project's TIME_ZONE):

* A period is a half-open span ``[opens, closes)`` on its weekday; an ``overnight`` period
  runs from ``opens`` on its weekday to ``closes`` on the next day.
* A seasonal period (``season_start``/``season_end``, month-day, inclusive, may wrap the
  new year) applies only on dates inside its season. On a date where any of a station's
  seasonal periods is in season, the seasonal periods in season replace the regular ones
  for that date (summer hours replace normal hours; they do not add to them).
* A closure (``starts_on``..``ends_on`` inclusive) closes the station for those whole
  calendar days, and also stops an overnight period that started on a closed day.
* A period with ``on_date`` (an ISO date; only ``Period`` objects carry it, built from the
  station's ``DayHours``) applies on that date alone and replaces every other period of the
  date, 24 hours included: the staff changed that day's hours.
* ``is_24h`` means open at every moment of every day that is not closed or changed.

The functions take plain objects with those attributes (model instances, or anything
alike), so callers prefetch periods and closures once and no query runs here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from core.time import to_local


class PeriodLike(Protocol):
    weekday: int
    opens: dt.time
    closes: dt.time
    overnight: bool
    season_start: str
    season_end: str


class ClosureLike(Protocol):
    starts_on: dt.date
    ends_on: dt.date


def _month_day(value: str) -> tuple[int, int]:
    month, day = value.split("-")
    return int(month), int(day)


def in_season(day: dt.date, start: str, end: str) -> bool:
    """``day`` lies in the yearly season ``start``..``end`` (inclusive, "MM-DD")."""
    if not start:
        return True
    md = (day.month, day.day)
    first, last = _month_day(start), _month_day(end)
    if first <= last:
        return first <= md <= last
    return md >= first or md <= last  # wraps the new year, e.g. 11-15..03-15


def _on_date(period: PeriodLike) -> str:
    return getattr(period, "on_date", "") or ""


def dated_periods(periods: Iterable[PeriodLike], day: dt.date) -> list[PeriodLike]:
    """The periods set for ``day`` alone (a one-day change of hours)."""
    iso = day.isoformat()
    return sorted((p for p in periods if _on_date(p) == iso), key=lambda p: p.opens)


def _full_day(periods: Sequence[PeriodLike], is_24h: bool, day: dt.date) -> bool:
    """Open around the clock on ``day``: a 24-hour station whose day was not changed."""
    return is_24h and not dated_periods(periods, day)


def periods_for_date(periods: Iterable[PeriodLike], day: dt.date) -> list[PeriodLike]:
    """The periods that start on ``day``: a one-day change replaces all others; otherwise
    in-season seasonal ones replace regular ones."""
    periods = list(periods)
    dated = dated_periods(periods, day)
    if dated:
        return dated
    periods = [p for p in periods if not _on_date(p)]
    seasonal = [
        p for p in periods if p.season_start and in_season(day, p.season_start, p.season_end)
    ]
    chosen = seasonal if seasonal else [p for p in periods if not p.season_start]
    weekday = day.isoweekday()
    return sorted((p for p in chosen if p.weekday == weekday), key=lambda p: p.opens)


def is_closed_on(closures: Iterable[ClosureLike], day: dt.date) -> bool:
    return any(c.starts_on <= day <= c.ends_on for c in closures)


def is_open_at(
    *,
    periods: Sequence[PeriodLike],
    closures: Sequence[ClosureLike],
    is_24h: bool,
    at: dt.datetime,
) -> bool:
    local = to_local(at)
    today, now = local.date(), local.time().replace(tzinfo=None)
    if is_closed_on(closures, today):
        return False
    if _full_day(periods, is_24h, today):
        return True
    for period in periods_for_date(periods, today):
        if period.overnight:
            if now >= period.opens:
                return True
        elif period.opens <= now < period.closes:
            return True
    yesterday = today - dt.timedelta(days=1)
    if not is_closed_on(closures, yesterday):
        for period in periods_for_date(periods, yesterday):
            if period.overnight and now < period.closes:
                return True
    return False


def spans_on(
    *,
    periods: Sequence[PeriodLike],
    closures: Sequence[ClosureLike],
    is_24h: bool,
    day: dt.date,
) -> list[tuple[dt.time, dt.time, bool]] | None:
    """The spans that start on ``day`` as (opens, closes, overnight); None when closed all day.

    A 24-hour station answers ``[(00:00, 00:00, True)]``.
    """
    if is_closed_on(closures, day):
        return None
    if _full_day(periods, is_24h, day):
        return [(dt.time(0), dt.time(0), True)]
    spans = [(p.opens, p.closes, p.overnight) for p in periods_for_date(periods, day)]
    return spans or None


def format_spans(
    spans: list[tuple[dt.time, dt.time, bool]] | None,
    *,
    is_24h: bool,
    today: bool = True,
    recorded: bool = True,
) -> str:
    """Hours as text; a closed day reads "今日闭站" for today and "闭站" in a week's list.

    A station with no hours on record (``recorded=False``) is not "closed": nobody knows,
    and it says so.
    """
    if spans is None:
        if not recorded:
            return _("营业时间未登记")
        return _("今日闭站") if today else _("闭站")
    if is_24h:
        return _("24小时")
    parts = []
    for opens, closes, overnight in spans:
        text = f"{opens:%H:%M}–{closes:%H:%M}"
        if overnight:
            text += _("（次日）")
        parts.append(text)
    return ", ".join(parts)


def hours_text(
    *,
    periods: Sequence[PeriodLike],
    closures: Sequence[ClosureLike],
    is_24h: bool,
    day: dt.date,
) -> str:
    """Today's hours as shown to a worker: ``08:00–20:00``, ``24小时``, ``今日闭站`` or
    ``营业时间未登记``."""
    spans = spans_on(periods=periods, closures=closures, is_24h=is_24h, day=day)
    recorded = has_hours(periods=periods, is_24h=is_24h) or is_closed_on(closures, day)
    return format_spans(spans, is_24h=_full_day(periods, is_24h, day), recorded=recorded)


def has_hours(*, periods: Sequence[PeriodLike], is_24h: bool) -> bool:
    """Whether any opening hours are on record (24 hours counts)."""
    return is_24h or bool(periods)


def next_opening(
    *,
    periods: Sequence[PeriodLike],
    closures: Sequence[ClosureLike],
    is_24h: bool,
    at: dt.datetime,
    horizon_days: int = 14,
) -> dt.datetime | None:
    """The next moment after ``at`` when the station opens, within ``horizon_days``.

    None when it is open at ``at``, has no hours on record, or stays closed all that time.
    """
    if is_open_at(periods=periods, closures=closures, is_24h=is_24h, at=at):
        return None
    if not has_hours(periods=periods, is_24h=is_24h):
        return None
    local = to_local(at)
    for offset in range(horizon_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for opens, _closes, _overnight in (
            spans_on(periods=periods, closures=closures, is_24h=is_24h, day=day) or []
        ):
            moment = dt.datetime.combine(day, opens, tzinfo=local.tzinfo)
            if moment > local:
                return moment
    return None


def opening_text(moment: dt.datetime, *, at: dt.datetime) -> str:
    """When a closed station opens next, as a worker reads it: "明天 08:00 开放"."""
    local, now = to_local(moment), to_local(at)
    days = (local.date() - now.date()).days
    clock = f"{local:%H:%M}"
    if days == 0:
        return _("今天 %(time)s 开放") % {"time": clock}
    if days == 1:
        return _("明天 %(time)s 开放") % {"time": clock}
    return _("%(day)s %(time)s 开放") % {
        "day": f"{WEEKDAY_LABELS[local.isoweekday()]()} {local:%m-%d}",
        "time": clock,
    }


WEEKDAY_LABELS = {
    1: lambda: _("周一"),
    2: lambda: _("周二"),
    3: lambda: _("周三"),
    4: lambda: _("周四"),
    5: lambda: _("周五"),
    6: lambda: _("周六"),
    7: lambda: _("周日"),
}


def week_schedule(
    *,
    periods: Sequence[PeriodLike],
    closures: Sequence[ClosureLike],
    is_24h: bool,
    start: dt.date,
) -> list[dict[str, object]]:
    """Seven days from ``start``: date, weekday, hours text and spans."""
    days = []
    recorded = has_hours(periods=periods, is_24h=is_24h)
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        spans = spans_on(periods=periods, closures=closures, is_24h=is_24h, day=day)
        days.append(
            {
                "date": day,
                "weekday": day.isoweekday(),
                "label": f"{WEEKDAY_LABELS[day.isoweekday()]()} {day:%m-%d}",
                "closed": spans is None,
                "hours": format_spans(
                    spans,
                    is_24h=_full_day(periods, is_24h, day),
                    today=offset == 0,
                    recorded=recorded or is_closed_on(closures, day),
                ),
                "spans": [
                    {"opens": f"{o:%H:%M}", "closes": f"{c:%H:%M}", "overnight": n}
                    for o, c, n in (spans or [])
                    if not _full_day(periods, is_24h, day)
                ],
                "changed": bool(dated_periods(periods, day)),
            }
        )
    return days


@dataclass(frozen=True, slots=True)
class Period:
    weekday: int
    opens: dt.time
    closes: dt.time
    overnight: bool = False
    season_start: str = ""
    season_end: str = ""
    on_date: str = ""  # ISO date of a one-day change (DayHours), else ""


@dataclass(frozen=True, slots=True)
class ClosedDays:
    starts_on: dt.date
    ends_on: dt.date


class DayHoursLike(Protocol):
    day: dt.date
    opens: dt.time
    closes: dt.time
    overnight: bool


def build_schedule(
    *,
    periods: Iterable[PeriodLike],
    closures: Iterable[ClosureLike],
    days: Iterable[DayHoursLike] = (),
) -> dict[str, Any]:
    """The compact copy of a station's hours kept on ``Station.schedule``; ``days`` (one-day
    changes) are kept under "days" only when there are any."""
    changed = [
        [d.day.isoformat(), f"{d.opens:%H:%M}", f"{d.closes:%H:%M}", bool(d.overnight)]
        for d in sorted(days, key=lambda d: d.day)
    ]
    return {**_schedule(periods, closures), **({"days": changed} if changed else {})}


def _schedule(periods: Iterable[PeriodLike], closures: Iterable[ClosureLike]) -> dict[str, Any]:
    return {
        "periods": [
            [p.weekday, f"{p.opens:%H:%M}", f"{p.closes:%H:%M}", bool(p.overnight),
             p.season_start or "", p.season_end or ""]
            for p in sorted(periods, key=lambda p: (p.season_start or "", p.weekday, p.opens))
        ],
        "closures": [
            [c.starts_on.isoformat(), c.ends_on.isoformat()]
            for c in sorted(closures, key=lambda c: c.starts_on)
        ],
    }  # fmt: skip


def parse_schedule(schedule: Mapping[str, Any] | None) -> tuple[list[Period], list[ClosedDays]]:
    """Periods and closures from ``Station.schedule`` (an empty schedule has neither)."""
    schedule = schedule or {}
    periods = [
        Period(w, dt.time.fromisoformat(o), dt.time.fromisoformat(c), bool(n), ss, se)
        for w, o, c, n, ss, se in schedule.get("periods", ())
    ]
    periods += [
        Period(dt.date.fromisoformat(d).isoweekday(), dt.time.fromisoformat(o),
               dt.time.fromisoformat(c), bool(n), "", "", d)
        for d, o, c, n in schedule.get("days", ())
    ]  # fmt: skip
    closures = [
        ClosedDays(dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        for a, b in schedule.get("closures", ())
    ]
    return periods, closures
