"""Hazard-report rewards: what is due and paid, against the yearly budgets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.access import organizer_scope
from core.errors import DomainError
from core.scoping import Scope
from stations.models import Union
from welfare import services
from welfare.forms import RewardBudgetForm, RewardPaidForm, add_domain_error
from welfare.selectors.rewards import reward_budgets, reward_totals, rewards_in_scope


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
    return _rewards_page(request, organizer_scope(request))


@login_required
@require_POST
def reward_budget(request: HttpRequest) -> HttpResponse:
    scope = organizer_scope(request)
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
    scope = organizer_scope(request)
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
