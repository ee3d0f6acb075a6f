"""Organizers' overview: visits by station and day or week, chart, exports, inspections due.

Only organizers and union admins (and superusers) may open these pages; they see the
stations under their unions, like every selector (``core.scoping``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import time as local_time
from core.access import organizer_scope
from core.categories import WorkerCategory
from stations import exports, selectors
from stations.forms import VisitReportForm
from stations.models import Union
from stations.panels import attention_items, organizer_panels

DUE_LIMIT = 200
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportParams:
    """The report's parameters after validation; ``errors`` explains each fallback."""

    form: VisitReportForm
    unions: QuerySet[Union]
    union: Union | None
    start: dt.date
    end: dt.date
    period: str
    errors: tuple[str, ...]

    def query(self) -> str:
        """The query string of these (valid) parameters, for the export links."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.union is not None:
            values = {"union": self.union.code, **values}
        values["period"] = self.period
        return urlencode(values)


def _params(request: HttpRequest) -> ReportParams:
    """Read and check the GET parameters.

    A union outside the user's scope is a 404; a bad date or period is reported in
    ``errors`` and replaced by the default (the last 14 days ending today, by day).
    """
    scope = organizer_scope(request)
    unions = scope.filter(Union.objects.all(), union_path_field="path").order_by("path")
    data = {name: value.strip() for name, value in request.GET.items()}
    form = VisitReportForm(data, unions=unions, today=local_time.today())
    form.is_valid()
    if "union" in form.errors:
        raise Http404(
            _("没有编号为 %(code)s 的工会，或它不在您的管理范围内。")
            % {"code": data.get("union", "")[:40]}
        )
    return ReportParams(
        form=form,
        unions=unions,
        union=form.cleaned_data.get("union"),
        start=form.start,
        end=form.end,
        period=form.period,
        errors=form.messages(),
    )


def _report(request: HttpRequest, params: ReportParams) -> dict[str, Any]:
    return selectors.visit_report(
        user=request.user,
        union=params.union,
        start=params.start,
        end=params.end,
        period=params.period,
    )


def _week_bucket(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def chart_series(report: dict[str, Any], params: ReportParams) -> list[tuple[str, int]]:
    """The report's totals per day or week over the whole range, zeros included, with short
    labels (``07-14``, ``W28``) for the chart."""
    counts = dict(report["series"])
    buckets: list[str] = []
    day = params.start
    while day <= params.end:
        bucket = day.isoformat() if params.period == "day" else _week_bucket(day)
        if not buckets or buckets[-1] != bucket:
            buckets.append(bucket)
        day += dt.timedelta(days=1)
    return [
        (bucket[5:] if params.period == "day" else bucket.split("-")[-1], counts.get(bucket, 0))
        for bucket in buckets
    ]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Visits by station and day/week for a union, with a chart, exports and the stations
    whose "六有" inspection is overdue."""
    params = _params(request)
    report = _report(request, params)
    max_age = settings.STATION_INSPECTION_MAX_AGE_DAYS
    due = selectors.stations_needing_inspection(user=request.user, max_age_days=max_age)
    if params.union is not None:
        due = due.under(params.union)
    labels = dict(WorkerCategory.choices)
    categories = [(code, labels.get(code, code)) for code in report["categories"]]
    category_totals = [
        (label, sum(row[code] for row in report["rows"])) for code, label in categories
    ]
    return render(
        request,
        "stations/organizer/overview.html",
        {
            "form": params.form,
            "unions": params.unions,
            "union": params.union,
            "start": params.start,
            "end": params.end,
            "period": params.period,
            "errors": params.errors,
            "error": " ".join(params.errors),
            "report": report,
            "categories": categories,
            "category_totals": category_totals,
            "station_count": len({row["station"] for row in report["rows"]}),
            "series": chart_series(report, params),
            "due": list(due[:DUE_LIMIT]),
            "due_count": due.count(),
            "due_limit": DUE_LIMIT,
            "max_age": max_age,
            "query": params.query(),
            "panels": organizer_panels(request),
            "attention": attention_items(request),
            "today": local_time.today(),
        },
        status=400 if params.errors else 200,
    )


@login_required
def export_visits(request: HttpRequest, fmt: str) -> HttpResponse:
    """The overview's table as CSV (UTF-8 with BOM) or XLSX, same parameters and scope."""
    if fmt not in CONTENT_TYPES:
        raise Http404(_("只能导出 CSV 或 XLSX。"))
    params = _params(request)
    if params.errors:
        return HttpResponse(
            " ".join(params.errors), status=400, content_type="text/plain; charset=utf-8"
        )
    report = _report(request, params)
    body = exports.visits_csv(report) if fmt == "csv" else exports.visits_xlsx(report)
    area = params.union.code if params.union is not None else "all"
    name = f"visits-{area}-{params.start.isoformat()}-{params.end.isoformat()}.{fmt}"
    if params.period == "week":
        name = name.replace(f".{fmt}", f"-week.{fmt}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
