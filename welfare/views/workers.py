"""Workers one by one: registration, the worker page, checks recorded and leaving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.access import organizer_scope
from core.errors import DomainError
from core.scoping import Scope, scope_for
from welfare import services, surveillance
from welfare.forms import HealthCheckRecordForm, LeaveForm, WorkerForm, add_domain_error
from welfare.models import Hazard, Worker
from welfare.selectors.health import open_follow_ups, workers_in_scope
from welfare.selectors.workplaces import workplace_choices

PAGE_SIZE = 50


def _worker(scope: Scope, pk: int) -> Worker:
    worker = workers_in_scope(scope).filter(pk=pk).first()
    if worker is None:
        raise Http404(_("没有这位劳动者，或不在您的管理范围内。"))
    return worker


@login_required
def workers(request: HttpRequest) -> HttpResponse:
    scope = organizer_scope(request)
    workplaces = workplace_choices(scope)
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
    scope = organizer_scope(request)
    workplaces = workplace_choices(scope)
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
    scope = organizer_scope(request)
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
    scope = organizer_scope(request)
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
    scope = organizer_scope(request)
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
