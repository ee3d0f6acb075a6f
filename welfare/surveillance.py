"""Occupational health surveillance rules: when the next check is due, per hazard.

The periods follow GBZ 188-2014 《职业健康监护技术规范》 (Technical specifications for
occupational health surveillance): the kinds of check and their periods in §4.6, the
results of a check in §4.8.3, and one section per hazard (chapters 5–9). ``CLAUSES`` is the
table of every clause this register cites; a test holds each citation to it. Where a row
is our own rule (the yearly cold check: GBZ 188 has no section for cold work) it says so.

Where a row follows a *season* (heat: "每年高温季节到来之前"), the season's dates are
province data (``welfare.rules``): a check covers the season it falls before or within,
and the next is due a year later or by the next season's start, whichever comes first.

Pure functions: no database, so services, the admin and tests share one rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from welfare import rules
from welfare.models import Hazard, HealthCheck, Workplace

#: Every GBZ 188-2014 clause the register cites, with its heading.
CLAUSES: dict[str, str] = {
    "4.6": "职业健康检查的种类和周期",
    "4.6.1": "上岗前职业健康检查",
    "4.6.2": "在岗期间定期职业健康检查",
    "4.6.3": "离岗时职业健康检查",
    "4.6.4": "离岗后健康检查",
    "4.6.5": "应急健康检查",
    "4.8.3": "体检结论（目前未见异常、复查、疑似职业病、职业禁忌证、其他疾病或异常）",
    "5": "接触化学因素作业人员职业健康监护",
    "6.1": "游离二氧化硅粉尘作业人员",
    "7.1": "噪声作业人员",
    "7.3": "高温作业人员",
    "9.8": "高原作业人员",
}


def cite(clause: str) -> str:
    """ "GBZ 188-2014 §4.6.3" for a clause of ``CLAUSES`` (KeyError for any other)."""
    if clause not in CLAUSES:
        raise KeyError(f"GBZ 188-2014 §{clause} is not in CLAUSES")
    return f"GBZ 188-2014 §{clause}"


@dataclass(frozen=True)
class Interval:
    """The periodic check of one hazard: every ``months``, or before ``season`` (``hot``
    or ``cold``: dates in the province rules) when one is given; ``clause`` names the
    rule's source, ``local`` marks a rule of our own (no GBZ 188 clause sets it)."""

    months: int
    clause: str
    season: str | None = None
    local: bool = False


@dataclass(frozen=True)
class Exposure:
    """The exposure level recorded on the workplace's hazard (``WorkplaceHazard``)."""

    noise_dba: Decimal | None = None
    dust_grade: int | None = None


# The periodic (在岗期间, §4.6.2) check per hazard, without a recorded exposure level.
GBZ188_INTERVALS: dict[str, Interval] = {
    # §7.3 高温: once a year, before the hot season ("每年高温季节到来之前").
    Hazard.HIGH_TEMPERATURE: Interval(12, cite("7.3"), season="hot"),
    # §7.1 噪声: yearly at LEX,8h ≥ 85 dB(A), every two years at 80–85 dB(A)
    # (``NOISE_YEARLY_AT_DBA``). Without the level on record, the stricter.
    Hazard.NOISE: Interval(12, cite("7.1")),
    # §6.1 游离二氧化硅粉尘: every two years for dust work of grade I (GBZ/T 229.1), yearly
    # from grade II. Without the grade on record, the stricter.
    Hazard.DUST: Interval(12, cite("6.1")),
    # Chapter 5 化学因素: each agent's section sets its own period, most of them yearly.
    Hazard.TOXIC: Interval(12, cite("5")),
    # §9.8 高原作业: yearly.
    Hazard.HIGH_ALTITUDE: Interval(12, cite("9.8")),
    # Local rule: GBZ 188-2014 has no section for cold work; the register asks for a yearly
    # check before the cold season, after the model of §7.3 for heat.
    Hazard.LOW_TEMPERATURE: Interval(12, "本地规则（参照 GBZ 188-2014 §7.3）", season="cold",
                                     local=True),
}  # fmt: skip

#: §7.1: the noise level from which the check is yearly (below it, every two years).
NOISE_YEARLY_AT_DBA = Decimal(85)
#: §6.1: the dust grade (GBZ/T 229.1) from which the check is yearly (below it, two years).
DUST_YEARLY_FROM_GRADE = 2


def interval_for(hazard: str, exposure: Exposure | None = None) -> Interval | None:
    """The hazard's interval, with the standard's longer period where the recorded
    exposure level allows it."""
    interval = GBZ188_INTERVALS.get(hazard)
    if interval is None or exposure is None:
        return interval
    noise, grade = exposure.noise_dba, exposure.dust_grade
    if hazard == Hazard.NOISE and noise is not None and noise < NOISE_YEARLY_AT_DBA:
        return Interval(24, interval.clause)
    if hazard == Hazard.DUST and grade is not None and grade < DUST_YEARLY_FROM_GRADE:
        return Interval(24, interval.clause)
    return interval


# §4.6.3 离岗时: the last periodic check within 90 days before leaving counts as the
# leaving check.
LEAVING_CHECK_COVER_DAYS = 90

# What a result of §4.8.3 asks for next, and within how many days: b) 复查 as the
# examining body states; c) 疑似职业病: sent for diagnosis (《职业病诊断与鉴定管理办法》);
# e) 其他疾病或异常: advised to see a doctor. d) 职业禁忌证 flags the worker for
# reassignment (《职业病防治法》第三十五条) instead. The days are the union's own rule.
FOLLOW_UP_DAYS: dict[str, tuple[str, int]] = {
    HealthCheck.Result.REVIEW: ("recheck", 30),
    HealthCheck.Result.SUSPECTED: ("diagnosis", 30),
    HealthCheck.Result.OTHER: ("treatment", 30),
}
RESULT_CLAUSE = cite("4.8.3")

# Checks that do not move the periodic schedule: an emergency check (§4.6.5, after an
# acute exposure) and a recheck of an earlier result.
OFF_SCHEDULE_KINDS = frozenset({HealthCheck.Kind.EMERGENCY, HealthCheck.Kind.RECHECK})


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _on(year: int, month_day: str) -> dt.date:
    month, day = (int(x) for x in month_day.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def season_spans(season: tuple[str, str], around: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The season's (first day, last day) for the years around ``around``, in order; a
    season may run over the new year (cold: 11-01 to 03-31)."""
    start_md, end_md = season
    out = []
    for year in range(around.year - 1, around.year + 3):
        start = _on(year, start_md)
        end = _on(year, end_md)
        if end < start:
            end = _on(year + 1, end_md)
        out.append((start, end))
    return out


def season_due(*, checked_on: dt.date, season: tuple[str, str]) -> dt.date:
    """The start of the season after the one a check on ``checked_on`` covers: the season
    it falls before or within (none is skipped, there is no lead-time cliff)."""
    spans = season_spans(season, checked_on)
    index = next(i for i, (_start, end) in enumerate(spans) if end >= checked_on)
    return spans[index + 1][0]


def due_for_hazard(
    *, checked_on: dt.date, hazard: str, exposure: Exposure | None = None,
    seasons: Mapping[str, tuple[str, str]] | None = None,
) -> dt.date:  # fmt: skip
    """When a periodic check for ``hazard`` is next due after one on ``checked_on``."""
    interval = interval_for(hazard, exposure)
    if interval is None:
        return add_months(checked_on, settings.HEALTH_CHECK_INTERVAL_MONTHS)
    due = add_months(checked_on, interval.months)
    if interval.season is not None:
        season = (seasons or default_seasons())[interval.season]
        due = min(due, season_due(checked_on=checked_on, season=season))
    return due


def default_seasons() -> dict[str, tuple[str, str]]:
    """The seasons of the built-in defaults (``welfare.rules.DEFAULTS``); callers that know
    the worker's region pass that region's (``welfare.rules.seasons``)."""
    return rules.default_seasons()


def next_periodic_due(
    *, checked_on: dt.date, kind: str, hazards: Sequence[str],
    exposures: Mapping[str, Exposure] | None = None,
    seasons: Mapping[str, tuple[str, str]] | None = None,
) -> dt.date | None:  # fmt: skip
    """The next periodic check after a check of ``kind`` on ``checked_on``: the earliest
    that any of the worker's hazards asks for. None after the leaving check, and None for
    checks that do not move the schedule (``OFF_SCHEDULE_KINDS``)."""
    if kind == HealthCheck.Kind.LEAVING or kind in OFF_SCHEDULE_KINDS:
        return None
    if not hazards:
        return add_months(checked_on, settings.HEALTH_CHECK_INTERVAL_MONTHS)
    exposures = exposures or {}
    return min(
        due_for_hazard(checked_on=checked_on, hazard=h, exposure=exposures.get(h),
                       seasons=seasons)
        for h in hazards
    )  # fmt: skip


def exposures_of(workplace: Workplace | None) -> dict[str, Exposure]:
    """The exposure levels recorded on the workplace's hazards."""
    if workplace is None:
        return {}
    return {
        h.hazard: Exposure(noise_dba=h.noise_dba, dust_grade=h.dust_grade)
        for h in workplace.hazards.all()
    }


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


def interval_label(hazard: str, exposure: Exposure | None = None) -> str:
    """The rule in words, for pages: "每 12 个月，高温季节前（GBZ 188-2014 §7.3）"."""
    interval = interval_for(hazard, exposure)
    if interval is None:
        return str(_("每 %(n)d 个月") % {"n": settings.HEALTH_CHECK_INTERVAL_MONTHS})
    text = str(_("每 %(n)d 个月") % {"n": interval.months})
    if interval.season == "hot":
        text += str(_("，高温季节前"))
    elif interval.season == "cold":
        text += str(_("，寒冷季节前"))
    return f"{text}（{interval.clause}）"
