"""Public hazard-report pages and the organizers' welfare pages."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import DomainError
from core.scoping import scope_for
from core.throttling import public_form_allowed
from stations.models import Union
from welfare import selectors, services
from welfare.models import Hazard, HazardReport, WeatherAlert


def hazard_report(request: HttpRequest) -> HttpResponse:
    """The public form: where, what, an optional photo and contact. No login."""
    context = {"categories": HazardReport.Category.choices, "values": request.POST}
    if request.method == "POST":
        if not public_form_allowed(request):
            context["error"] = _("提交太频繁，请稍后再试。")
            return render(request, "welfare/hazard_report.html", context, status=429)
        try:
            report = services.hazard_report_submit(
                lat=request.POST.get("lat") or None,
                lng=request.POST.get("lng") or None,
                address=request.POST.get("address", ""),
                category=request.POST.get("category", ""),
                description=request.POST.get("description", ""),
                contact=request.POST.get("contact", ""),
                photo=request.FILES.get("photo"),
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "welfare/hazard_report.html", context, status=exc.status_code)
        return redirect(f"{reverse('welfare:hazard-status')}?code={report.tracking_code}&new=1")
    return render(request, "welfare/hazard_report.html", context)


def hazard_status(request: HttpRequest) -> HttpResponse:
    """A reporter looks up their report by tracking code: status and dates only."""
    code = (request.GET.get("code") or "").strip()
    context: dict[str, object] = {"code": code, "new": request.GET.get("new") == "1"}
    if code:
        try:
            context["status"] = services.hazard_report_status(tracking_code=code)
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "welfare/hazard_status.html", context, status=404)
    return render(request, "welfare/hazard_status.html", context)


@login_required
def workplace_map(request: HttpRequest) -> HttpResponse:
    """The organizers' layer of special-environment workplaces (not public)."""
    scope = scope_for(request.user)
    if not (scope.is_superuser or scope.union_paths):
        raise PermissionDenied
    # The scope's own top unions (already minimal); a superuser's are the tree's roots.
    tops = (
        Union.objects.filter(parent__isnull=True)
        if scope.is_superuser
        else Union.objects.filter(path__in=scope.union_paths)
    )
    due = {"overdue": [], "soon": []}
    for union in tops:
        for key, workers in selectors.checks_due(union=union).items():
            due[key].extend(workers)
    alerts = (
        scope.filter(
            WeatherAlert.objects.filter(day__gte=local_time.today()),
            union_path_field="region__unions__path",
        )
        .distinct()
        .select_related("region")
        .order_by("day", "-level")[:50]
    )
    reports = scope.filter(
        HazardReport.objects.exclude(status=HazardReport.Status.CLOSED)
    ).order_by("-created_at")[:50]
    return render(
        request,
        "welfare/workplaces.html",
        {"hazards": Hazard.choices, "due": due, "alerts": alerts, "reports": reports},
    )


@login_required
def hot_days_csv(request: HttpRequest) -> HttpResponse:
    """Days at or above 35 °C per region in a year (they decide the heat allowance)."""
    scope = scope_for(request.user)
    if not (scope.is_superuser or scope.union_paths):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or local_time.today().year)
    except ValueError:
        return HttpResponse(
            _("year 必须是年份，例如 2027。"), status=400, content_type="text/plain; charset=utf-8"
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("区划代码"), _("区划"), _("35°C 以上天数"), _("日期")])
    for row in selectors.hot_days(year=year):
        writer.writerow(
            [
                row["region"],
                row["name"],
                len(row["days"]),
                " ".join(d.isoformat() for d in row["days"]),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hot-days-{year}.csv"'
    return response
