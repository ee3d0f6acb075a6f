"""安康杯 competitions in scope: their evidence, the ranking of units and the year's
participation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scoping import Scope
from supervision.models import (
    Competition,
    CompetitionEntry,
    EntryEvidence,
)

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
