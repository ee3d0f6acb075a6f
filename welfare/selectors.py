"""Reads for the welfare pages and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import Scope, scope_for
from stations.models import Region, Station, Union
from welfare import cold
from welfare.models import (
    Forecast,
    HazardReport,
    HazardReward,
    HealthFollowUp,
    OfficialAlert,
    RewardBudget,
    WeatherAlert,
    Worker,
    Workplace,
)


def checks_due(
    *, union: Union, within_days: int = 30, on: dt.date | None = None
) -> dict[str, list[Worker]]:
    """Registered workers under ``union`` whose next check is overdue or due soon."""
    on = on or local_time.today()
    workers = Worker.objects.filter(
        union__path__startswith=union.path, next_check_due__isnull=False
    )
    return {
        "overdue": list(workers.filter(next_check_due__lt=on).order_by("next_check_due")),
        "soon": list(
            workers.filter(
                next_check_due__gte=on, next_check_due__lte=on + dt.timedelta(days=within_days)
            ).order_by("next_check_due")
        ),
    }


def workplaces_in_scope(
    scope: Scope, *, hazard: str | None = None, overdue: bool = False
) -> QuerySet[Workplace]:
    qs = scope.filter(Workplace.objects.all()).prefetch_related("hazards")
    if hazard:
        qs = qs.filter(hazards__hazard=hazard)
    if overdue:
        qs = qs.annotate(
            late=Count("workers", filter=Q(workers__next_check_due__lt=local_time.today()))
        ).filter(late__gt=0)
    return qs.distinct().order_by("name")


def region_chain(region: Region) -> list[Region]:
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def alerts_for_region(*, region: Region, on: dt.date | None = None) -> QuerySet[WeatherAlert]:
    """Today's and coming alerts of the region and of the divisions above it."""
    on = on or local_time.today()
    return (
        WeatherAlert.objects.filter(region__in=[r.pk for r in region_chain(region)], day__gte=on)
        .select_related("region")
        .order_by("day", "-level")
    )


#: The title of each kind of our own estimate, by level. These are 提示 (advice), never
#: 预警: under 《中华人民共和国气象法》第二十二条 only the meteorological offices publish
#: weather warnings, so no title we compute names a warning or a signal colour.
ALERT_TITLES: dict[str, dict[int, Any]] = {
    "heat": {1: _("高温提示"), 2: _("高温提示"), 3: _("高温提示")},
    "cold_wave": {1: _("降温提示"), 2: _("较强降温提示"), 3: _("强降温提示"),
                  4: _("极强降温提示")},
    "wind_chill": {1: _("风寒提示：中等风险"), 2: _("风寒提示：高风险"),
                   3: _("风寒提示：很高风险"), 4: _("风寒提示：严重风险"),
                   5: _("风寒提示：极端风险")},
}  # fmt: skip
#: The line every estimate of ours carries.
ADVISORY_NOTE = _("模型估算，以气象部门发布为准")
ADVISORY_LABEL = _("本站提示")
OFFICIAL_LABEL = _("气象部门发布")
#: A signal's colour in words, as the page says it beside the headline.
COLOUR_NAMES = {"blue": _("蓝色"), "yellow": _("黄色"), "orange": _("橙色"), "red": _("红色")}
COLOUR_RANKS = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}


def alert_title(alert: WeatherAlert) -> str:
    """ "降温提示 · 最低 −12.0°C", "风寒提示：高风险 · 风寒指数 −33", "高温提示 37.5°C"."""
    name = str(ALERT_TITLES.get(alert.kind, {}).get(alert.level, alert.get_kind_display()))
    if alert.kind == WeatherAlert.Kind.COLD_WAVE:
        return str(_("%(name)s · 最低 %(t)s°C") % {"name": name, "t": alert.temperature})
    if alert.kind == WeatherAlert.Kind.WIND_CHILL:
        return str(_("%(name)s · 风寒指数 %(t)s") % {"name": name, "t": int(alert.temperature)})
    return f"{name} {alert.temperature}°C"


def _region_name(region: Region) -> str:
    english = (get_language() or "").startswith("en")
    return (region.name_en or region.name) if english else region.name


def alert_body(alert: WeatherAlert) -> dict[str, Any]:
    """One of our own estimates as the API and the map show it, in the request's language:
    ``source`` "advisory", a 提示 title, and the line 模型估算，以气象部门发布为准."""
    english = (get_language() or "").startswith("en")
    return {
        "source": "advisory",
        "source_label": str(ADVISORY_LABEL),
        "note": str(ADVISORY_NOTE),
        "title": alert_title(alert),
        "colour": "",
        "region": alert.region.code,
        "region_name": _region_name(alert.region),
        "day": alert.day.isoformat(),
        "kind": alert.kind,
        "level": alert.level,
        "temperature": float(alert.temperature),
        "advice": alert.advice_en if english else alert.advice,
        "stale": alert.stale,
        "sender": "",
        "sent": None,
        "expires": None,
    }


def official_in_force(*, at: dt.datetime | None = None) -> QuerySet[OfficialAlert]:
    """Official signals in force at ``at``: status Actual, an Alert or Update not withdrawn
    by a later message, before its expiry (or within ``OFFICIAL_ALERT_DEFAULT_HOURS`` of
    being sent when it gives none)."""
    at = at or local_time.now()
    default = dt.timedelta(hours=settings.OFFICIAL_ALERT_DEFAULT_HOURS)
    return OfficialAlert.objects.filter(
        Q(expires__gt=at) | Q(expires__isnull=True, sent__gt=at - default),
        status="Actual",
        msg_type__in=(OfficialAlert.MsgType.ALERT, OfficialAlert.MsgType.UPDATE),
        withdrawn_at__isnull=True,
        sent__lte=at + dt.timedelta(minutes=5),  # not from the future (clock skew allowed)
    )


def official_for_region(*, region: Region, at: dt.datetime | None = None) -> list[OfficialAlert]:
    """Signals in force over ``region`` or a division above it, the most severe first."""
    chain = [r.pk for r in region_chain(region)]
    rows = (
        official_in_force(at=at)
        .filter(regions__in=chain)
        .distinct()
        .prefetch_related("regions")
        .order_by("-sent")
    )
    return sorted(rows, key=lambda a: -COLOUR_RANKS.get(a.colour, 0))


def official_body(alert: OfficialAlert, *, region: Region | None = None) -> dict[str, Any]:
    """An official signal as issued: its headline and colour verbatim, with the sender
    and the time it was sent (Beijing time); ``source`` "official"."""
    covered = list(alert.regions.all())
    shown = region if region is not None else (covered[0] if covered else None)
    sent = local_time.to_local(alert.sent)
    sender = alert.sender_name or alert.sender
    return {
        "source": "official",
        "source_label": str(OFFICIAL_LABEL),
        "note": str(
            _("%(sender)s %(time)s 发布") % {"sender": sender, "time": f"{sent:%Y-%m-%d %H:%M}"}
        ),
        "title": alert.headline or alert.event,
        "colour": alert.colour,
        "colour_name": str(COLOUR_NAMES.get(alert.colour, "")),
        "region": shown.code if shown else "",
        "region_name": _region_name(shown) if shown else alert.area_desc,
        "area": alert.area_desc,
        "day": sent.date().isoformat(),
        "kind": alert.kind,
        "level": COLOUR_RANKS.get(alert.colour, 0),
        "event": alert.event,
        "advice": alert.instruction or alert.description,
        "description": alert.description,
        "stale": False,
        "identifier": alert.identifier,
        "sender": sender,
        "sent": alert.sent.isoformat(),
        "expires": alert.expires.isoformat() if alert.expires else None,
    }


def alerts_merged(
    *, region: Region | None = None, on: dt.date | None = None, limit: int = 6
) -> list[dict[str, Any]]:
    """What the public sees today: official signals first (as issued), then our own
    estimates. With ``region``, those over it and the divisions above it; without, all.
    An estimate over a region an official signal also covers says so (``beside_official``).
    """
    on = on or local_time.today()
    if region is not None:
        official = official_for_region(region=region)
        advisory = list(alerts_for_region(region=region, on=on).filter(day=on)[:limit])
    else:
        official = sorted(
            official_in_force().prefetch_related("regions").order_by("-sent")[:limit],
            key=lambda a: -COLOUR_RANKS.get(a.colour, 0),
        )
        advisory = alerts_today(on=on, limit=limit)
    out = [official_body(a, region=_covering(a, region)) for a in official]
    covered = {r.pk for a in official for r in a.regions.all()}
    for alert in advisory:
        body = alert_body(alert)
        body["beside_official"] = bool(covered & {r.pk for r in region_chain(alert.region)})
        out.append(body)
    return out[:limit]


def _covering(alert: OfficialAlert, region: Region | None) -> Region | None:
    if region is None:
        return None
    chain = {r.pk: r for r in region_chain(region)}
    return next((chain[r.pk] for r in alert.regions.all() if r.pk in chain), region)


def alerts_today(*, on: dt.date | None = None, limit: int = 8) -> list[WeatherAlert]:
    on = on or local_time.today()
    return list(
        WeatherAlert.objects.filter(day=on)
        .select_related("region")
        .order_by("-level", "region__code")[:limit]
    )


def hot_day_threshold() -> Decimal:
    """A hot day (高温天气) is one whose maximum reaches the first national heat-alert level
    (``WEATHER_RULES["heat"]``, 35 °C by 《防暑降温措施管理办法》); such days decide the
    heat allowance."""
    return min(Decimal(str(rule["at_or_above"])) for rule in settings.WEATHER_RULES["heat"])


def hot_days(*, year: int, threshold: Decimal | None = None) -> list[dict[str, Any]]:
    """Days at or above ``threshold`` °C (forecast maximum; default the hot-day threshold)
    per region in ``year``."""
    if threshold is None:
        threshold = hot_day_threshold()
    rows = (
        Forecast.objects.filter(day__year=year, t_max__gte=threshold)
        .select_related("region")
        .order_by("region__code", "day")
    )
    out: dict[str, dict[str, Any]] = {}
    for f in rows:
        entry = out.setdefault(
            f.region.code, {"region": f.region.code, "name": f.region.name, "days": []}
        )
        entry["days"].append(f.day)
    return list(out.values())


def organizer_overview(*, scope: Scope, limit: int = 50) -> dict[str, Any]:
    """The organizers' welfare page: checks due, coming weather alerts and open reports
    under the scope's unions."""
    # The scope's own top unions (already minimal); a superuser's are the tree's roots.
    tops = (
        Union.objects.filter(parent__isnull=True)
        if scope.is_superuser
        else Union.objects.filter(path__in=scope.union_paths)
    )
    due: dict[str, list[Worker]] = {"overdue": [], "soon": []}
    for union in tops:
        for key, workers in checks_due(union=union).items():
            due[key].extend(workers)
    alerts = (
        scope.filter(
            WeatherAlert.objects.filter(day__gte=local_time.today()),
            union_path_field="region__unions__path",
        )
        .distinct()
        .select_related("region")
        .order_by("day", "-level")[:limit]
    )
    reports = scope.filter(
        HazardReport.objects.exclude(status=HazardReport.Status.CLOSED)
    ).order_by("-created_at")[:limit]
    return {"due": due, "alerts": alerts, "reports": reports}


# Organizer pages: workers, checks due, hazard reports, rewards ----------------------------


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def workers_in_scope(scope: Scope, *, workplace: Workplace | None = None) -> QuerySet[Worker]:
    qs = scope.filter(Worker.objects.all()).select_related("workplace", "union")
    if workplace is not None:
        qs = qs.filter(workplace=workplace)
    return qs.order_by("left_on", "name", "pk")


def checks_due_by_workplace(*, scope: Scope, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per workplace under the scope: workers overdue, due by the end of this month,
    follow-ups open (and how many of those are late), workers never checked.

    Only workplaces with something to do are listed, the most urgent first.
    """
    on = on or local_time.today()
    end = month_end(on)
    workers = scope.filter(Worker.objects.filter(workplace__isnull=False))
    rows = {
        r["workplace"]: {**r, "follow_ups": 0, "follow_ups_late": 0, "next_follow_up": None}
        for r in workers.values("workplace")
        .annotate(
            overdue=Count("pk", filter=Q(next_check_due__lt=on)),
            due_month=Count("pk", filter=Q(next_check_due__gte=on, next_check_due__lte=end)),
            never=Count("pk", filter=Q(checks__isnull=True, left_on__isnull=True)),
            first_due=Min("next_check_due"),
        )
        .order_by()
    }
    follow_ups = (
        scope.filter(
            HealthFollowUp.objects.filter(done_on__isnull=True, worker__workplace__isnull=False),
            union_path_field="worker__union__path",
        )
        .values("worker__workplace")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=on)), first=Min("due_on"))
        .order_by()
    )
    for f in follow_ups:
        row = rows.setdefault(
            f["worker__workplace"],
            {"workplace": f["worker__workplace"], "overdue": 0, "due_month": 0, "never": 0,
             "first_due": None},
        )  # fmt: skip
        row.update(follow_ups=f["n"], follow_ups_late=f["late"], next_follow_up=f["first"])
    names = Workplace.objects.in_bulk(list(rows))
    out = []
    for key, row in rows.items():
        if not (row["overdue"] or row["due_month"] or row["follow_ups"] or row["never"]):
            continue
        out.append({**row, "workplace": names[key]})
    out.sort(key=lambda r: (-r["overdue"] - r["follow_ups_late"], -r["due_month"],
                            -r["follow_ups"], r["workplace"].name))  # fmt: skip
    return out


def open_follow_ups(*, scope: Scope, worker: Worker | None = None) -> QuerySet[HealthFollowUp]:
    qs = scope.filter(
        HealthFollowUp.objects.filter(done_on__isnull=True), union_path_field="worker__union__path"
    ).select_related("worker", "worker__workplace", "health_check")
    if worker is not None:
        qs = qs.filter(worker=worker)
    return qs.order_by("due_on", "pk")


def hazard_reports_in_scope(scope: Scope, *, status: str = "") -> QuerySet[HazardReport]:
    qs = scope.filter(HazardReport.objects.all()).select_related("union", "region", "handler")
    if status == "open":
        qs = qs.exclude(status__in=["unfounded", "referred", "closed"])
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def may_handle(*, user: Any, report: HazardReport) -> bool:
    """May ``user`` move this report on: an organizer of its union, and its handler once
    someone has taken it."""
    from_scope = scope_for(user).covers_union(report.union)
    return from_scope and (report.handler_id is None or report.handler_id == user.pk)


def budget_for(*, union: Union, year: int) -> RewardBudget | None:
    """The budget that pays ``union``'s rewards in ``year``: its own, else the nearest
    union above it that has one."""
    walk: Union | None = union
    while walk is not None:
        budget = RewardBudget.objects.filter(union=walk, year=year).first()
        if budget is not None:
            return budget
        walk = walk.parent
    return None


def budget_paid(budget: RewardBudget) -> Decimal:
    """What has been paid from ``budget``: rewards of its year under its union whose
    nearest budget it is."""
    total = Decimal(0)
    rewards = HazardReward.objects.filter(
        year=budget.year, paid_on__isnull=False, union__path__startswith=budget.union.path
    ).select_related("union")
    for reward in rewards:
        found = budget_for(union=reward.union, year=reward.year)
        if found is not None and found.pk == budget.pk:
            total += reward.amount
    return total


def rewards_in_scope(scope: Scope, *, year: int | None = None) -> QuerySet[HazardReward]:
    qs = scope.filter(HazardReward.objects.all()).select_related("report", "union")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("paid_on", "-created_at")


def reward_budgets(scope: Scope, *, year: int) -> list[dict[str, Any]]:
    """The budgets under the scope for ``year`` with what each has paid, what is due and
    unpaid against it, and what is left."""
    out = []
    for budget in scope.filter(RewardBudget.objects.filter(year=year)).select_related("union"):
        paid = budget_paid(budget)
        unpaid = Decimal(0)
        for reward in HazardReward.objects.filter(
            year=year, paid_on__isnull=True, union__path__startswith=budget.union.path
        ).select_related("union"):
            found = budget_for(union=reward.union, year=year)
            if found is not None and found.pk == budget.pk:
                unpaid += reward.amount
        out.append({"budget": budget, "paid": paid, "unpaid": unpaid,
                    "left": budget.amount - paid})  # fmt: skip
    return out


def reward_totals(scope: Scope, *, year: int) -> dict[str, Decimal]:
    rewards = scope.filter(HazardReward.objects.filter(year=year))
    paid = rewards.filter(paid_on__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    unpaid = rewards.filter(paid_on__isnull=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"paid": paid, "unpaid": unpaid}


def public_station(code: str) -> Station | None:
    """A station the public map shows, by code (the hazard form starts there)."""
    code = (code or "").strip()[:40]
    if not code:
        return None
    return (
        Station.objects.filter(code=code)
        .exclude(status=Station.Status.CLOSED)
        .select_related("region")
        .first()
    )


# Cold and altitude on the organizer overview ----------------------------------------------

COLD_KINDS = (WeatherAlert.Kind.COLD_WAVE, WeatherAlert.Kind.WIND_CHILL)


def cold_alerts_in_scope(*, scope: Scope, on: dt.date | None = None, limit: int = 20) -> list[Any]:
    """Cold-wave and wind-chill alerts, today and coming, in the regions of the scope's
    unions (the strongest first each day)."""
    on = on or local_time.today()
    return list(
        scope.filter(
            WeatherAlert.objects.filter(day__gte=on, kind__in=COLD_KINDS),
            union_path_field="region__unions__path",
        )
        .distinct()
        .select_related("region")
        .order_by("day", "-level", "region__code")[:limit]
    )


def cold_and_high_workplaces(*, scope: Scope, limit: int = 50) -> list[dict[str, Any]]:
    """Workplaces in scope with the low-temperature hazard (and their latest GB/T 14440
    grade) or at high altitude (``HIGH_ALTITUDE_M``)."""
    rows = (
        scope.filter(Workplace.objects.all())
        .filter(Q(hazards__hazard="low_temperature") | Q(altitude_m__gte=settings.HIGH_ALTITUDE_M))
        .distinct()
        .order_by("name")[:limit]
    )
    out = []
    for workplace in rows:
        latest = (
            workplace.measurements.filter(cold_grade__isnull=False)
            .order_by("-measured_on", "-pk")
            .first()
        )
        out.append(
            {
                "workplace": workplace,
                "cold_grade": latest.cold_grade if latest else None,
                "cold_grade_numeral": cold.GRADE_NUMERALS.get(latest.cold_grade, "")
                if latest
                else "",
                "measured_on": latest.measured_on if latest else None,
                "high_altitude": workplace.is_high_altitude,
            }
        )
    return out
