"""Organizers' welfare pages: workers (one by one or from a roster), their checks and
leaving, hazard reports and their outcomes, rewards against the yearly budget; and the
panel the welfare app adds to the organizer overview (``/organizer/``).

Only organizers (``scope.is_organizer``) open these pages (others: 403; anonymous: the
login page). Objects outside the organizer's unions are not found (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.errors import DomainError
from core.scoping import Scope, scope_for
from stations.models import Union
from welfare import services, surveillance
from welfare.forms import (
    HazardActionForm,
    HealthCheckRecordForm,
    LeaveForm,
    RewardBudgetForm,
    RewardPaidForm,
    RosterApplyForm,
    RosterUploadForm,
    WorkerForm,
    add_domain_error,
)
from welfare.models import Hazard, HazardReport, HazardReward, Worker, Workplace
from welfare.selectors.hazards import hazard_reports_in_scope, may_handle
from welfare.selectors.health import open_follow_ups, workers_in_scope
from welfare.selectors.rewards import reward_budgets, reward_totals, rewards_in_scope

ROSTER_SALT = "welfare.roster-preview"
ROSTER_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
PAGE_SIZE = 50


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied(_("只有组织者可以打开这个页面。"))
    return scope


def _workplaces(scope: Scope) -> Any:
    return scope.filter(Workplace.objects.all()).order_by("name")


def _worker(scope: Scope, pk: int) -> Worker:
    worker = workers_in_scope(scope).filter(pk=pk).first()
    if worker is None:
        raise Http404(_("没有这位劳动者，或不在您的管理范围内。"))
    return worker


# Workers -----------------------------------------------------------------------------


@login_required
def workers(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    workplaces = _workplaces(scope)
    workplace = None
    wanted = request.GET.get("workplace", "")
    if wanted:
        workplace = workplaces.filter(pk=wanted).first() if wanted.isdigit() else None
        if workplace is None:
            raise Http404(_("没有这个作业场所，或不在您的管理范围内。"))
    rows = workers_in_scope(scope, workplace=workplace)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "welfare/organizer/workers.html",
        {"page": page, "workplaces": workplaces, "workplace": workplace},
    )


@login_required
def worker_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    workplaces = _workplaces(scope)
    initial = {"workplace": request.GET.get("workplace")} if request.GET.get("workplace") else {}
    form = WorkerForm(request.POST or None, workplaces=workplaces, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                worker = services.worker_register(
                    actor=request.user, name=data["name"], category=data["category"],
                    union=data["workplace"].union, consent=data["consent"],
                    workplace=data["workplace"], phone=data["phone"], hazards=data["hazards"],
                    id_last4=data["id_last4"], job=data["job"],
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已登记：%(name)s") % {"name": worker.name})
                return redirect("welfare:worker", pk=worker.pk)
        return render(request, "welfare/organizer/worker_form.html", {"form": form}, status=400)
    return render(request, "welfare/organizer/worker_form.html", {"form": form})


@login_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    worker = _worker(scope, pk)
    return _worker_page(request, worker)


def _worker_page(
    request: HttpRequest,
    worker: Worker,
    *,
    check_form: HealthCheckRecordForm | None = None,
    leave_form: LeaveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = scope_for(request.user)
    today = local_time.today()
    return render(
        request,
        "welfare/organizer/worker.html",
        {
            "worker": worker,
            "checks": worker.checks.order_by("-checked_on", "-pk"),
            "follow_ups": open_follow_ups(scope=scope, worker=worker),
            "check_form": check_form or HealthCheckRecordForm(initial={"checked_on": today}),
            "leave_form": leave_form or LeaveForm(initial={"left_on": today}),
            "rules": [
                (label, surveillance.interval_label(code))
                for code, label in Hazard.choices
                if code
                in surveillance.surveillance_hazards(
                    hazards=worker.hazards, workplace=worker.workplace
                )
            ],
            "today": today,
        },
        status=status,
    )


@login_required
@require_POST
def check_record(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    worker = _worker(scope, pk)
    form = HealthCheckRecordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.health_check_record(
                actor=request.user, worker=worker, kind=data["kind"],
                checked_on=data["checked_on"], result=data["result"], notes=data["notes"],
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("体检已记录。"))
            return redirect("welfare:worker", pk=worker.pk)
    return _worker_page(request, worker, check_form=form, status=400)


@login_required
@require_POST
def worker_leave(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    worker = _worker(scope, pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.worker_mark_left(
                actor=request.user, worker=worker, left_on=form.cleaned_data["left_on"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            return _worker_page(request, worker, leave_form=form, status=exc.status_code)
        messages.success(request, _("已登记离岗，离岗时体检已排期。"))
        return redirect("welfare:worker", pk=worker.pk)
    return _worker_page(request, worker, leave_form=form, status=400)


# Roster import -------------------------------------------------------------------------


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    _scope(request)
    response = HttpResponse(
        services.roster_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="worker-roster-template.xlsx"'
    return response


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row: new / update / error) → confirm → applied, all or
    nothing. The preview travels signed in the confirmation form (phones only as HMACs)."""
    scope = _scope(request)
    workplaces = _workplaces(scope)
    template = "welfare/organizer/roster.html"
    if request.method != "POST":
        initial = (
            {"workplace": request.GET.get("workplace")} if request.GET.get("workplace") else {}
        )
        return render(
            request, template, {"form": RosterUploadForm(workplaces=workplaces, initial=initial)}
        )
    if "payload" in request.POST:
        return _roster_apply(request, scope)
    form = RosterUploadForm(request.POST, request.FILES, workplaces=workplaces)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    workplace = form.cleaned_data["workplace"]
    try:
        upload = form.cleaned_data["file"]
        preview = services.roster_preview(
            actor=request.user, workplace=workplace, data=upload.read(), filename=upload.name
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return render(request, template, {"form": form}, status=exc.status_code)
    apply_form = RosterApplyForm(
        initial={"payload": signing.dumps(preview.to_payload(), salt=ROSTER_SALT, compress=True)}
    )
    return render(
        request,
        template,
        {
            "form": form,
            "preview": preview,
            "counts": {a: preview.count(a) for a in ("new", "update", "error")},
            "workplace": workplace,
            "apply_form": apply_form,
        },
        status=200 if preview.ok else 400,
    )


def _roster_apply(request: HttpRequest, scope: Scope) -> HttpResponse:
    template = "welfare/organizer/roster.html"
    form = RosterApplyForm(request.POST)
    upload = RosterUploadForm(workplaces=_workplaces(scope))
    if not form.is_valid():
        return render(request, template, {"form": upload, "apply_form": form}, status=400)
    try:
        payload = signing.loads(
            form.cleaned_data["payload"], salt=ROSTER_SALT, max_age=ROSTER_MAX_AGE
        )
    except signing.BadSignature:
        form.add_error(None, _("预览已过期或被改动，请重新上传名册。"))
        return render(request, template, {"form": upload, "apply_form": form}, status=400)
    workplace = _workplaces(scope).filter(pk=payload["workplace"]).first()
    if workplace is None:
        raise Http404(_("没有这个作业场所，或不在您的管理范围内。"))
    try:
        counts = services.roster_apply(
            actor=request.user, workplace=workplace, rows=payload["rows"],
            category=form.cleaned_data["category"], consent=form.cleaned_data["consent"],
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, template, {"form": upload, "apply_form": form},
                      status=exc.status_code)  # fmt: skip
    messages.success(
        request,
        _("名册已导入：新登记 %(new)d 人，更新 %(update)d 人。") % counts,
    )
    return redirect(f"{reverse('welfare:workers')}?workplace={workplace.pk}")


# Hazard reports ------------------------------------------------------------------------


@login_required
def hazards(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
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
    scope = _scope(request)
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
            "reward": HazardReward.objects.filter(report=report).first(),
        },
        status=status,
    )


# Rewards -------------------------------------------------------------------------------


def _unions(scope: Scope) -> Any:
    return scope.filter(Union.objects.all(), union_path_field="path").order_by("path")


def _rewards_page(
    request: HttpRequest,
    scope: Scope,
    *,
    budget_form: RewardBudgetForm | None = None,
    paid_form: RewardPaidForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    year = local_time.today().year
    if (request.GET.get("year") or "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        year = int(request.GET["year"])
    return render(
        request,
        "welfare/organizer/rewards.html",
        {
            "year": year,
            "rewards": rewards_in_scope(scope, year=year),
            "budgets": reward_budgets(scope, year=year),
            "totals": reward_totals(scope, year=year),
            "budget_form": budget_form
            or RewardBudgetForm(unions=_unions(scope), initial={"year": year}),
            "paid_form": paid_form or RewardPaidForm(initial={"paid_on": local_time.today()}),
            "error": error,
        },
        status=status,
    )


@login_required
def rewards(request: HttpRequest) -> HttpResponse:
    return _rewards_page(request, _scope(request))


@login_required
@require_POST
def reward_budget(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = RewardBudgetForm(request.POST, unions=_unions(scope))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.reward_budget_set(
                actor=request.user, union=data["union"], year=data["year"], amount=data["amount"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            return _rewards_page(request, scope, budget_form=form, status=exc.status_code)
        messages.success(request, _("预算已保存。"))
        return redirect(f"{reverse('welfare:rewards')}?year={data['year']}")
    return _rewards_page(request, scope, budget_form=form, status=400)


@login_required
@require_POST
def reward_paid(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    reward = rewards_in_scope(scope).filter(pk=pk).first()
    if reward is None:
        raise Http404(_("没有这笔奖励，或不在您的管理范围内。"))
    form = RewardPaidForm(request.POST)
    if not form.is_valid():
        return _rewards_page(request, scope, paid_form=form, status=400)
    try:
        services.reward_mark_paid(
            actor=request.user, reward=reward, paid_on=form.cleaned_data["paid_on"]
        )
    except DomainError as exc:
        return _rewards_page(request, scope, error=exc.message, status=exc.status_code)
    messages.success(request, _("已记录发放。"))
    return redirect(f"{reverse('welfare:rewards')}?year={reward.year}")
