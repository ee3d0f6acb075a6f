"""The register of issued notices (发文) in scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from core.scoping import Scope
from supervision.models import (
    Notice,
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
