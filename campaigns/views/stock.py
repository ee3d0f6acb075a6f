"""The stock page of a campaign: stock by location × item (paged), reorder levels, and
expired lots to write off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import forms
from campaigns.models import Item
from campaigns.selectors.alerts import stock_alerts
from campaigns.selectors.stock import stock_locations_visible, stock_table
from campaigns.services import ledger, reorder_levels
from campaigns.views._common import campaign_for_organizer, show_refusal
from core import time as local_time
from core.errors import DomainError

#: Rows of the stock table per page.
STOCK_PAGE_SIZE = 50


@login_required
def stock(request: HttpRequest, pk: int) -> HttpResponse:
    """Stock of the campaign's scope by location × item (paged), reorder levels set per
    location × item, and expired lots to write off."""
    campaign = campaign_for_organizer(request, pk)
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
                show_refusal(form, exc, context)
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
