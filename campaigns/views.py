"""Organizers' campaign pages: list, dashboard, plan, receive, hand out, summary export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import exports, forms, selectors
from campaigns.models import Campaign, Item
from campaigns.services import ledger, lifecycle, planner
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import DomainError, NotFound
from core.scoping import scope_for


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    if not scope_for(request.user).is_organizer:
        raise PermissionDenied
    campaign = selectors.campaigns_visible(actor=request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("没有这个活动。"))
    return campaign


def _refused(form: Form, exc: DomainError, context: dict[str, Any]) -> None:
    """Show a service's refusal beside the field it names, else above the form."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    context["error"] = exc.message
    context["status"] = exc.status_code


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_organizer:
        raise PermissionDenied
    campaigns = selectors.campaigns_visible(actor=request.user)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = selectors.campaign_dashboard(campaign=campaign, on=local_time.today())
    labels = dict(WorkerCategory.choices)
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "d": data,
            "by_day": [(f"{day:%m-%d}", n) for day, n in data["by_day"]],
            "by_category": [
                (labels[c], data["by_category"].get(c, 0), campaign.category_targets.get(c, 0))
                for c in WorkerCategory.values
            ],
            "progress": round(100 * data["reached"] / campaign.target_workers)
            if campaign.target_workers
            else None,
            "transfers": selectors.transfers_in_transit(campaign=campaign),
        },
    )


@login_required
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = selectors.campaign_dashboard(campaign=campaign, on=local_time.today())
    response = HttpResponse(
        exports.campaign_summary_xlsx(campaign=campaign, dashboard=data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-summary.xlsx"'
    return response


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose allocations (the planner decides whether in a Celery task), edit, confirm."""
    campaign = _campaign(request, pk)
    depots = selectors.depots_for_campaign(actor=request.user, campaign=campaign)
    context: dict[str, Any] = {"campaign": campaign, "depots": depots, "items": Item.objects.all()}
    form: Form = forms.PlanForm(depots=depots, initial={"weeks": 4, "minimum": 0})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "plan":
            form = forms.PlanForm(request.POST, depots=depots)
        elif action == "save":
            form = forms.AllocationQuantitiesForm(
                request.POST, depots=depots,
                allocations=list(selectors.draft_allocations(
                    campaign=campaign, item_code=request.POST.get("item", "")[:40]
                )),
            )  # fmt: skip
        else:
            form = forms.PlanTargetForm(request.POST, depots=depots)
        if form.is_valid():
            data = form.cleaned_data
            item, source = data["item"], data["source"]
            try:
                if isinstance(form, forms.PlanForm):
                    started = planner.campaign_plan_start(
                        actor=request.user, campaign=campaign, item=item, source=source,
                        weeks=data["weeks"], minimum=data["minimum"], maximum=data["maximum"],
                    )  # fmt: skip
                    if started.task_id:
                        messages.info(
                            request, _("正在后台计算（任务 %(id)s）。") % {"id": started.task_id}
                        )
                elif isinstance(form, forms.AllocationQuantitiesForm):
                    for allocation, quantity in form.changed_quantities():
                        lifecycle.allocation_edit(
                            actor=request.user, allocation=allocation, quantity=quantity
                        )
                else:
                    transfers = planner.campaign_confirm_plan(
                        actor=request.user, campaign=campaign, item=item, source=source
                    )
                    messages.success(request, _("已生成 %(n)d 笔调拨。") % {"n": len(transfers)})
                    return redirect("campaigns:dashboard", pk=campaign.pk)
                return redirect(f"{request.path}?item={item.code}&source={source.code}")
            except DomainError as exc:
                _refused(form, exc, context)
        else:
            context["status"] = 400
    item_code = (request.GET.get("item") or request.POST.get("item") or "water")[:40]
    first_depot = depots.first()
    context.update(
        form=form,
        item_code=item_code,
        source_code=request.GET.get("source") or (first_depot.code if first_depot else ""),
        allocations=selectors.draft_allocations(campaign=campaign, item_code=item_code),
    )
    return render(request, "campaigns/plan.html", context, status=context.get("status", 200))


@login_required
@require_POST
def receive_transfer(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        transfer = selectors.campaign_transfer_get(campaign=campaign, pk=transfer_pk)
    except NotFound:
        raise Http404 from None
    try:
        ledger.stock_transfer_receive(actor=request.user, transfer=transfer)
        messages.success(request, _("已签收。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:dashboard", pk=campaign.pk)


@login_required
def hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a hand-out at a station: a group, or one worker by phone number."""
    campaign = _campaign(request, pk)
    locations = selectors.hand_out_points(actor=request.user, campaign=campaign)
    context: dict[str, Any] = {
        "campaign": campaign, "locations": locations, "items": Item.objects.all(),
        "categories": WorkerCategory.choices,
    }  # fmt: skip
    form = forms.HandOutForm(locations=locations, initial={"workers": 1})
    if request.method == "POST":
        form = forms.HandOutForm(request.POST, locations=locations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ledger.stock_distribute(
                    actor=request.user, campaign=campaign, location=data["location"],
                    item=data["item"], quantity=data["quantity"], category=data["category"],
                    workers=data["workers"], phone=data["phone"] or None,
                )  # fmt: skip
                messages.success(request, _("已记录发放。"))
                return redirect("campaigns:hand-out", pk=campaign.pk)
            except DomainError as exc:
                _refused(form, exc, context)
        else:
            context["status"] = 400
    context["form"] = form
    return render(request, "campaigns/hand_out.html", context, status=context.get("status", 200))


@login_required
def receive_goods(request: HttpRequest, pk: int) -> HttpResponse:
    """Goods from a supplier arrive at a depot (one line at a time)."""
    campaign = _campaign(request, pk)
    depots = selectors.depots_for_campaign(actor=request.user, campaign=campaign)
    context: dict[str, Any] = {"campaign": campaign, "depots": depots, "items": Item.objects.all()}
    form = forms.ReceiveGoodsForm(depots=depots)
    if request.method == "POST":
        form = forms.ReceiveGoodsForm(request.POST, depots=depots)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ledger.stock_receive(
                    actor=request.user, location=data["location"], campaign=campaign,
                    lines=[ledger.ReceiptLine(
                        item=data["item"], quantity=data["quantity"], batch=data["batch"],
                        expires_on=data["expires_on"],
                    )],
                )  # fmt: skip
                messages.success(request, _("已入库。"))
                return redirect("campaigns:dashboard", pk=campaign.pk)
            except DomainError as exc:
                _refused(form, exc, context)
        else:
            context["status"] = 400
    context["form"] = form
    return render(request, "campaigns/receive.html", context, status=context.get("status", 200))
