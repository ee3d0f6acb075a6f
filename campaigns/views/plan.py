"""The plan page of a campaign: propose allocations, edit them, confirm them as transfers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import forms
from campaigns.selectors.campaigns import (
    depots_for_campaign,
    draft_allocations,
    items_for_campaign,
    plan_totals,
)
from campaigns.services import lifecycle, plan_confirmation, planner
from campaigns.views._common import campaign_for_organizer, show_refusal
from core.errors import DomainError


@dataclass(frozen=True)
class PlanSummary:
    """What confirming the plan will do, shown once before it is done."""

    destinations: int
    total: int
    available: int
    left: int


def plan_summary(allocations: list[Any], available: int) -> PlanSummary:
    total = sum(a.quantity for a in allocations)
    return PlanSummary(
        destinations=sum(1 for a in allocations if a.quantity > 0),
        total=total,
        available=available,
        left=available - total,
    )


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose allocations (the planner decides whether in a Celery task), edit, confirm.

    The page states the method that made the plan (``planner.method_explained``) and the
    plan's running total against what the depot may send. "核对并确认" saves the edits and
    shows a summary — destinations, total, what the depot keeps — with one button that
    confirms exactly that total; confirming more than the depot holds is refused.
    """
    campaign = campaign_for_organizer(request, pk)
    depots = depots_for_campaign(actor=request.user, campaign=campaign)
    items = items_for_campaign(campaign=campaign)
    context: dict[str, Any] = {"campaign": campaign, "depots": depots, "items": items,
                               "weightings": forms.WEIGHTING_CHOICES}  # fmt: skip
    form: Form = forms.PlanForm(depots=depots, items=items, initial={"weeks": 4, "minimum": 0})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "plan":
            form = forms.PlanForm(request.POST, depots=depots, items=items)
        elif action in ("save", "review", "confirm"):
            form = forms.AllocationQuantitiesForm(
                request.POST, depots=depots, items=items,
                allocations=list(draft_allocations(
                    campaign=campaign, item_code=request.POST.get("item", "")[:40]
                )),
            )  # fmt: skip
        else:
            form = forms.PlanTargetForm(request.POST, depots=depots, items=items)
        if form.is_valid():
            data = form.cleaned_data
            item, source = data["item"], data["source"]
            here = f"{request.path}?item={item.code}&source={source.code}"
            try:
                if isinstance(form, forms.PlanForm):
                    started = planner.campaign_plan_start(
                        actor=request.user, campaign=campaign, item=item, source=source,
                        weeks=data["weeks"], minimum=data["minimum"], maximum=data["maximum"],
                        weighting=data["weighting"], cap_percent=data["cap_percent"],
                    )  # fmt: skip
                    if started.task_id:
                        messages.info(
                            request, _("正在后台计算（任务 %(id)s）。") % {"id": started.task_id}
                        )
                elif isinstance(form, forms.AllocationQuantitiesForm) and action == "save":
                    for allocation, quantity in form.changed_quantities():
                        lifecycle.allocation_edit(
                            actor=request.user, allocation=allocation, quantity=quantity
                        )
                elif isinstance(form, forms.AllocationQuantitiesForm) and action == "review":
                    plan_confirmation.campaign_plan_review(
                        actor=request.user, campaign=campaign, item=item, source=source,
                        quantities={a.pk: q for a, q in form.changed_quantities()},
                    )  # fmt: skip
                    return redirect(f"{here}&review=1#plan-review")
                else:
                    edits = (
                        {a.pk: q for a, q in form.changed_quantities()}
                        if isinstance(form, forms.AllocationQuantitiesForm)
                        else None
                    )
                    expected = request.POST.get("expected_total", "")
                    transfers = plan_confirmation.campaign_confirm_plan(
                        actor=request.user, campaign=campaign, item=item, source=source,
                        quantities=edits,
                        expected_total=int(expected) if expected.isdigit() else None,
                    )  # fmt: skip
                    messages.success(request, _("已生成 %(n)d 笔调拨。") % {"n": len(transfers)})
                    return redirect("campaigns:dashboard", pk=campaign.pk)
                return redirect(here)
            except DomainError as exc:
                show_refusal(form, exc, context)
        else:
            context["status"] = 400
    default_item = items.first()
    item_code = (
        request.GET.get("item") or request.POST.get("item")
        or (default_item.code if default_item else "")
    )[:40]  # fmt: skip
    source_code = (request.GET.get("source") or request.POST.get("source") or "")[:40]
    source = depots.filter(code=source_code).first() if source_code else None
    source = source or depots.first()
    item = items.filter(code=item_code).first()
    allocations = list(draft_allocations(campaign=campaign, item_code=item_code))
    totals = (
        plan_totals(campaign=campaign, item=item, source=source)
        if item is not None and source is not None
        else None
    )
    method = allocations[0].method if allocations else {}
    context.update(
        form=form,
        item_code=item_code,
        item=item,
        source_code=source.code if source else "",
        source=source,
        allocations=allocations,
        weighting=(form["weighting"].value() if "weighting" in form.fields else None)
        or method.get("weighting")
        or "visits",
        method=method,
        method_lines=planner.method_explained(method=method, item=item) if item else [],
        totals=totals,
        review=plan_summary(allocations, totals.available)
        if request.GET.get("review") and allocations and totals is not None
        else None,
    )
    return render(request, "campaigns/plan.html", context, status=context.get("status", 200))
