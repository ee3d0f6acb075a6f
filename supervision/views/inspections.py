"""The supervision overview, inspections recorded on site (also from the phone's offline
queue), their findings and each finding's steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.access import organizer_scope
from core.api import error_body
from core.errors import DomainError
from core.scoping import Scope
from supervision import panels
from supervision.forms import (
    ActionForm,
    FindingForm,
    FindingStepForm,
    InspectionForm,
    NoticeIssueForm,
    add_domain_error,
)
from supervision.models import Finding, Inspection
from supervision.selectors.inspections import findings_in_scope, inspections_in_scope
from supervision.selectors.inspectors import appointed_in_scope
from supervision.selectors.workplaces import unions_in_scope, workplaces_in_scope
from supervision.services import inspections as inspection_services
from supervision.views._common import finding_input, form_status
from supervision.views.notices import NOTICE_ACTIONS, notice_post


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The supervision overview: the dashboard, recent inspections, open findings."""
    scope = organizer_scope(request)
    today = local_time.today()
    return render(request, "supervision/home.html", {
        "panel": panels.supervision_panel(request),
        "inspections": inspections_in_scope(scope)[:20],
        "findings": findings_in_scope(scope, status=Finding.Status.OPEN)[:50],
        "rectified": findings_in_scope(scope, status=Finding.Status.RECTIFIED)[:50],
        "today": today,
    })  # fmt: skip


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Record an inspection on site, on a phone, with its first finding and photos."""
    scope = organizer_scope(request)
    workplaces = workplaces_in_scope(scope)
    form = InspectionForm(
        request.POST or None, request.FILES or None, workplaces=workplaces,
        unions=unions_in_scope(scope), appointed=appointed_in_scope(scope),
    )  # fmt: skip
    queued = request.headers.get("X-Queue") == "1"  # sent by the phone's offline queue
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        findings = []
        if v["has_finding"]:
            findings = [finding_input(v, request.FILES.getlist("photos"))]
        try:
            inspection = inspection_services.inspection_record(
                actor=request.user, workplace=v["workplace"], inspected_on=v["inspected_on"],
                inspectors=v["inspectors"], agencies=v["agencies"], notes=v["notes"],
                findings=findings, client_uuid=v["client_uuid"], union=v["union"],
                appointed=list(v["appointed"] or ()),
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if queued:
                return JsonResponse({"id": inspection.pk, "url": reverse(
                    "supervision:inspection", args=[inspection.pk])})  # fmt: skip
            messages.success(request, _("检查已记录。"))
            return redirect("supervision:inspection", pk=inspection.pk)
    if queued and request.method == "POST":
        field, errors = next(iter(form.errors.items()), (None, [_("请检查填写的内容。")]))
        label = form.fields[field].label if field in form.fields else ""
        return JsonResponse(error_body(f"{label} {errors[0]}".strip(), field=field), status=400)
    return render(
        request, "supervision/inspection_form.html", {"form": form}, status=form_status(request)
    )


def inspection_service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /organizer/supervision/ so its scope covers the inspection pages (a
    script under /static/ could only control /static/)."""
    path = finders.find("supervision/inspection-sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _inspection(scope: Scope, pk: int) -> Inspection:
    inspection = inspections_in_scope(scope).filter(pk=pk).first()
    if inspection is None:
        raise Http404(_("没有这次检查，或不在您的管理范围内。"))
    return inspection


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = organizer_scope(request)
    inspection = _inspection(scope, pk)
    issue_form = NoticeIssueForm()
    action = ActionForm.action_of(request.POST) if request.method == "POST" else ""
    if action in NOTICE_ACTIONS:
        refused = notice_post(request, inspection, action=action)
        if refused is None:
            return redirect("supervision:inspection", pk=inspection.pk)
        issue_form = refused
    # A POST to the inspection page without a notice action adds a finding.
    adding = request.method == "POST" and action not in NOTICE_ACTIONS
    form = FindingForm(request.POST if adding else None)
    if adding and form.is_valid():
        try:
            inspection_services.finding_add(
                actor=request.user, inspection=inspection,
                data=finding_input(form.cleaned_data, request.FILES.getlist("photos")),
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("问题已记录。"))
            return redirect("supervision:inspection", pk=inspection.pk)
    findings = inspection.findings.prefetch_related("photos").order_by("pk")
    return render(request, "supervision/inspection.html", {
        "inspection": inspection, "form": form, "step_form": FindingStepForm(),
        "issue_form": issue_form, "notices": inspection.notices.order_by("issued_on", "pk"),
        "rows": [{"finding": f, "steps": _steps_for(f),
                  "dual_overdue": inspection_services.dual_report_overdue(
                      f, on=local_time.today())} for f in findings],
        "today": local_time.today(),
    }, status=form_status(request))  # fmt: skip


def _steps_for(finding: Finding) -> list[str]:
    steps = {
        Finding.Status.OPEN: ["rectify"],
        Finding.Status.RECTIFIED: ["verify", "reopen"],
        Finding.Status.VERIFIED: [],
    }[finding.status]
    if finding.severity == Finding.Severity.MAJOR:
        if finding.government_reported_on is None:
            steps.append("government")
        if finding.congress_reported_on is None:
            steps.append("congress")
        if (
            finding.government_reported_on
            and finding.congress_reported_on
            and finding.dual_verified_on is None
        ):
            steps.append("dual_verify")
    return steps


@login_required
@require_POST
def finding_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of a finding, from its inspection's page."""
    scope = organizer_scope(request)
    finding = findings_in_scope(scope).filter(pk=pk).first()
    if finding is None:
        raise Http404(_("没有这个问题，或不在您的管理范围内。"))
    form = FindingStepForm(request.POST, request.FILES)
    back = (
        redirect("supervision:inspection", pk=finding.inspection_id)
        if finding.inspection_id
        else redirect("supervision:home")
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        messages.error(request, f"{form.fields[field].label if field in form.fields else ''} "
                                f"{errors[0]}")  # fmt: skip
        return back
    v = form.cleaned_data
    actor, on, note = request.user, v["on"], v["text"]
    try:
        match v["step"]:
            case "rectify":
                inspection_services.finding_rectify(
                    actor=actor, finding=finding, rectified_on=on, evidence=note,
                    photos=request.FILES.getlist("photos"),
                )  # fmt: skip
            case "verify":
                inspection_services.finding_verify(
                    actor=actor, finding=finding, verified_on=on, note=note
                )
            case "reopen":
                inspection_services.finding_reopen(actor=actor, finding=finding, reason=note)
            case "government":
                inspection_services.finding_report_government(
                    actor=actor, finding=finding, reported_on=on, recipient=note
                )
            case "congress":
                inspection_services.finding_report_congress(
                    actor=actor, finding=finding, reported_on=on, recipient=note
                )
            case "dual_verify":
                inspection_services.finding_dual_report_verify(
                    actor=actor, finding=finding, verified_on=on
                )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记。"))
    return back
