"""Vouchers (清凉券): the organizer's issue form, and the worker's voucher page with the QR
code they show at a station (no login; the code in the address is the voucher itself,
random and good for one day)."""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from campaigns.forms import VoucherIssueForm
from campaigns.models import Campaign, Voucher
from campaigns.selectors.campaigns import campaigns_visible
from campaigns.services.vouchers import (
    voucher_code_display,
    voucher_code_normalize,
    voucher_issue,
)
from core import time as local_time
from core.access import organizer_required
from core.errors import DomainError


def _voucher(code: str) -> Voucher:
    voucher = (
        Voucher.objects.select_related("campaign", "item")
        .filter(code=voucher_code_normalize(code))
        .first()
    )
    if voucher is None:
        raise Http404
    return voucher


def qr_svg(code: str) -> str:
    """The code as an SVG QR image (medium error correction: a scratched screen still
    reads)."""
    # omitsize: a viewBox instead of a fixed size, so the page scales it to the screen.
    svg = segno.make(code, error="m", micro=False).svg_inline(scale=8, border=4, omitsize=True)
    return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)


@never_cache
def voucher_page(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _voucher(code)
    today = local_time.today()
    if voucher.redeemed_at is not None:
        state = "redeemed"
    elif voucher.issued_on == today:
        state = "valid"
    else:
        state = "expired"
    return render(
        request,
        "campaigns/voucher.html",
        {
            "voucher": voucher,
            "display": voucher_code_display(voucher.code),
            "svg": qr_svg(voucher.code),
            "state": state,
            "redeemed_at": local_time.to_local(voucher.redeemed_at)
            if voucher.redeemed_at
            else None,
        },
    )


@never_cache
def voucher_svg(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _voucher(code)
    return HttpResponse(qr_svg(voucher.code), content_type="image/svg+xml")


@organizer_required
def issue(request: HttpRequest) -> HttpResponse:
    """An organizer gives a worker today's voucher; the page then shows it to pass on."""
    campaigns = campaigns_visible(actor=request.user).filter(status=Campaign.Status.ACTIVE)
    form = VoucherIssueForm(request.POST or None, campaigns=campaigns)
    status = 200
    if request.method == "POST":
        status = 400  # a refused form says so in its status too, not only on the page
        if form.is_valid():
            data = form.cleaned_data
            try:
                voucher = voucher_issue(
                    actor=request.user, campaign=data["campaign"], phone=data["phone"],
                    item=data["item"], category=data["category"], quantity=data["quantity"],
                )  # fmt: skip
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                return redirect("campaigns-vouchers:voucher", code=voucher.code)
    return render(request, "campaigns/voucher_issue.html", {"form": form}, status=status)
