"""Casualty accidents: registering one in steps, and a case's 四不放过, cause, closing
and the follow-up of the injured."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import time as local_time
from core.access import organizer_scope
from core.errors import DomainError
from supervision.forms import (
    AccidentForm,
    AccidentStepForm,
    FollowUpForm,
    InjuredPersonForm,
    add_domain_error,
)
from supervision.selectors.accidents import accidents_in_scope, claim_clock, injured_names_visible
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import accidents as accident_services
from supervision.views._common import form_status


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
    }, status=form_status(request))  # fmt: skip


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
    named = InjuredPersonForm(request.POST)
    person_id = named.cleaned_data["person"] if named.is_valid() else 0
    try:
        if person_id is not None:
            person = accident.injured.filter(pk=person_id).first()
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
