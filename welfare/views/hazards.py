"""Hazard reports: the public form (no login) and the status page by tracking code, and
the organizers' list and handling of the reports under their unions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import organizer_scope
from core.errors import DomainError
from core.scoping import Scope
from core.throttling import public_form_retry_after, too_many
from welfare import services
from welfare.forms import HazardActionForm, HazardReportForm, HazardStatusForm, add_domain_error
from welfare.models import HazardReport
from welfare.selectors.hazards import hazard_reports_in_scope, may_handle, public_station
from welfare.selectors.rewards import reward_of

PAGE_SIZE = 50


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
def hazards(request: HttpRequest) -> HttpResponse:
    scope = organizer_scope(request)
    status = request.GET.get("status", "open")
    if status not in {"", "open", *HazardReport.Status.values}:
        status = "open"
    rows = hazard_reports_in_scope(scope, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "welfare/organizer/hazards.html",
        {"page": page, "status": status, "statuses": HazardReport.Status.choices},
    )


def _report(scope: Scope, pk: int) -> HazardReport:
    report = hazard_reports_in_scope(scope).filter(pk=pk).first()
    if report is None:
        raise Http404(_("没有这条举报，或不在您的管理范围内。"))
    return report


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = organizer_scope(request)
    report = _report(scope, pk)
    form = HazardActionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hazard_report_advance(
                    actor=request.user, report=report, status=data["status"],
                    grade=data["grade"], note=data["note"],
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("处理结果已保存。"))
                return redirect("welfare:hazard", pk=report.pk)
        else:
            status = 400
    allowed = services.HAZARD_TRANSITIONS.get(report.status, ())
    form.fields["status"].choices = [(s, HazardReport.Status(s).label) for s in allowed]
    contact = report.contact if report.handler_id == request.user.pk else None
    return render(
        request,
        "welfare/organizer/hazard.html",
        {
            "report": report,
            "form": form,
            "can_handle": bool(allowed) and may_handle(user=request.user, report=report),
            "contact": contact,
            "steps": report.steps.select_related("actor").order_by("at", "pk"),
            "reward": reward_of(report),
        },
        status=status,
    )
