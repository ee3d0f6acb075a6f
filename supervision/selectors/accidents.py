"""Casualty accidents in scope: who sees the injured's names, the work-injury claim
clock, and the statistics by region, industry, category, cause and month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core.scoping import Scope
from stations.models import Union
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    InjuredPerson,
)
from supervision.selectors.workplaces import WORKPLACE_PATH

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
