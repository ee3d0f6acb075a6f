"""What supervision puts on the organizer home (findings past their rectification
deadline) and in the province overview's table (open findings, 整改率, accidents this
year), through ``stations.panels`` (registered in ``SupervisionConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import path_prefix_q, scope_for
from stations.models import Union
from stations.panels import AreaColumn, Attention
from supervision.models import Accident, Finding


def findings_attention(request: HttpRequest) -> list[Attention]:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return []
    overdue = scope.filter(
        Finding.objects.filter(status=Finding.Status.OPEN, deadline__lt=local_time.today()),
        union_path_field="workplace__union__path",
    ).count()
    return [
        Attention(
            key="findings-overdue", label=_("整改逾期的问题"), count=overdue,
            url=reverse("supervision:home"), detail=_("已过整改期限仍待整改"),
        )
    ]  # fmt: skip


def _under(unions: Sequence[Union], field: str) -> Q:
    return path_prefix_q(field, [u.path for u in unions])


def _row_of(unions: Sequence[Union], path: str) -> Union | None:
    return next((u for u in unions if path.startswith(u.path)), None)


def open_findings(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    out = dict.fromkeys((u.pk for u in unions), 0)
    rows = (
        Finding.objects.filter(_under(unions, "workplace__union__path"))
        .exclude(status=Finding.Status.VERIFIED)
        .values_list("workplace__union__path")
        .annotate(n=Count("pk"))
    )
    for path, n in rows:
        if (union := _row_of(unions, path)) is not None:
            out[union.pk] += n
    return out


def rectification_rate(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, Any]:
    """整改率: of the findings whose rectification deadline fell this year up to today,
    the share rectified (rectified or verified) — None where none fell due."""
    due = dict.fromkeys((u.pk for u in unions), 0)
    done = dict.fromkeys((u.pk for u in unions), 0)
    rows = (
        Finding.objects.filter(
            _under(unions, "workplace__union__path"),
            deadline__gte=dt.date(today.year, 1, 1), deadline__lte=today,
        )
        .values_list("workplace__union__path")
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=~Q(status=Finding.Status.OPEN)),
        )
    )  # fmt: skip
    for path, n, ok in rows:
        if (union := _row_of(unions, path)) is not None:
            due[union.pk] += n
            done[union.pk] += ok
    return {pk: (round(100 * done[pk] / due[pk], 1) if due[pk] else None) for pk in due}


def accidents_this_year(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    out = dict.fromkeys((u.pk for u in unions), 0)
    rows = (
        Accident.objects.filter(
            _under(unions, "workplace__union__path"),
            occurred_on__gte=dt.date(today.year, 1, 1), occurred_on__lte=today,
        )
        .values_list("workplace__union__path")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for path, n in rows:
        if (union := _row_of(unions, path)) is not None:
            out[union.pk] += n
    return out


AREA_COLUMNS = (
    AreaColumn("findings_open", _("未验证的问题"), open_findings, order=50,
               help=_("监督检查发现、尚未验证整改的问题")),
    AreaColumn("rectification_rate", _("整改率"), rectification_rate, kind="percent", order=60,
               help=_("今年到期的问题中已整改（含已验证）的比例")),
    AreaColumn("accidents_year", _("今年事故"), accidents_this_year, order=70,
               help=_("今年发生的伤亡事故起数")),
)  # fmt: skip
