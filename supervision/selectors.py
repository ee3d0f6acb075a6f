"""Reads of the supervision app, each narrowed to what the scope covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from core.scoping import Scope
from stations.models import Union
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AppointedInspector,
    ChecklistTemplate,
    Competition,
    CompetitionEntry,
    EntryEvidence,
    Finding,
    InjuredPerson,
    Inspection,
    Notice,
    Project,
    ProtectionCommittee,
    SafetyCard,
    SafetyInspector,
    TrainingRecord,
)
from welfare.models import Workplace

WORKPLACE_PATH = "workplace__union__path"
AGE_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, None))  # days open since found


def workplaces_in_scope(scope: Scope) -> QuerySet[Workplace]:
    return scope.filter(Workplace.objects.all()).select_related("union").order_by("name")


def unions_in_scope(scope: Scope) -> QuerySet[Union]:
    """The unions an organizer may inspect as: their own first (the top one), then those
    below in tree order."""
    return scope.filter(Union.objects.all(), union_path_field="path").order_by("depth", "path")


def appointed_in_scope(scope: Scope) -> QuerySet[AppointedInspector]:
    """Appointed inspectors of the organizer's unions, those with a valid certificate
    first (the service refuses an expired one)."""
    return (
        scope.filter(AppointedInspector.objects.all())
        .select_related("union")
        .order_by("-valid_until", "name")
    )


def templates_for(workplace: Workplace) -> QuerySet[ChecklistTemplate]:
    """Active templates of the workplace's union or of a union above it."""
    paths = []
    path = workplace.union.path
    parts = [p for p in path.split("/") if p]
    for i in range(1, len(parts) + 1):
        paths.append("/".join(parts[:i]) + "/")
    return ChecklistTemplate.objects.filter(active=True, union__path__in=paths).order_by("name")


def inspections_in_scope(scope: Scope) -> QuerySet[Inspection]:
    return (
        scope.filter(Inspection.objects.all(), union_path_field=WORKPLACE_PATH)
        .select_related("workplace", "workplace__union")
        .annotate(finding_count=Count("findings"))
    )


def notices_in_scope(scope: Scope) -> QuerySet[Notice]:
    """Issued notices of the unions in scope, overdue replies first, then by number."""
    return (
        scope.filter(Notice.objects.all())
        .select_related("union", "inspection__workplace")
        .defer("pdf")
        .order_by("union__path", "-year", "-number")
    )


def notice_summary(notices: QuerySet[Notice], *, on: dt.date) -> dict[str, int]:
    """Issued, served, replied and replies overdue ``on`` among ``notices``."""
    return {
        "issued": notices.count(),
        "served": notices.filter(served_on__isnull=False).count(),
        "replied": notices.filter(reply_received__isnull=False).count(),
        "overdue": notices.filter(reply_received__isnull=True, reply_due__lt=on).count(),
    }


def findings_in_scope(
    scope: Scope,
    *,
    status: str | None = None,
    overdue_on: dt.date | None = None,
    workplace: Workplace | None = None,
) -> QuerySet[Finding]:
    qs = scope.filter(Finding.objects.all(), union_path_field=WORKPLACE_PATH).select_related(
        "workplace", "workplace__union", "inspection"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(status=Finding.Status.OPEN, deadline__lt=overdue_on)
    if workplace is not None:
        qs = qs.filter(workplace=workplace)
    return qs


def open_findings_by_age(scope: Scope, *, on: dt.date) -> list[dict[str, Any]]:
    """Open findings counted by how long ago they were found (0–30, 31–90 … days)."""
    rows = [{"low": low, "high": high, "count": 0, "overdue": 0} for low, high in AGE_BUCKETS]
    qs = findings_in_scope(scope, status=Finding.Status.OPEN).values_list(
        "inspection__inspected_on", "created_at", "deadline"
    )
    for inspected_on, created_at, deadline in qs:
        found = inspected_on or created_at.date()
        age = (on - found).days
        for row in rows:
            if age >= row["low"] and (row["high"] is None or age <= row["high"]):
                row["count"] += 1
                row["overdue"] += deadline < on
                break
    return rows


# Accidents -----------------------------------------------------------------------------

STAT_DIMENSIONS = ("region", "industry", "category", "cause")
COUNTS = ("accidents", "deaths", "serious", "minor")


def injured_names_visible(user: Any, accident: Accident) -> bool:
    """Only the handling organizer sees who was hurt (PIPL: the names are theirs to know)."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and accident.handler_id is not None
        and accident.handler_id == user.pk
    )


# 工伤保险条例 §17: the employer applies for 工伤认定 within 30 days of the accident; the
# worker, their close relatives or the union within one year. Periods count from the day
# after the accident (民法典 §201), so day 30 is the employer's last and day 31 is late.
EMPLOYER_CLAIM_DAYS = 30


def _plus_one_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the period ends on the last day of that month
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class ClaimClock:
    """Where a person hurt stands against the 工伤认定 windows ``on`` a day."""

    on: dt.date
    employer_until: dt.date
    worker_until: dt.date
    claimed_on: dt.date | None

    @property
    def employer_late(self) -> bool:
        """No application, and the employer's 30 days are over (day 31 on)."""
        return self.claimed_on is None and self.on > self.employer_until

    @property
    def worker_late(self) -> bool:
        return self.claimed_on is None and self.on > self.worker_until


def claim_clock(person: InjuredPerson, *, on: dt.date) -> ClaimClock:
    occurred = person.accident.occurred_on
    return ClaimClock(
        on=on, employer_until=occurred + dt.timedelta(days=EMPLOYER_CLAIM_DAYS),
        worker_until=_plus_one_year(occurred), claimed_on=person.insurance_claimed_on,
    )  # fmt: skip


def claims_missing(scope: Scope, *, on: dt.date) -> QuerySet[InjuredPerson]:
    """People hurt with no 工伤认定 application after the employer's 30 days."""
    return InjuredPerson.objects.filter(
        accident__in=scope.filter(Accident.objects.all(), union_path_field=WORKPLACE_PATH),
        insurance_claimed_on__isnull=True,
        accident__occurred_on__lt=on - dt.timedelta(days=EMPLOYER_CLAIM_DAYS),
    ).select_related("accident__workplace")


def accidents_in_scope(scope: Scope) -> QuerySet[Accident]:
    return (
        scope.filter(Accident.objects.all(), union_path_field=WORKPLACE_PATH)
        .select_related("workplace", "workplace__union", "workplace__region")
        .prefetch_related("checks", "injured")
    )


def _accidents_under(
    scope: Scope, union: Union, year: int, month: int | None = None
) -> QuerySet[Accident]:
    qs = scope.filter(Accident.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, occurred_on__year=year
    )
    if month is not None:
        qs = qs.filter(occurred_on__month=month)
    return qs


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _add(row: dict[str, Any], deaths: int, serious: int, minor: int) -> None:
    row["accidents"] += 1
    row["deaths"] += deaths
    row["serious"] += serious
    row["minor"] += minor


def accident_statistics(
    scope: Scope, *, union: Union, year: int, by: str, month: int | None = None
) -> list[dict[str, Any]]:
    """Accidents, deaths, serious and minor injuries under ``union`` in ``year`` (or one
    month of it), by ``region`` (the workplace's division), ``industry``, ``category``
    (GB 6441) or ``cause``; largest first, then by label."""
    if by not in STAT_DIMENSIONS:
        raise ValueError(by)
    labels: dict[str, str] = {}
    if by == "category":
        labels = {k: str(v) for k, v in AccidentCategory.choices}
    elif by == "cause":
        labels = {k: str(v) for k, v in AccidentCause.choices}
    key_field = {
        "region": "workplace__region__name",
        "industry": "workplace__industry",
        "category": "category",
        "cause": "cause",
    }[by]
    rows: dict[str, dict[str, Any]] = {}
    for key, deaths, serious, minor in _accidents_under(scope, union, year, month).values_list(
        key_field, "deaths", "serious", "minor"
    ):
        key = key or ""
        row = rows.setdefault(key, {"key": key, "label": labels.get(key, key) or "—", **_zero()})
        _add(row, deaths, serious, minor)
    return sorted(rows.values(), key=lambda r: (-r["accidents"], r["label"]))


def accidents_by_month(scope: Scope, *, union: Union, year: int) -> list[dict[str, Any]]:
    """Twelve rows, January to December, with the year's total as a thirteenth."""
    rows = [{"month": m, **_zero()} for m in range(1, 13)]
    total = {"month": None, **_zero()}
    for day, deaths, serious, minor in _accidents_under(scope, union, year).values_list(
        "occurred_on", "deaths", "serious", "minor"
    ):
        _add(rows[day.month - 1], deaths, serious, minor)
        _add(total, deaths, serious, minor)
    return [*rows, total]


def accident_rollup(scope: Scope, *, union: Union, year: int) -> list[dict[str, Any]]:
    """Every union under ``union`` in tree order, with its own accidents (at workplaces it
    supervises directly) and the subtotal of its whole subtree, so each level's figure is
    the sum of the levels below it plus its own."""
    unions = list(Union.objects.filter(path__startswith=union.path).order_by("path"))
    own: dict[str, dict[str, int]] = {u.path: _zero() for u in unions}
    for path, deaths, serious, minor in _accidents_under(scope, union, year).values_list(
        "workplace__union__path", "deaths", "serious", "minor"
    ):
        _add(own[path], deaths, serious, minor)
    rows = []
    for u in unions:
        subtotal = _zero()
        for path, counts in own.items():
            if path.startswith(u.path):
                for key in COUNTS:
                    subtotal[key] += counts[key]
        rows.append({
            "union": u, "depth": u.depth - union.depth, "own": own[u.path],
            "subtotal": subtotal,
        })  # fmt: skip
    return rows


RETURN_COUNTS = (
    "accidents", "deaths", "serious", "minor", "lost_workdays", "direct_loss",
    "general", "larger", "major", "extraordinary", "hazard_events",
)  # fmt: skip


def period_months(quarter: int | None) -> tuple[int, int]:
    """The first and last month of ``quarter`` (1–4), or of the whole year."""
    if quarter is None:
        return 1, 12
    return 3 * quarter - 2, 3 * quarter


def accident_return(
    scope: Scope, *, union: Union, year: int, quarter: int | None = None
) -> dict[str, Any]:
    """The quarterly or yearly accident return of ``union``: ``cases`` (情况表, one row per
    accident or occupational-hazard event) and ``rows`` (统计表, every union under
    ``union`` in tree order with its own figures and the subtotal of its subtree). Lost
    workdays are the injured people's (a death counts 6000, GB 6441-86); the loss is in
    元."""
    first, last = period_months(quarter)
    cases = list(
        scope.filter(Accident.objects.all(), union_path_field=WORKPLACE_PATH)
        .filter(
            workplace__union__path__startswith=union.path,
            occurred_on__year=year,
            occurred_on__month__gte=first,
            occurred_on__month__lte=last,
        )
        .select_related("workplace__union")
        .annotate(
            workdays=Sum("injured__lost_workdays"), checks_done=Count("checks", distinct=True)
        )
        .order_by("occurred_on", "pk")
    )
    unions = list(Union.objects.filter(path__startswith=union.path).order_by("path"))
    own: dict[str, dict[str, Any]] = {u.path: _return_zero() for u in unions}
    for case in cases:
        row = own[case.workplace.union.path]
        if case.kind == Accident.Kind.HAZARD_EVENT:
            row["hazard_events"] += 1
        else:
            row["accidents"] += 1
            row[case.grade] += 1
        row["deaths"] += case.deaths
        row["serious"] += case.serious
        row["minor"] += case.minor
        row["lost_workdays"] += case.workdays or 0
        row["direct_loss"] += case.direct_loss
    rows = []
    for u in unions:
        subtotal = _return_zero()
        for path, figures in own.items():
            if path.startswith(u.path):
                for key in RETURN_COUNTS:
                    subtotal[key] += figures[key]
        rows.append({"union": u, "depth": u.depth - union.depth, "own": own[u.path],
                     "subtotal": subtotal})  # fmt: skip
    return {"cases": cases, "rows": rows}


def _return_zero() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RETURN_COUNTS, 0)
    row["direct_loss"] = Decimal(0)
    return row


PROTECTION_FIGURES = (
    "committees", "appointed_inspectors", "enterprises_inspected", "inspections", "findings",
    "findings_rectified", "cup_units", "cup_groups", "trainings", "training_hours",
    "trained", "migrant_trained",
)  # fmt: skip


def labour_protection_statistics(scope: Scope, *, union: Union, year: int) -> list[dict[str, Any]]:
    """The yearly labour-protection statistics of every union under ``union``, in tree
    order, each with its own figures and its subtree's subtotal (``rate``: 整改率, the
    share of the year's findings rectified or verified, as a fraction; ``None`` with no
    findings). Committees and inspectors count when in place at some time in the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    unions = list(Union.objects.filter(path__startswith=union.path).order_by("path"))
    own: dict[str, dict[str, Any]] = {
        u.path: {**dict.fromkeys(PROTECTION_FIGURES, 0), "training_hours": Decimal(0),
                 "_workplaces": set()}
        for u in unions
    }  # fmt: skip
    under = {"union__path__startswith": union.path}

    def add(path: str, key: str, n: Any = 1) -> None:
        if path in own:
            own[path][key] += n

    committees = (
        scope.filter(ProtectionCommittee.objects.filter(**under))
        .filter(established_on__lte=end)
        .exclude(dissolved_on__lt=start)
    )
    for path in committees.values_list("union__path", flat=True):
        add(path, "committees")
    appointed = scope.filter(AppointedInspector.objects.filter(**under)).filter(
        valid_from__lte=end, valid_until__gte=start
    )
    for path in appointed.values_list("union__path", flat=True):
        add(path, "appointed_inspectors")
    inspections = scope.filter(Inspection.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, inspected_on__year=year
    )
    for path, workplace_id in inspections.values_list("workplace__union__path", "workplace_id"):
        add(path, "inspections")
        if path in own:
            own[path]["_workplaces"].add(workplace_id)
    findings = scope.filter(Finding.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, inspection__inspected_on__year=year
    )
    for path, status in findings.values_list("workplace__union__path", "status"):
        add(path, "findings")
        if status != Finding.Status.OPEN:
            add(path, "findings_rectified")
    entries = scope.filter(CompetitionEntry.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, competition__year=year
    )
    for path, groups in entries.annotate(n=Count("groups")).values_list(
        "workplace__union__path", "n"
    ):
        add(path, "cup_units")
        add(path, "cup_groups", groups)
    trainings = scope.filter(TrainingRecord.objects.filter(**under)).filter(held_on__year=year)
    for path, hours, reached, migrant in trainings.values_list(
        "union__path", "hours", "reached", "migrant_workers"
    ):
        add(path, "trainings")
        add(path, "training_hours", hours)
        add(path, "trained", reached)
        add(path, "migrant_trained", migrant)
    for figures in own.values():
        figures["enterprises_inspected"] = len(figures.pop("_workplaces"))
    rows = []
    for u in unions:
        subtotal: dict[str, Any] = {**dict.fromkeys(PROTECTION_FIGURES, 0),
                                    "training_hours": Decimal(0)}  # fmt: skip
        for path, figures in own.items():
            if path.startswith(u.path):
                for key in PROTECTION_FIGURES:
                    subtotal[key] += figures[key]
        for figures in (own[u.path], subtotal):
            figures["rate"] = (
                figures["findings_rectified"] / figures["findings"] if figures["findings"] else None
            )
        rows.append({"union": u, "depth": u.depth - union.depth, "own": own[u.path],
                     "subtotal": subtotal})  # fmt: skip
    return rows


# 安康杯 ---------------------------------------------------------------------------------

RANKING_DIMENSIONS = ("region", "industry")


def competitions_in_scope(scope: Scope) -> QuerySet[Competition]:
    return scope.filter(Competition.objects.all()).select_related("union")


def evidence_in_scope(scope: Scope, *, pk: int) -> EntryEvidence | None:
    """A competition's evidence, for the organizers of the competition's union only."""
    return (
        scope.filter(
            EntryEvidence.objects.all(), union_path_field="entry__competition__union__path"
        )
        .filter(pk=pk)
        .first()
    )


def competition_ranking(competition: Competition, *, by: str | None = None) -> list[dict[str, Any]]:
    """Scored units by total, highest first, ranked within each region or industry (or
    overall when ``by`` is None). Excluded units are listed, unranked, after the others."""
    if by is not None and by not in RANKING_DIMENSIONS:
        raise ValueError(by)
    entries = (
        CompetitionEntry.objects.filter(competition=competition, total__isnull=False)
        .select_related("workplace__region", "unit_union__region")
        .order_by("-total", "pk")
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        region = (entry.workplace or entry.unit_union).region.name  # type: ignore[union-attr]
        industry = entry.workplace.industry if entry.workplace_id else ""
        key = {"region": region, "industry": industry or "—", None: ""}[by]
        rows = groups.setdefault(key, [])
        rows.append({"entry": entry, "name": entry.unit_name, "total": entry.total,
                     "region": region, "industry": industry, "rank": None})  # fmt: skip
    result = []
    for key in sorted(groups):
        rows = groups[key]
        rank, previous = 0, None
        ranked = [r for r in rows if not r["entry"].excluded]
        for position, row in enumerate(ranked, start=1):
            if row["total"] != previous:
                rank, previous = position, row["total"]
            row["rank"] = rank
        excluded = [r for r in rows if r["entry"].excluded]
        result.append({"key": key, "rows": ranked + excluded})
    return result


def participation(scope: Scope, *, year: int) -> dict[str, int]:
    """安康杯 of the year under the scope: competitions, units enrolled, scored, awarded."""
    entries = scope.filter(
        CompetitionEntry.objects.filter(competition__year=year),
        union_path_field="competition__union__path",
    )
    return {
        "competitions": competitions_in_scope(scope).filter(year=year).count(),
        "entries": entries.count(),
        "scored": entries.filter(total__isnull=False).count(),
        "awarded": entries.exclude(award="").count(),
        "excluded": entries.filter(excluded=True).count(),
    }


# 三同时, inspectors, 一会三卡 ------------------------------------------------------------


def projects_in_scope(scope: Scope) -> QuerySet[Project]:
    return (
        scope.filter(Project.objects.all(), union_path_field=WORKPLACE_PATH)
        .select_related("workplace")
        .prefetch_related("reviews__finding")
    )


def inspector_roles(user: Any) -> list[SafetyInspector]:
    """The units where ``user`` is an active workers' safety inspector."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        SafetyInspector.objects.filter(user=user, active=True)
        .select_related("workplace__union")
        .order_by("workplace__name")
    )


def safety_cards(workplace: Workplace) -> list[dict[str, Any]]:
    """The four of 一会三卡 at ``workplace``: each with its last check, ``missing`` when
    never recorded or not in place."""
    cards = {c.kind: c for c in SafetyCard.objects.filter(workplace=workplace)}
    rows = []
    for kind, label in SafetyCard.Kind.choices:
        card = cards.get(kind)
        rows.append({"kind": kind, "label": label, "card": card,
                     "missing": card is None or not card.in_place})  # fmt: skip
    return rows


# Dashboard -----------------------------------------------------------------------------


def inspections_per_month(scope: Scope, *, year: int) -> list[int]:
    """Inspections in each month of ``year`` (January first)."""
    counts = [0] * 12
    qs = scope.filter(Inspection.objects.filter(inspected_on__year=year),
                      union_path_field=WORKPLACE_PATH)  # fmt: skip
    for day in qs.values_list("inspected_on", flat=True):
        counts[day.month - 1] += 1
    return counts


def accidents_year_on_year(scope: Scope, *, on: dt.date) -> dict[str, Any]:
    """Accidents this year to ``on`` against the same days of last year, with each
    year's months (accidents per month) for the chart."""
    years = (on.year - 1, on.year)
    qs = scope.filter(
        Accident.objects.filter(occurred_on__year__in=years), union_path_field=WORKPLACE_PATH
    )
    months = {y: [0] * 12 for y in years}
    to_date = {y: _zero() for y in years}
    for day, deaths, serious, minor in qs.values_list("occurred_on", "deaths", "serious",
                                                      "minor"):  # fmt: skip
        months[day.year][day.month - 1] += 1
        if (day.month, day.day) <= (on.month, on.day):
            _add(to_date[day.year], deaths, serious, minor)
    top = max([1, *months[years[0]], *months[years[1]]])
    return {
        "this_year": years[1], "last_year": years[0],
        "this": to_date[years[1]], "last": to_date[years[0]],
        "months": [{"month": m + 1, "this": months[years[1]][m], "last": months[years[0]][m]}
                   for m in range(12)],
        "top": top,
    }  # fmt: skip
