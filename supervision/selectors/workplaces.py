"""Workplaces and unions in an organizer's scope, and a workplace's 一会三卡."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scoping import Scope
from stations.models import Union
from supervision.models import (
    SafetyCard,
)
from welfare.models import Workplace

WORKPLACE_PATH = "workplace__union__path"


def workplaces_in_scope(scope: Scope) -> QuerySet[Workplace]:
    return scope.filter(Workplace.objects.all()).select_related("union").order_by("name")


def unions_in_scope(scope: Scope) -> QuerySet[Union]:
    """The unions an organizer may inspect as: their own first (the top one), then those
    below in tree order."""
    return scope.filter(Union.objects.all(), union_path_field="path").order_by("depth", "path")


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
