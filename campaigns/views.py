"""Organizers' campaign pages: list, dashboard, stock and reorder levels, plan, receive,
sign for transfers, hand out, summary export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import exports, forms
from campaigns.models import Campaign, Item
from campaigns.selectors.alerts import stock_alerts
from campaigns.selectors.campaigns import (
    campaign_dashboard,
    campaign_transfer_get,
    campaigns_visible,
    depots_for_campaign,
    draft_allocations,
    hand_out_points,
    items_for_campaign,
    plan_totals,
    transfers_in_transit,
    transfers_in_transit_count,
)
from campaigns.selectors.stock import stock_locations_visible, stock_table
from campaigns.services import ledger, lifecycle, planner, reorder_levels
from campaigns.services.locations import require_hand_out
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import DomainError, NotFound
from core.scoping import scope_for


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    if not scope_for(request.user).is_organizer:
        raise PermissionDenied
    campaign = campaigns_visible(actor=request.user).filter(pk=pk).first()
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
    campaigns = campaigns_visible(actor=request.user)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


#: Rows of a long list shown before the rest is folded away (or paged) on a phone.
FOLD_AFTER = 10
DASHBOARD_STOCK_ROWS = 20
STOCK_PAGE_SIZE = 50


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = campaign_dashboard(campaign=campaign, on=local_time.today())
    alerts = data["alerts"]
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "d": data,
            "by_day": [(f"{day:%m-%d}", n) for day, n in data["by_day"]],
            "progress": round(100 * data["reached"] / campaign.target_workers)
            if campaign.target_workers
            else None,
            "alerts_first": alerts[:FOLD_AFTER],
            "alerts_rest": alerts[FOLD_AFTER:],
            "expired_count": sum(1 for a in alerts if a.kind == "expired"),
            "transfers": transfers_in_transit(campaign=campaign),
            "transfers_count": transfers_in_transit_count(campaign=campaign),
            "fold_after": FOLD_AFTER,
            "stock_rows": data["stock"][:DASHBOARD_STOCK_ROWS],
            "stock_more": max(0, len(data["stock"]) - DASHBOARD_STOCK_ROWS),
        },
    )


@login_required
def stock(request: HttpRequest, pk: int) -> HttpResponse:
    """Stock of the campaign's scope by location × item (paged), reorder levels set per
    location × item, and expired lots to write off."""
    campaign = _campaign(request, pk)
    locations = stock_locations_visible(actor=request.user, campaign=campaign)
    on = local_time.today()
    context: dict[str, Any] = {"campaign": campaign, "locations": locations}
    initial = {
        "location": request.GET.get("location", "")[:40],
        "item": request.GET.get("item", "")[:40],
    }
    form: Form = forms.ReorderLevelForm(locations=locations, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "write_off":
            form = forms.WriteOffForm(request.POST, locations=locations)
        else:
            form = forms.ReorderLevelForm(request.POST, locations=locations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if isinstance(form, forms.WriteOffForm):
                    movement = ledger.stock_write_off_expired(
                        actor=request.user, location=data["location"], lot=data["lot"], on=on
                    )
                    written = -sum(e.delta for e in movement.entries.all()) if movement else 0
                    messages.success(
                        request,
                        _("已报废 %(location)s 的批次 %(batch)s：%(n)d。")
                        % {"location": data["location"].name, "batch": data["lot"].batch,
                           "n": written},
                    )  # fmt: skip
                else:
                    reorder_levels.reorder_level_set(
                        actor=request.user, location=data["location"], item=data["item"],
                        level=data["level"],
                    )  # fmt: skip
                    messages.success(
                        request,
                        _("已设置 %(location)s 的%(item)s补货线：%(n)d。")
                        % {"location": data["location"].name, "item": data["item"].name,
                           "n": data["level"]},
                    )  # fmt: skip
                return redirect(f"{request.path}?location={data['location'].code}")
            except DomainError as exc:
                _refused(form, exc, context)
        else:
            context["status"] = 400
        if isinstance(form, forms.WriteOffForm):
            context["write_off_form"] = form
            form = forms.ReorderLevelForm(locations=locations, initial=initial)
    location_code = initial["location"] or None
    rows = stock_table(union_path=campaign.union.path, on=on, location_code=location_code)
    page = Paginator(rows, STOCK_PAGE_SIZE).get_page(request.GET.get("page"))
    expired = [
        a for a in stock_alerts(union_path=campaign.union.path, on=on)
        if a.kind == "expired" and (location_code is None or a.location == location_code)
    ]  # fmt: skip
    context.update(
        form=form, page=page, location_code=location_code or "", expired=expired,
        items=Item.objects.all(),
    )  # fmt: skip
    return render(request, "campaigns/stock.html", context, status=context.get("status", 200))


@login_required
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    data = campaign_dashboard(campaign=campaign, on=local_time.today())
    response = HttpResponse(
        exports.campaign_summary_xlsx(campaign=campaign, dashboard=data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-summary.xlsx"'
    return response


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
    campaign = _campaign(request, pk)
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
                    planner.campaign_plan_review(
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
                    transfers = planner.campaign_confirm_plan(
                        actor=request.user, campaign=campaign, item=item, source=source,
                        quantities=edits,
                        expected_total=int(expected) if expected.isdigit() else None,
                    )  # fmt: skip
                    messages.success(request, _("已生成 %(n)d 笔调拨。") % {"n": len(transfers)})
                    return redirect("campaigns:dashboard", pk=campaign.pk)
                return redirect(here)
            except DomainError as exc:
                _refused(form, exc, context)
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


@login_required
def receive_transfer(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    """Sign for a transfer: the page lists its items, batches and quantities, and the
    person signing types what arrived where it falls short (the default is all of it)."""
    campaign = _campaign(request, pk)
    try:
        transfer = campaign_transfer_get(campaign=campaign, pk=transfer_pk)
    except NotFound:
        raise Http404 from None
    context: dict[str, Any] = {"campaign": campaign, "transfer": transfer}
    form = forms.TransferReceiveForm(transfer=transfer)
    try:
        # The transfer is on the campaign's dashboard; one bound for a place above the
        # organizer is shown with the reason it cannot be signed here, not as missing.
        require_hand_out(request.user, transfer.destination)
    except DomainError as exc:
        _refused(form, exc, context)
        context["refused"] = True
    if request.method == "POST" and not context.get("refused"):
        form = forms.TransferReceiveForm(request.POST, transfer=transfer)
        if form.is_valid():
            try:
                ledger.stock_transfer_receive(
                    actor=request.user, transfer=transfer, received=form.received(),
                    reason=form.cleaned_data.get("reason") or "",
                )  # fmt: skip
                messages.success(request, _("已签收。"))
                return redirect("campaigns:dashboard", pk=campaign.pk)
            except DomainError as exc:
                _refused(form, exc, context)
        else:
            context["status"] = 400
    context["form"] = form
    return render(
        request, "campaigns/receive_transfer.html", context, status=context.get("status", 200)
    )


#: The session key under which the hand-out form remembers the last place and item.
HAND_OUT_LAST = "campaigns.hand_out.last"


@login_required
def hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a hand-out at a station: a group, or one worker by phone number.

    Only places that hold stock are offered; the form keeps the last place and item (in
    the session, per campaign), and ``?location=&item=`` preselects them.
    """
    campaign = _campaign(request, pk)
    locations = hand_out_points(actor=request.user, campaign=campaign)
    context: dict[str, Any] = {
        "campaign": campaign, "locations": locations, "items": Item.objects.all(),
        "categories": WorkerCategory.choices,
    }  # fmt: skip
    last = request.session.get(HAND_OUT_LAST, {}).get(str(campaign.pk), {})
    initial = {
        "workers": 1,
        "location": (request.GET.get("location") or last.get("location", ""))[:40],
        "item": (request.GET.get("item") or last.get("item", ""))[:40],
        "category": last.get("category", ""),
    }
    form = forms.HandOutForm(locations=locations, initial=initial)
    if request.method == "POST":
        form = forms.HandOutForm(request.POST, locations=locations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ledger.stock_distribute(
                    actor=request.user, campaign=campaign, location=data["location"],
                    item=data["item"], quantity=data["quantity"], category=data["category"],
                    workers=data["workers"], phone=data["phone"] or None,
                    reason=data["reason"],
                )  # fmt: skip
                remembered = dict(request.session.get(HAND_OUT_LAST, {}))
                remembered[str(campaign.pk)] = {
                    "location": data["location"].code, "item": data["item"].code,
                    "category": data["category"],
                }  # fmt: skip
                request.session[HAND_OUT_LAST] = remembered
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
    depots = depots_for_campaign(actor=request.user, campaign=campaign)
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
