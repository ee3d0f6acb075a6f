"""Occupational health surveillance rules: when the next check is due, per hazard.

The periods follow GBZ 188-2014 《职业健康监护技术规范》 (Technical specifications for
occupational health surveillance), one row per hazard this register tracks. Each row cites
the clause that sets its period; where a row sets a *season* (the check falls before the
season starts), the season's first day is a setting (``HOT_SEASON_START``,
``COLD_SEASON_START``, MM-DD) because it differs by province.

Pure functions: no database, so services, the admin and tests share one rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from welfare.models import Hazard, HealthCheck, Workplace


@dataclass(frozen=True)
class Interval:
    """The periodic check of one hazard: every ``months``, or before ``season`` (the name
    of a setting holding MM-DD) when one is given; ``clause`` names the rule's source."""

    months: int
    clause: str
    season: str | None = None


# The periodic (在岗期间) check per hazard.
GBZ188_INTERVALS: dict[str, Interval] = {
    # GBZ 188-2014 §7.3 高温: once a year, before the hot season each year
    # ("每年高温季节到来之前").
    Hazard.HIGH_TEMPERATURE: Interval(12, "GBZ 188-2014 §7.3", season="HOT_SEASON_START"),
    # GBZ 188-2014 §7.1 噪声: yearly at an 8-h equivalent level ≥ 85 dB(A),
    # every two years at 80–85 dB(A). Without the level on record we take the stricter.
    Hazard.NOISE: Interval(12, "GBZ 188-2014 §7.1"),
    # GBZ 188-2014 §6.1 游离二氧化硅粉尘: every two years for dust work of
    # grade I, yearly from grade II. Without the grade on record we take the stricter.
    Hazard.DUST: Interval(12, "GBZ 188-2014 §6.1"),
    # GBZ 188-2014 chapter 5 化学因素: each agent's section sets its own period, most of
    # them yearly (e.g. §5.1 铅 lead). Yearly for "toxic substances".
    Hazard.TOXIC: Interval(12, "GBZ 188-2014 §5 (各化学因素的健康检查周期)"),
    # GBZ 188-2014 §9.8 高原作业: yearly.
    Hazard.HIGH_ALTITUDE: Interval(12, "GBZ 188-2014 §9.8"),
    # GBZ 188-2014 has no section of its own for cold work; by analogy with §7.3 (heat) the
    # register asks for a yearly check before the cold season (a local rule, setting
    # COLD_SEASON_START).
    Hazard.LOW_TEMPERATURE: Interval(
        12, "GBZ 188-2014 §4.2.2 / 参照 §7.3", season="COLD_SEASON_START"
    ),
}

# A season starts more than this many days after a check for the check to count for it;
# a check in May covers the coming summer, one in the season itself covers the next.
SEASON_LEAD_DAYS = 90

# GBZ 188-2014 §4.2.3 离岗时: the last periodic check within 90 days before leaving counts
# as the leaving check.
LEAVING_CHECK_COVER_DAYS = 90

# What a result asks for next, and within how many days. GBZ 188-2014 §4.5 (体检结论)
# names the results; it asks for a recheck as the examining body requires and, for a
# suspected occupational disease, that the worker be sent for diagnosis (《职业病诊断与
# 鉴定管理办法》). The days are the union's own follow-up rule.
FOLLOW_UP_DAYS: dict[str, tuple[str, int]] = {
    HealthCheck.Result.REVIEW: ("recheck", 30),
    HealthCheck.Result.SUSPECTED: ("diagnosis", 30),
}

# Checks that do not move the periodic schedule: an emergency check (应急健康检查, after
# an acute exposure, GBZ 188-2014 §4.2) and a recheck of an earlier result.
OFF_SCHEDULE_KINDS = frozenset({HealthCheck.Kind.EMERGENCY, HealthCheck.Kind.RECHECK})


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _season_start_after(checked_on: dt.date, setting: str) -> dt.date:
    month, day = (int(x) for x in getattr(settings, setting).split("-"))
    start = dt.date(checked_on.year, month, day)
    while start <= checked_on + dt.timedelta(days=SEASON_LEAD_DAYS):
        start = dt.date(start.year + 1, month, day)
    return start


def due_for_hazard(*, checked_on: dt.date, hazard: str) -> dt.date:
    """When a periodic check for ``hazard`` is next due after one on ``checked_on``."""
    interval = GBZ188_INTERVALS.get(hazard)
    if interval is None:
        return add_months(checked_on, settings.HEALTH_CHECK_INTERVAL_MONTHS)
    due = add_months(checked_on, interval.months)
    if interval.season is not None:
        due = min(due, _season_start_after(checked_on, interval.season))
    return due


def next_periodic_due(*, checked_on: dt.date, kind: str, hazards: Sequence[str]) -> dt.date | None:
    """The next periodic check after a check of ``kind`` on ``checked_on``: the earliest
    that any of the worker's hazards asks for. None after the leaving check, and None for
    checks that do not move the schedule (``OFF_SCHEDULE_KINDS``)."""
    if kind == HealthCheck.Kind.LEAVING or kind in OFF_SCHEDULE_KINDS:
        return None
    if not hazards:
        return add_months(checked_on, settings.HEALTH_CHECK_INTERVAL_MONTHS)
    return min(due_for_hazard(checked_on=checked_on, hazard=h) for h in hazards)


def surveillance_hazards(*, hazards: Sequence[str], workplace: Workplace | None) -> list[str]:
    """The hazards a worker's checks follow: their own, plus high-altitude work when their
    workplace lies at or above ``HIGH_ALTITUDE_M`` (GBZ 188-2014 §9.8)."""
    out = list(hazards)
    if workplace is not None and workplace.is_high_altitude and Hazard.HIGH_ALTITUDE not in out:
        out.append(Hazard.HIGH_ALTITUDE)
    return out


@dataclass(frozen=True)
class ClauseAdvice:
    """What a clause asks of a workplace's health surveillance, in words, with its source."""

    clause: str
    checks: str
    advice: str


#: High-altitude work (高原作业), GBZ 188-2014 §9.8: checks before the post and yearly on
#: it, the occupational disease to watch for being 职业性高原病 (diagnosed by GBZ 92).
HIGH_ALTITUDE_ADVICE = ClauseAdvice(
    clause="GBZ 188-2014 §9.8 · GBZ 92",
    checks=_("上岗前和在岗期间每年一次职业健康检查，重点血常规、心电图、胸部 X 线和肺功能；"
             "目标疾病为职业性高原病。"),
    advice=_("新上岗者逐步习服，备足氧气，避免连续重体力劳动；寒冷天气加强保暖，出现头痛、"
             "气短、心悸时停止作业并就医。"),
)  # fmt: skip


def follow_up_for(*, result: str, checked_on: dt.date) -> tuple[str, dt.date] | None:
    """The follow-up a result asks for (reason, due date), or None."""
    rule = FOLLOW_UP_DAYS.get(result)
    if rule is None:
        return None
    reason, days = rule
    return reason, checked_on + dt.timedelta(days=days)


def interval_label(hazard: str) -> str:
    """The rule in words, for pages: "每 12 个月，高温季节前（GBZ 188-2014 §7.3.2.4）"."""
    interval = GBZ188_INTERVALS.get(hazard)
    if interval is None:
        return str(_("每 %(n)d 个月") % {"n": settings.HEALTH_CHECK_INTERVAL_MONTHS})
    text = str(_("每 %(n)d 个月") % {"n": interval.months})
    if interval.season == "HOT_SEASON_START":
        text += str(_("，高温季节前"))
    elif interval.season == "COLD_SEASON_START":
        text += str(_("，寒冷季节前"))
    return f"{text}（{interval.clause}）"
