"""Organizers' campaign pages: list, dashboard, plan, receive, hand out, summary export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import exports, selectors, services
from campaigns.models import Allocation, Campaign, Item, StockLocation, Transfer
from campaigns.tasks import plan_campaign
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import DomainError
from core.scoping import scope_for
from stations.models import Station


def _campaigns(request: HttpRequest):
    scope = scope_for(request.user)
    if not (scope.is_superuser or scope.union_paths):
        raise PermissionDenied
    return scope.filter(Campaign.objects.select_related("union"))


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaigns(request).filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("没有这个活动。"))
    return campaign


def _depots(request: HttpRequest, campaign: Campaign):
    return (
        scope_for(request.user)
        .filter(
            StockLocation.objects.filter(
                kind=StockLocation.Kind.DEPOT, union__path__startswith=campaign.union.path
            )
        )
        .order_by("code")
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/list.html", {"campaigns": _campaigns(request)})


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
            "transfers": Transfer.objects.filter(campaign=campaign, status="in_transit")
            .select_related("source", "destination")
            .order_by("destination__code")[:200],
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


def _int(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    raw = (request.POST.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(_("%(name)s 必须是整数。") % {"name": name}, field=name) from None
    if not -(10**8) <= value <= 10**8:
        raise DomainError(
            _("%(name)s 必须在 %(min)d 到 %(max)d 之间。")
            % {"name": name, "min": -(10**8), "max": 10**8},
            field=name,
        )
    return value


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose allocations (in a Celery task for large scopes), edit, confirm."""
    campaign = _campaign(request, pk)
    depots = list(_depots(request, campaign))
    items = Item.objects.all()
    context: dict[str, Any] = {"campaign": campaign, "depots": depots, "items": items}
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            item = Item.objects.get(code=request.POST.get("item"))
            source = next((d for d in depots if d.code == request.POST.get("source")), None)
            if source is None:
                raise DomainError(_("请选择调出仓库。"), field="source")
            if action == "plan":
                weeks = _int(request, "weeks", 4) or 4
                if not 1 <= weeks <= 52:
                    raise DomainError(
                        _("%(name)s 必须在 %(min)d 到 %(max)d 之间。")
                        % {"name": "weeks", "min": 1, "max": 52},
                        field="weeks",
                    )
                args = {
                    "weeks": weeks,
                    "minimum": _int(request, "minimum", 0),
                    "maximum": _int(request, "maximum"),
                }
                scope_size = Station.objects.filter(
                    union__path__startswith=campaign.union.path, status="active"
                ).count()
                if scope_size > 100:
                    result = plan_campaign.delay(
                        request.user.pk, campaign.pk, item.pk, source.pk, args["weeks"],
                        args["minimum"], args["maximum"],
                    )  # fmt: skip
                    messages.info(request, _("正在后台计算（任务 %(id)s）。") % {"id": result.id})
                else:
                    services.campaign_plan(
                        actor=request.user, campaign=campaign, item=item, source=source, **args
                    )
            elif action == "save":
                for allocation in Allocation.objects.filter(
                    campaign=campaign, item=item, status=Allocation.Status.DRAFT
                ):
                    quantity = _int(request, f"q-{allocation.pk}", allocation.quantity)
                    if quantity != allocation.quantity:
                        services.allocation_edit(
                            actor=request.user, allocation=allocation, quantity=quantity
                        )
            elif action == "confirm":
                transfers = services.campaign_confirm_plan(
                    actor=request.user, campaign=campaign, item=item, source=source
                )
                messages.success(request, _("已生成 %(n)d 笔调拨。") % {"n": len(transfers)})
                return redirect("campaigns:dashboard", pk=campaign.pk)
            return redirect(f"{request.path}?item={item.code}&source={source.code}")
        except (DomainError, Item.DoesNotExist) as exc:
            context["error"] = getattr(exc, "message", _("请选择物资。"))
    item_code = request.GET.get("item") or request.POST.get("item") or "water"
    context.update(
        item_code=item_code,
        source_code=request.GET.get("source") or (depots[0].code if depots else ""),
        allocations=Allocation.objects.filter(
            campaign=campaign, item__code=item_code, status=Allocation.Status.DRAFT
        ).select_related("location", "item"),
    )
    return render(
        request, "campaigns/plan.html", context, status=400 if context.get("error") else 200
    )


@login_required
@require_POST
def receive_transfer(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    transfer = Transfer.objects.filter(pk=transfer_pk, campaign=campaign).first()
    if transfer is None:
        raise Http404
    try:
        services.stock_transfer_receive(actor=request.user, transfer=transfer)
        messages.success(request, _("已签收。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:dashboard", pk=campaign.pk)


@login_required
def hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a hand-out at a station: a group, or one worker by phone number."""
    campaign = _campaign(request, pk)
    scope = scope_for(request.user)
    # Only places that already hold stock can hand it out: a station or workplace gets its
    # location with its first transfer (services.get_location / the planner).
    locations = scope.filter(
        StockLocation.objects.filter(union__path__startswith=campaign.union.path)
    ).order_by("kind", "code")
    context: dict[str, Any] = {
        "campaign": campaign, "locations": locations, "items": Item.objects.all(),
        "categories": WorkerCategory.choices,
    }  # fmt: skip
    if request.method == "POST":
        try:
            location = locations.filter(code=request.POST.get("location")).first()
            if location is None:
                raise DomainError(_("请选择发放地点。"), field="location")
            item = Item.objects.filter(code=request.POST.get("item")).first()
            if item is None:
                raise DomainError(_("请选择物资。"), field="item")
            services.stock_distribute(
                actor=request.user, campaign=campaign, location=location, item=item,
                quantity=_int(request, "quantity", 0) or 0,
                category=request.POST.get("category", ""),
                workers=_int(request, "workers", 1) or 1,
                phone=request.POST.get("phone") or None,
            )  # fmt: skip
            messages.success(request, _("已记录发放。"))
            return redirect("campaigns:hand-out", pk=campaign.pk)
        except DomainError as exc:
            context["error"] = exc.message
            context["status"] = exc.status_code
    return render(request, "campaigns/hand_out.html", context, status=context.get("status", 200))


@login_required
def receive_goods(request: HttpRequest, pk: int) -> HttpResponse:
    """Goods from a supplier arrive at a depot (one line at a time)."""
    campaign = _campaign(request, pk)
    depots = list(_depots(request, campaign))
    context: dict[str, Any] = {"campaign": campaign, "depots": depots, "items": Item.objects.all()}
    if request.method == "POST":
        try:
            depot = next((d for d in depots if d.code == request.POST.get("location")), None)
            if depot is None:
                raise DomainError(_("请选择仓库。"), field="location")
            item = Item.objects.filter(code=request.POST.get("item")).first()
            if item is None:
                raise DomainError(_("请选择物资。"), field="item")
            raw_date = (request.POST.get("expires_on") or "").strip()
            try:
                expires_on = dt.date.fromisoformat(raw_date) if raw_date else None
            except ValueError:
                raise DomainError(_("有效期格式应为 2027-07-01。"), field="expires_on") from None
            services.stock_receive(
                actor=request.user, location=depot, campaign=campaign,
                lines=[services.ReceiptLine(
                    item=item, quantity=_int(request, "quantity", 0) or 0,
                    batch=request.POST.get("batch", ""), expires_on=expires_on,
                )],
            )  # fmt: skip
            messages.success(request, _("已入库。"))
            return redirect("campaigns:dashboard", pk=campaign.pk)
        except DomainError as exc:
            context["error"] = exc.message
            context["status"] = exc.status_code
    return render(request, "campaigns/receive.html", context, status=context.get("status", 200))
