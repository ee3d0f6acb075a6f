"""Taking back a hand-out made by mistake (a wrong tap at the desk).

The ledger is append-only: a hand-out is never deleted. Within ``UNDO_WINDOW`` of being
recorded, the staff who may hand out at the location take it back with a reversing
movement (kind ``reversal``) that puts the very lots back, and the hand-out is marked as
taken back (``Distribution.reversal``), so it no longer counts towards the campaign's
workers reached, the per-person limit or the stock's run rate. After the window the stock
is corrected by an organizer as a stock adjustment with a reason
(``ledger.stock_adjust``), which is what a count of the shelf is for.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.exceptions import CampaignsError
from campaigns.models import Distribution, Movement, Voucher
from campaigns.services.ledger import _post
from campaigns.services.locations import require_hand_out
from core.errors import Conflict

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def undo_window() -> dt.timedelta:
    """How long after it is recorded a hand-out can be taken back at the desk."""
    return dt.timedelta(minutes=settings.HAND_OUT_UNDO_MINUTES)


@transaction.atomic
def distribution_undo(
    *, actor: AbstractBaseUser | None, distribution: Distribution, at: dt.datetime | None = None
) -> Movement:
    """Take back ``distribution``: its stock goes back to the lots it came from, in one
    reversing movement, and the hand-out stops counting. Refused when it was already
    taken back, when it redeemed a voucher (the worker holds the goods and the voucher is
    spent), and after ``undo_window()`` (then: a stock adjustment with a reason)."""
    distribution = (
        Distribution.objects.select_for_update()
        .select_related("location__union", "campaign", "movement")
        .get(pk=distribution.pk)
    )
    require_hand_out(actor, distribution.location)
    if distribution.reversal_id is not None:
        raise Conflict(_("这次发放已经撤销过了。"), field="distribution")
    if Voucher.objects.filter(distribution=distribution).exists():
        raise CampaignsError(_("核销券的发放不能撤销。"), field="distribution")
    at = at or timezone.now()
    window = undo_window()
    if at - distribution.created_at > window:
        minutes = int(window.total_seconds() // 60)
        raise CampaignsError(
            ngettext(
                "发放超过 %(n)d 分钟，不能再撤销；请联系组织者做盘点调整并写明原因。",
                "发放超过 %(n)d 分钟，不能再撤销；请联系组织者做盘点调整并写明原因。",
                minutes,
            )
            % {"n": minutes},
            field="distribution",
        )
    movement = Movement.objects.create(
        kind=Movement.Kind.REVERSAL, campaign=distribution.campaign, actor=actor,
        reason=_("撤销发放 #%(id)d") % {"id": distribution.pk},
    )  # fmt: skip
    for entry in distribution.movement.entries.select_related("location", "lot"):
        _post(movement, entry.location, entry.lot, -entry.delta)
    distribution.reversal = movement
    distribution.save(update_fields=["reversal"])
    return movement
