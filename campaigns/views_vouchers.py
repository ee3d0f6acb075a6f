"""A worker's voucher page: the QR code they show at a station (no login; the code in the
address is the voucher itself, random and good for one day)."""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from campaigns.models import Voucher
from campaigns.services.vouchers import voucher_code_display, voucher_code_normalize
from core import time as local_time


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
