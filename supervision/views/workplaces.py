"""A workplace's supervision record, and 建议撤离 / 停止作业 there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.access import organizer_scope
from core.errors import DomainError
from supervision.forms import (
    StopWorkForm,
)
from supervision.models import Finding
from supervision.selectors.accidents import accidents_in_scope
from supervision.selectors.inspections import findings_in_scope, inspections_in_scope
from supervision.selectors.workplaces import safety_cards, workplaces_in_scope
from supervision.services import stop_work as stop_work_services
from supervision.services import workplace_safety


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
