"""Daily vouchers (清凉券): issued to one identified worker, redeemed once at a station.

A code is 16 characters drawn by ``secrets`` from 31 letters and digits that cannot be
confused when typed (no 0/O, 1/I/L): about 79 bits, so it cannot be guessed. It is shown
as ``ABCD-EFGH-JKMN-PQRS``; staff without a camera type it, with or without the dashes.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError, LimitReached
from campaigns.models import Campaign, Distribution, Item, Voucher
from campaigns.services import ledger, locations
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import Conflict, NotFound, PermissionDenied
from core.identifiers import ascii_digits
from core.identity import worker_key
from core.scoping import scope_for
from stations.models import Station

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def voucher_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def voucher_code_normalize(raw: str) -> str:
    """The stored form of a typed or scanned code: NFKC and any script's digits as ASCII
    (``core.identifiers``), upper case, dashes and spaces dropped."""
    return re.sub(r"[^0-9A-Z]", "", ascii_digits(str(raw or "")[:64]).upper())[:24]


def voucher_code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def voucher_issue(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    phone: str,
    item: Item,
    category: str,
    quantity: int = 1,
    on: dt.date | None = None,
) -> Voucher:
    """Today's voucher of the worker with ``phone`` in ``campaign`` (made on first call).

    Organizers over the campaign's union issue it; asking again the same day answers the
    voucher already issued, so a worker who lost the page gets the same code back.
    """
    if actor is not None and not scope_for(actor).covers_union(campaign.union):
        raise PermissionDenied(
            _("您无权为活动“%(name)s”发券。") % {"name": campaign.name}, field="campaign"
        )
    if campaign.status != Campaign.Status.ACTIVE:
        raise CampaignsError(
            _("活动“%(name)s”不在进行中，不能发券。") % {"name": campaign.name}, field="campaign"
        )
    if category not in WorkerCategory.values:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": category[:30]}, field="category"
        )
    if not 1 <= quantity <= 100:
        raise CampaignsError(_("每张券的数量应在 1 到 100 之间。"), field="quantity")
    key = worker_key(phone)
    on = on or local_time.today()
    existing = Voucher.objects.filter(campaign=campaign, worker_key=key, issued_on=on).first()
    if existing is not None:
        return existing
    voucher = Voucher(
        code=voucher_code_new(), campaign=campaign, item=item, quantity=quantity,
        category=category, worker_key=key, issued_on=on, issued_by=actor,
    )  # fmt: skip
    voucher.full_clean()
    if actor is not None:
        voucher._history_user = actor
    try:
        with transaction.atomic():
            voucher.save()
    except IntegrityError:  # the same worker's voucher issued at the same moment
        return Voucher.objects.get(campaign=campaign, worker_key=key, issued_on=on)
    return voucher


@transaction.atomic
def voucher_redeem(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    station: Station,
    on: dt.date | None = None,
) -> Voucher:
    """Hand out what ``code`` is good for at ``station``, once.

    Refused when the code is unknown (404), was issued another day or already redeemed
    (409), the worker reached the campaign's per-person daily limit (409), the station is
    outside the campaign, or its stock is short (409, nothing written).
    """
    normalized = voucher_code_normalize(code)
    if not normalized:
        raise CampaignsError(_("请输入券码。"), field="code")
    location = locations.stock_location_ensure(actor=actor, station=station)
    locations.require_hand_out(actor, location)
    voucher = (
        Voucher.objects.select_for_update()
        .select_related("campaign__union", "item")
        .filter(code=normalized)
        .first()
    )
    if voucher is None:
        raise NotFound(_("没有这张券，请核对券码。"), field="code")
    on = on or local_time.today()
    if voucher.redeemed_at is not None:
        raise Conflict(
            _("这张券已在 %(time)s 核销过，不能再用。")
            % {"time": f"{local_time.to_local(voucher.redeemed_at):%m-%d %H:%M}"},
            field="code",
        )
    if voucher.issued_on != on:
        raise Conflict(
            _("这张券只在 %(day)s 当天有效。") % {"day": voucher.issued_on.isoformat()},
            field="code",
        )
    # Serialise hand-outs to this worker in this campaign (as stock_distribute does).
    ledger.worker_limit_lock(campaign_id=voucher.campaign_id, key=voucher.worker_key)
    campaign = Campaign.objects.select_related("union").get(pk=voucher.campaign_id)
    limit = campaign.per_person_daily_limit
    if limit:
        done = (
            Distribution.objects.standing()
            .filter(campaign=campaign, worker_key=voucher.worker_key, handed_out_on=on)
            .count()
        )
        if done >= limit:
            raise LimitReached(
                _("这位劳动者今天已经领过 %(n)d 次（本活动每人每天限 %(limit)d 次）。")
                % {"n": done, "limit": limit},
                field="code",
            )
    distribution = ledger.stock_distribute(
        actor=actor, campaign=campaign, location=location, item=voucher.item,
        quantity=voucher.quantity, category=voucher.category, workers=1, on=on,
    )  # fmt: skip
    # stock_distribute knows the worker only by phone; the voucher holds the key already.
    Distribution.objects.filter(pk=distribution.pk).update(worker_key=voucher.worker_key)
    distribution.worker_key = voucher.worker_key
    voucher.redeemed_at = timezone.now()
    voucher.redeemed_by = actor
    voucher.distribution = distribution
    if actor is not None:
        voucher._history_user = actor
    voucher.save(update_fields=["redeemed_at", "redeemed_by", "distribution"])
    return voucher
