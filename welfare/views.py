"""Public hazard-report pages and the organizers' welfare pages."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.scoping import Scope, scope_for
from core.tabular import formula_safe
from core.throttling import public_form_retry_after, too_many
from welfare import services
from welfare.forms import HazardReportForm, HazardStatusForm, HotDaysForm, add_domain_error
from welfare.models import Hazard
from welfare.selectors.forecasts import hot_day_threshold, hot_days
from welfare.selectors.hazards import public_station
from welfare.selectors.workplaces import organizer_overview


def _organizer_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied
    return scope


def _report_page(request: HttpRequest, form: HazardReportForm, station: Any, status: int = 200):
    region = station.region if station is not None else None
    if region is None and form.is_bound and form.is_valid():
        region = form.cleaned_data.get("region")
    context = {
        "form": form,
        "station": station,
        "contacts": services.report_contacts(region=region),
        "tiles": settings.TILE_PROVIDER,
        "center": settings.LEAFLET_CONFIG["DEFAULT_CENTER"],
        "pick_text": {
            "picked": _("已选位置。"),
            "locating": _("正在定位…"),
            "failed": _("无法取得您的位置，请在地图上点选或填写地址。"),
        },
    }
    return render(request, "welfare/hazard_report.html", context, status=status)


def hazard_report(request: HttpRequest) -> HttpResponse:
    """The public form: where (a point on the map, "use my location", or an address with
    its region), what, an optional photo and contact. No login. ``?station=CODE`` (the
    link on a station page) starts at that station."""
    station = public_station(request.GET.get("station", ""))
    if request.method != "POST":
        initial = {}
        if station is not None:
            initial = {"lat": round(station.location.y, 6), "lng": round(station.location.x, 6),
                       "address": station.address[:300]}  # fmt: skip
            if station.region is not None and station.region.level != "province":
                initial["region"] = station.region.code
        return _report_page(request, HazardReportForm(initial=initial), station)
    form = HazardReportForm(request.POST, request.FILES)
    if (wait := public_form_retry_after(request)) is not None:
        form.add_error(None, _("提交太频繁，请稍后再试。"))
        return too_many(_report_page(request, form, station, status=429), wait)
    if not form.is_valid():
        return _report_page(request, form, station, status=400)
    data = form.cleaned_data
    try:
        report = services.hazard_report_submit(
            lat=data["lat"], lng=data["lng"], address=data["address"], category=data["category"],
            description=data["description"], contact=data["contact"], photo=data["photo"],
            region=data["region"],
        )  # fmt: skip
    except DomainError as exc:
        add_domain_error(form, exc)
        return _report_page(request, form, station, status=exc.status_code)
    return redirect(f"{reverse('welfare:hazard-status')}?code={report.tracking_code}&new=1")


def hazard_status(request: HttpRequest) -> HttpResponse:
    """A reporter looks up their report by tracking code: status and dates only."""
    form = HazardStatusForm(request.GET if "code" in request.GET else None)
    context: dict[str, object] = {"form": form, "new": request.GET.get("new") == "1"}
    if not form.is_bound:
        return render(request, "welfare/hazard_status.html", context)
    if not form.is_valid():
        return render(request, "welfare/hazard_status.html", context, status=400)
    context["code"] = form.cleaned_data["code"]
    try:
        status = services.hazard_report_status(tracking_code=form.cleaned_data["code"])
    except DomainError as exc:
        form.add_error("code", exc.message)  # the service calls it tracking_code
        return render(request, "welfare/hazard_status.html", context, status=exc.status_code)
    for step in status["steps"]:
        step["at_text"] = step["at"][:16].replace("T", " ")  # already Asia/Shanghai
    context["status"] = status
    return render(request, "welfare/hazard_status.html", context)


@login_required
def workplace_map(request: HttpRequest) -> HttpResponse:
    """The organizers' layer of special-environment workplaces (not public)."""
    scope = _organizer_scope(request)
    return render(
        request,
        "welfare/workplaces.html",
        {
            "hazards": Hazard.choices,
            "hot_day_threshold": hot_day_threshold(),
            **organizer_overview(scope=scope),
        },
    )


@login_required
def hot_days_csv(request: HttpRequest) -> HttpResponse:
    """Hot days per region in a year (they decide the heat allowance)."""
    _organizer_scope(request)
    form = HotDaysForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            " ".join(form.errors["year"]), status=400, content_type="text/plain; charset=utf-8"
        )
    year = form.cleaned_data["year"]
    threshold = hot_day_threshold()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("区划代码"), _("区划"), _("%(t)s°C 以上天数") % {"t": f"{threshold:g}"}, _("日期")]
    )
    for row in hot_days(year=year, threshold=threshold):
        writer.writerow(
            [
                row["region"],
                formula_safe(row["name"]),
                len(row["days"]),
                " ".join(d.isoformat() for d in row["days"]),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hot-days-{year}.csv"'
    return response
