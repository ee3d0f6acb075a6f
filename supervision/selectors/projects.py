"""三同时 projects in scope with their reviews."""

from __future__ import annotations

from django.db.models import QuerySet

from core.scoping import Scope
from supervision.models import (
    Project,
)
from supervision.selectors.workplaces import WORKPLACE_PATH


def projects_in_scope(scope: Scope) -> QuerySet[Project]:
    return (
        scope.filter(Project.objects.all(), union_path_field=WORKPLACE_PATH)
        .select_related("workplace")
        .prefetch_related("reviews__finding")
    )
