"""Organizer pages of the supervision app. Only organizers open them (others: 403;
anonymous: the login page); objects outside the organizer's unions are not found (404)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.errors import DomainError
from core.private_files import private_file_response
from core.scoping import Scope, scope_for
from stations.models import Union
from supervision import exports, notices, panels
from supervision.forms import (
    AccidentForm,
    AccidentStepForm,
    FindingForm,
    FindingStepForm,
    FollowUpForm,
    InspectionForm,
    InspectorReportForm,
    NoticeIssueForm,
    NoticeStepForm,
    StopWorkForm,
    add_domain_error,
)
from supervision.models import Award, Competition, Finding, Inspection
from supervision.selectors import returns as return_selectors
from supervision.selectors.accidents import accidents_in_scope, claim_clock, injured_names_visible
from supervision.selectors.competitions import (
    RANKING_DIMENSIONS,
    competition_ranking,
    competitions_in_scope,
    evidence_in_scope,
)
from supervision.selectors.inspections import findings_in_scope, inspections_in_scope
from supervision.selectors.inspectors import appointed_in_scope, inspector_roles
from supervision.selectors.notices import notice_summary, notices_in_scope
from supervision.selectors.workplaces import safety_cards, unions_in_scope, workplaces_in_scope
from supervision.services import accidents as accident_services
from supervision.services import competitions as competition_services
from supervision.services import inspections as inspection_services
from supervision.services import inspectors as inspector_services
from supervision.services import notice_register as notice_services
from supervision.services import stop_work as stop_work_services
from supervision.services import workplace_safety
from supervision.services.inspections import FindingInput
from welfare.models import Workplace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organizer_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied(_("只有组织者可以打开这个页面。"))
    return scope


def _union(scope: Scope, code: str) -> Union:
    """The union named by ``code``, else the organizer's own (the top one they manage)."""
    if code:
        union = Union.objects.filter(code=code[:40]).first()
    elif scope.union_paths:
        union = Union.objects.filter(path=scope.union_paths[0]).first()
    else:
        union = Union.objects.filter(parent__isnull=True).order_by("path").first()
    if union is None or not scope.covers_union(union):
        raise Http404(_("没有这个工会，或不在您的管理范围内。"))
    return union


def _year(value: str) -> int:
    if not value:
        return local_time.today().year
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise Http404(_("年份不正确。"))
    return int(value)


@login_required
def accident_report(request: HttpRequest) -> HttpResponse:
    """The year's accident statistics for the union above, as XLSX."""
    scope = organizer_scope(request)
    union = _union(scope, request.GET.get("union", ""))
    year = _year(request.GET.get("year", ""))
    response = HttpResponse(
        exports.accident_report_xlsx(scope=scope, union=union, year=year), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="accidents-{union.code}-{year}.xlsx"'
    return response


@login_required
def accident_return(request: HttpRequest) -> HttpResponse:
    """The quarterly (``?quarter=1``–``4``) or yearly accident return, as XLSX."""
    scope = organizer_scope(request)
    union = _union(scope, request.GET.get("union", ""))
    year = _year(request.GET.get("year", ""))
    quarter_text = request.GET.get("quarter", "")
    if quarter_text not in ("", "1", "2", "3", "4"):
        raise Http404(_("季度应为 1 到 4。"))
    quarter = int(quarter_text) if quarter_text else None
    response = HttpResponse(
        exports.accident_return_xlsx(scope=scope, union=union, year=year, quarter=quarter),
        content_type=XLSX,
    )
    suffix = f"Q{quarter}" if quarter else "year"
    response["Content-Disposition"] = (
        f'attachment; filename="accident-return-{union.code}-{year}-{suffix}.xlsx"'
    )
    return response


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    """The accident return of a quarter or the year on the page (统计表 with subtotals up
    the tree), with the XLSX files unions send upward."""
    scope = organizer_scope(request)
    union = _union(scope, request.GET.get("union", ""))
    today = local_time.today()
    year = _year(request.GET.get("year", ""))
    quarter_text = request.GET.get("quarter", "")
    if quarter_text not in ("", "1", "2", "3", "4"):
        raise Http404(_("季度应为 1 到 4。"))
    quarter = int(quarter_text) if quarter_text else None
    data = return_selectors.accident_return(scope, union=union, year=year, quarter=quarter)
    rows = [
        {**row, "loss_wan": row["subtotal"]["direct_loss"] / 10000,
         "has_below": any(o is not row and o["union"].path.startswith(row["union"].path)
                          for o in data["rows"])}
        for row in data["rows"]
    ]  # fmt: skip
    return render(request, "supervision/returns.html", {
        "union": union, "year": year, "quarter": quarter, "rows": rows,
        "cases": data["cases"], "quarters": (1, 2, 3, 4), "this_year": today.year,
    })  # fmt: skip


@login_required
def protection_statistics(request: HttpRequest) -> HttpResponse:
    """The yearly labour-protection statistics table, as XLSX."""
    scope = organizer_scope(request)
    union = _union(scope, request.GET.get("union", ""))
    year = _year(request.GET.get("year", ""))
    response = HttpResponse(
        exports.labour_protection_xlsx(scope=scope, union=union, year=year), content_type=XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="labour-protection-{union.code}-{year}.xlsx"'
    )
    return response


@login_required
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's written notice as PDF (``?kind=rectification`` for 整改建议书)."""
    scope = organizer_scope(request)
    inspection = inspections_in_scope(scope).filter(pk=pk).first()
    if inspection is None:
        raise Http404(_("没有这次检查，或不在您的管理范围内。"))
    kind = request.GET.get("kind") or "opinion"
    if kind not in notices.KINDS:
        raise Http404(_("没有这种文书。"))
    # An issued notice is reprinted as first printed; before issue, a draft.
    issued = inspection.notices.filter(kind=kind)
    wanted = request.GET.get("n", "")
    if wanted:
        issued = issued.filter(pk=int(wanted) if wanted.isdigit() and len(wanted) < 12 else 0)
        if not issued.exists():
            raise Http404(_("没有这份文书。"))
    notice = issued.order_by("-issued_on", "-pk").first()
    if notice is not None:
        content, name = bytes(notice.pdf), f"notice-{notice.year}-{notice.number}.pdf"
    else:
        content = notices.inspection_notice_pdf(inspection=inspection, kind=kind)
        name = f"notice-{inspection.pk}-{kind}-draft.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def notice_register(request: HttpRequest) -> HttpResponse:
    """The register of issued notices: number, dates served and replied, overdue first."""
    scope = organizer_scope(request)
    year = _year(request.GET.get("year", ""))
    rows = notices_in_scope(scope).filter(year=year)
    return render(request, "supervision/notices.html", {
        "notices": rows[:500], "year": year, "today": local_time.today(),
        "summary": notice_summary(rows, on=local_time.today()),
    })  # fmt: skip


# Pages ---------------------------------------------------------------------------------


def _status(request: HttpRequest) -> int:
    """A form page shown again after a POST: the POST was refused (400, the reason beside
    its field), as the other apps' forms answer."""
    return 400 if request.method == "POST" else 200


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


def _finding_input(data: dict[str, Any], photos: Any = ()) -> FindingInput:
    return FindingInput(
        category=data.get("category") or "", severity=data.get("severity") or "general",
        description=data.get("description") or "", law_cited=data.get("law_cited") or "",
        requirement=data.get("requirement") or "", deadline=data.get("deadline"),
        responsible_person=data.get("responsible_person") or "", photos=photos,
    )  # fmt: skip


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
            findings = [_finding_input(v, request.FILES.getlist("photos"))]
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
        return JsonResponse(
            {"error": {"field": field, "message": f"{label} {errors[0]}".strip()}}, status=400
        )
    return render(
        request, "supervision/inspection_form.html", {"form": form}, status=_status(request)
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


def _notice_post(request: HttpRequest, inspection: Inspection) -> NoticeIssueForm | None:
    """Issue a notice, or record one served or replied to. Answers the issue form when it
    was refused (shown again with the reason), else ``None``."""
    action = request.POST.get("action")
    if action == "issue":
        form = NoticeIssueForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                notice = notice_services.notice_issue(
                    actor=request.user, inspection=inspection, kind=v["kind"],
                    issued_on=v["issued_on"], reply_due=v["reply_due"],
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已发文：%(n)s。") % {"n": notice.document_number})
                return None
        return form
    step = NoticeStepForm(request.POST)
    if not step.is_valid():
        messages.error(request, _("请检查填写的日期。"))
        return None
    v = step.cleaned_data
    notice = inspection.notices.filter(pk=v["notice"]).first()
    if notice is None:
        raise Http404(_("没有这份文书。"))
    try:
        if v["action"] == "served":
            notice_services.notice_serve(actor=request.user, notice=notice, served_on=v["on"])
        else:
            notice_services.notice_reply_record(
                actor=request.user, notice=notice, received_on=v["on"], note=v["note"]
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记。"))
    return None


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = organizer_scope(request)
    inspection = _inspection(scope, pk)
    issue_form = NoticeIssueForm()
    if request.method == "POST" and request.POST.get("action") in ("issue", "served", "reply"):
        refused = _notice_post(request, inspection)
        if refused is None:
            return redirect("supervision:inspection", pk=inspection.pk)
        issue_form = refused
    adding = request.method == "POST" and _adds_finding(request)
    form = FindingForm(request.POST if adding else None)
    if adding and form.is_valid():
        try:
            inspection_services.finding_add(
                actor=request.user, inspection=inspection,
                data=_finding_input(form.cleaned_data, request.FILES.getlist("photos")),
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
    }, status=_status(request))  # fmt: skip


def _adds_finding(request: HttpRequest) -> bool:
    """A POST to the inspection page without a notice action adds a finding."""
    return request.POST.get("action") not in ("issue", "served", "reply")


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


@login_required
def workplace_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A workplace's supervision record: 一会三卡 (missing ones first in sight), open
    findings, inspections and accidents."""
    scope = organizer_scope(request)
    workplace = workplaces_in_scope(scope).filter(pk=pk).first()
    if workplace is None:
        raise Http404(_("没有这个单位，或不在您的管理范围内。"))
    return render(request, "supervision/workplace.html", {
        "workplace": workplace,
        "cards": safety_cards(workplace),
        "findings": findings_in_scope(scope, workplace=workplace).exclude(
            status=Finding.Status.VERIFIED
        ),
        "inspections": inspections_in_scope(scope).filter(workplace=workplace)[:20],
        "accidents": accidents_in_scope(scope).filter(workplace=workplace)[:20],
        "proposals": workplace.stop_work_proposals.order_by("-proposed_at")[:20],
        "teams": workplace_safety.team_cards_summary(
            workplace=workplace, year=local_time.today().year
        ),
        "stop_form": StopWorkForm(),
        "today": local_time.today(),
    })  # fmt: skip


@login_required
@require_POST
def stop_work(request: HttpRequest, pk: int) -> HttpResponse:
    """建议撤离 / 停止作业 at a workplace; the organizers above hear of it at once."""
    scope = organizer_scope(request)
    workplace = workplaces_in_scope(scope).filter(pk=pk).first()
    if workplace is None:
        raise Http404(_("没有这个单位，或不在您的管理范围内。"))
    form = StopWorkForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} {errors[0]}")
        return redirect("supervision:workplace", pk=workplace.pk)
    v = form.cleaned_data
    try:
        stop_work_services.stop_work_propose(
            actor=request.user, workplace=workplace, kind=v["kind"],
            proposed_at=v["proposed_at"], place=v["place"], addressed_to=v["addressed_to"],
            danger=v["danger"],
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录，并已通知上级工会。"))
    return redirect("supervision:workplace", pk=workplace.pk)


# Accidents -----------------------------------------------------------------------------


@login_required
def accidents(request: HttpRequest) -> HttpResponse:
    """The accidents of this year and last, and the form to register one."""
    scope = organizer_scope(request)
    form = AccidentForm(request.POST or None, workplaces=workplaces_in_scope(scope))
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            accident = accident_services.accident_register(
                actor=request.user, workplace=v["workplace"], occurred_on=v["occurred_on"],
                place=v["place"], category=v["category"], cause=v["cause"],
                deaths=v["deaths"], serious=v["serious"], minor=v["minor"],
                description=v["description"], union_participation=v["union_participation"],
                injured=[accident_services.InjuredInput(n, i, d) for n, i, d in v["injured"]],
                direct_loss=v["direct_loss"] or 0, kind=v["kind"] or "accident",
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("事故已登记，您是它的处理人。"))
            return redirect("supervision:accident", pk=accident.pk)
    today = local_time.today()
    rows = accidents_in_scope(scope).filter(occurred_on__year__gte=today.year - 1)
    steps = [
        {"title": title, "fields": [form[n] for n, s in AccidentForm.STEPS.items() if s == i]}
        for i, title in enumerate(AccidentForm.STEP_TITLES, start=1)
    ]
    return render(request, "supervision/accidents.html", {
        "form": form, "accidents": rows[:100], "year": today.year, "steps": steps,
    }, status=_status(request))  # fmt: skip


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: 四不放过 with its gate, the injured and their follow-up (names only for
    the handling organizer)."""
    scope = organizer_scope(request)
    accident = accidents_in_scope(scope).filter(pk=pk).first()
    if accident is None:
        raise Http404(_("没有这起事故，或不在您的管理范围内。"))
    if request.method == "POST":
        _accident_post(request, accident)
        return redirect("supervision:accident", pk=accident.pk)
    done = {c.kind: c for c in accident.checks.all()}
    today = local_time.today()
    return render(request, "supervision/accident.html", {
        "accident": accident, "loss_wan": accident.direct_loss / 10000,
        "checks": [{"kind": k, "label": label, "check": done.get(k)}
                   for k, label in accident.checks.model.Kind.choices],
        "open_kinds": [k for k, _label in accident.checks.model.Kind.choices if k not in done],
        "names_visible": injured_names_visible(request.user, accident),
        "injured": [{"person": p, "clock": claim_clock(p, on=today)}
                    for p in accident.injured.all()],
        "step_form": AccidentStepForm(), "follow_up_form": FollowUpForm(),
        "today": today,
    })  # fmt: skip


def _accident_post(request: HttpRequest, accident: Any) -> None:
    person_id = request.POST.get("person", "")
    try:
        if person_id:
            person = accident.injured.filter(pk=person_id if person_id.isdigit() else 0).first()
            follow = FollowUpForm(request.POST)
            if person is None or not follow.is_valid():
                messages.error(request, _("请检查填写的日期。"))
                return
            v = follow.cleaned_data
            accident_services.injured_follow_up(
                actor=request.user, person=person,
                insurance_claimed_on=v["insurance_claimed_on"],
                insurance_granted_on=v["insurance_granted_on"], placement=v["placement"] or None,
            )  # fmt: skip
        else:
            form = AccidentStepForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请检查填写的内容。"))
                return
            v = form.cleaned_data
            match v["step"]:
                case "cause":
                    accident_services.accident_set_cause(
                        actor=request.user, accident=accident, cause=v["cause"]
                    )
                case "check":
                    accident_services.accident_check_record(
                        actor=request.user, accident=accident, kind=v["kind"],
                        done_on=v["on"], evidence=v["evidence"],
                    )  # fmt: skip
                case "close":
                    accident_services.accident_close(
                        actor=request.user, accident=accident, closed_on=v["on"]
                    )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记。"))


# Safety inspectors ---------------------------------------------------------------------


@login_required
def inspector_report(request: HttpRequest) -> HttpResponse:
    """A workers' safety inspector reports a finding or hazard at their unit, from the
    phone; it goes into the same rectification path as an organizer's finding."""
    unit_ids = [r.workplace_id for r in inspector_roles(request.user)]
    scope = scope_for(request.user)
    allowed = Q(pk__in=unit_ids)
    if scope.is_organizer:
        allowed |= Q(pk__in=workplaces_in_scope(scope).values("pk"))
    workplaces = Workplace.objects.filter(allowed)
    if not unit_ids and not scope.is_organizer:
        raise PermissionDenied(_("只有职工安全监督检查员可以在这里报告。"))
    form = InspectorReportForm(request.POST or None, request.FILES or None,
                               workplaces=workplaces.order_by("name"))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            inspector_services.inspector_report_finding(
                actor=request.user, workplace=v["workplace"],
                data=_finding_input(v), photos=request.FILES.getlist("photos"),
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已报告，工会将跟踪整改。"))
            return redirect("supervision:inspector-report")
    mine = Finding.objects.filter(reported_by=request.user, source=Finding.Source.INSPECTOR)
    return render(request, "supervision/inspector_report.html", {
        "form": form, "mine": mine.select_related("workplace").order_by("-created_at")[:20],
    }, status=_status(request))  # fmt: skip


# 安康杯 ---------------------------------------------------------------------------------


@login_required
def competitions(request: HttpRequest) -> HttpResponse:
    scope = organizer_scope(request)
    return render(request, "supervision/competitions.html", {
        "competitions": competitions_in_scope(scope)[:50],
    })  # fmt: skip


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A contest entry's evidence (private storage), for the competition's organizers."""
    scope = organizer_scope(request)
    evidence = evidence_in_scope(scope, pk=pk)
    if evidence is None:
        raise Http404(_("没有这份材料，或不在您的管理范围内。"))
    suffix = PurePosixPath(evidence.file.name).suffix
    return private_file_response(evidence.file.name, download_name=f"evidence-{pk}{suffix}")


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A competition: enrol units, score them on the sheet, rank them by region or
    industry and give the awards; the status moves enrolling → evaluating → closed."""
    scope = organizer_scope(request)
    competition = competitions_in_scope(scope).filter(pk=pk).first()
    if competition is None:
        raise Http404(_("没有这个竞赛，或不在您的管理范围内。"))
    if request.method == "POST":
        _competition_post(request, scope, competition)
        return redirect("supervision:competition", pk=competition.pk)
    by = request.GET.get("by") or None
    if by not in (None, *RANKING_DIMENSIONS):
        raise Http404(_("只能按区划或行业排名。"))
    entries = (
        competition.entries.select_related("workplace", "unit_union")
        .prefetch_related("groups", "evidence")
        .order_by("pk")
    )
    enrolled = {e.workplace_id for e in entries if e.workplace_id}
    return render(request, "supervision/competition.html", {
        "competition": competition, "by": by, "entries": entries,
        "ranking": competition_ranking(competition, by=by),
        "candidates": workplaces_in_scope(scope).filter(
            union__path__startswith=competition.union.path
        ).exclude(pk__in=enrolled),
        "awards": Award.choices,
    })  # fmt: skip


def _competition_post(request: HttpRequest, scope: Scope, competition: Competition) -> None:
    action, actor = request.POST.get("action", ""), request.user
    entry_id = request.POST.get("entry", "")
    entry = competition.entries.filter(pk=int(entry_id)).first() if entry_id.isdigit() else None
    try:
        if action == "enrol":
            wanted = request.POST.get("workplace", "")
            workplace = (
                workplaces_in_scope(scope).filter(pk=int(wanted) if wanted.isdigit() else 0).first()
            )
            if workplace is None:
                messages.error(request, _("请选择参赛单位。"))
                return
            competition_services.competition_enrol(
                actor=actor, competition=competition, workplace=workplace
            )
        elif action in ("evaluating", "closed"):
            competition_services.competition_advance(
                actor=actor, competition=competition, status=action
            )
        elif action == "evaluate" and entry is not None:
            scores = {item["code"]: request.POST.get(f"score-{item['code']}", "")
                      for item in competition.scoring_items}  # fmt: skip
            competition_services.entry_evaluate(actor=actor, entry=entry, scores=scores)
        elif action == "evidence" and entry is not None:
            competition_services.entry_evidence_add(
                actor=actor, entry=entry, upload=request.FILES.get("file"),
                note=request.POST.get("note", ""),
            )  # fmt: skip
        elif action == "group" and entry is not None:
            members = request.POST.get("members", "")
            competition_services.group_register(
                actor=actor, entry=entry, name=request.POST.get("name", ""),
                leader=request.POST.get("leader", ""),
                members=int(members) if members.isdigit() and len(members) < 6 else -1,
            )  # fmt: skip
        elif action == "group_score" and entry is not None:
            wanted = request.POST.get("group", "")
            group = entry.groups.filter(pk=int(wanted)).first() if wanted.isdigit() else None
            if group is None:
                messages.error(request, _("没有这个班组。"))
                return
            competition_services.group_evaluate(
                actor=actor, group=group, score=request.POST.get("score", ""),
                award=request.POST.get("award", ""),
            )  # fmt: skip
        elif action == "award" and entry is not None:
            competition_services.entry_award(
                actor=actor, entry=entry, award=request.POST.get("award", "")
            )
        else:
            messages.error(request, _("无法识别的操作。"))
            return
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
