"""Organizers' overview: visits by station and day or week, chart, exports, inspections due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from stations import exports, hours, selectors
from stations.models import Union, Visit
from stations.scoping import scope_for

MAX_DAYS = 366


def _params(request: HttpRequest) -> tuple[dict[str, Any], str | None]:
    """The report's parameters, and an error naming the field when one is bad."""
    scope = scope_for(request.user)
    if scope.is_empty or not (scope.is_superuser or scope.union_paths):
        raise PermissionDenied
    unions = scope.filter(Union.objects.all(), union_path_field="path").order_by("path")
    today = hours.to_local(timezone.now()).date()
    error = None
    start, end = today - dt.timedelta(days=13), today
    try:
        if request.GET.get("start"):
            start = dt.date.fromisoformat(request.GET["start"])
        if request.GET.get("end"):
            end = dt.date.fromisoformat(request.GET["end"])
    except ValueError:
        error = _("start/end 必须是日期，例如 2027-07-01。")
        start, end = today - dt.timedelta(days=13), today
    if end < start:
        error = _("结束日期不能早于开始日期。")
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        error = _("时间范围最多 %(n)d 天。") % {"n": MAX_DAYS}
        start = end - dt.timedelta(days=MAX_DAYS)
    union = None
    code = request.GET.get("union", "")
    if code:
        union = unions.filter(code=code).first()
        if union is None:
            raise Http404(_("没有这个工会，或不在您的范围内。"))
    period = "week" if request.GET.get("period") == "week" else "day"
    return {
        "unions": unions,
        "union": union,
        "start": start,
        "end": end,
        "period": period,
    }, error


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    params, error = _params(request)
    report = selectors.visit_report(
        user=request.user, union=params["union"], start=params["start"], end=params["end"],
        period=params["period"],
    )  # fmt: skip
    due = selectors.stations_needing_inspection(
        user=request.user, max_age_days=settings.STATION_INSPECTION_MAX_AGE_DAYS
    )
    labels = dict(Visit.Category.choices)
    return render(
        request,
        "stations/organizer/overview.html",
        {
            **params,
            "report": report,
            "categories": [(c, labels[c]) for c in report["categories"]],
            "series": [(label[5:] if params["period"] == "day" else label, n)
                       for label, n in report["series"]],
            "due": due[:200],
            "due_count": due.count(),
            "max_age": settings.STATION_INSPECTION_MAX_AGE_DAYS,
            "error": error,
            "query": request.GET.urlencode(),
        },
        status=400 if error else 200,
    )  # fmt: skip


@login_required
def export_visits(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    params, error = _params(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = selectors.visit_report(
        user=request.user, union=params["union"], start=params["start"], end=params["end"],
        period=params["period"],
    )  # fmt: skip
    scope = params["union"].code if params["union"] else "all"
    name = f"visits-{scope}-{params['start']}-{params['end']}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.visits_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.visits_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
