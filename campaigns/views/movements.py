"""The stock movements an organizer records on a campaign's pages: goods received at a
depot, a transfer signed for, a hand-out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import forms
from campaigns.models import Item
from campaigns.selectors.campaigns import (
    campaign_transfer_get,
    depots_for_campaign,
    hand_out_points,
)
from campaigns.services import ledger
from campaigns.services.locations import require_hand_out
from campaigns.views._common import campaign_for_organizer, show_refusal
from core.categories import WorkerCategory
from core.errors import DomainError, NotFound


@login_required
def receive_transfer(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    """Sign for a transfer: the page lists its items, batches and quantities, and the
    person signing types what arrived where it falls short (the default is all of it)."""
    campaign = campaign_for_organizer(request, pk)
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
        show_refusal(form, exc, context)
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
                show_refusal(form, exc, context)
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
    campaign = campaign_for_organizer(request, pk)
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
                show_refusal(form, exc, context)
        else:
            context["status"] = 400
    context["form"] = form
    return render(request, "campaigns/hand_out.html", context, status=context.get("status", 200))


@login_required
def receive_goods(request: HttpRequest, pk: int) -> HttpResponse:
    """Goods from a supplier arrive at a depot (one line at a time)."""
    campaign = campaign_for_organizer(request, pk)
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
                show_refusal(form, exc, context)
        else:
            context["status"] = 400
    context["form"] = form
    return render(request, "campaigns/receive.html", context, status=context.get("status", 200))
