"""What campaigns puts on the organizer home (stock below its reorder level) and in the
province overview's table (hand-outs against the campaign target), through
``stations.panels`` (registered in ``CampaignsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Distribution, ReorderLevel, StockLevel
from core import time as local_time
from core.scoping import path_prefix_q, scope_for
from stations.models import Union
from stations.panels import AreaColumn, Attention


def below_reorder_count(*, union_paths: Sequence[str], on: dt.date, superuser: bool) -> int:
    """Location × item pairs whose usable (unexpired) stock is at or below the reorder
    level set for them (``campaigns.selectors.alerts.stock_alerts`` "low", counted)."""
    levels = ReorderLevel.objects.filter(level__gt=0)
    stock = StockLevel.objects.filter(Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on))
    if not superuser:
        levels = levels.filter(path_prefix_q("location__union__path", union_paths))
        stock = stock.filter(path_prefix_q("location__union__path", union_paths))
    usable = {
        (row["location_id"], row["lot__item_id"]): row["n"] or 0
        for row in stock.values("location_id", "lot__item_id").annotate(n=Sum("quantity"))
    }
    return sum(
        1
        for location_id, item_id, level in levels.values_list("location_id", "item_id", "level")
        if usable.get((location_id, item_id), 0) <= level
    )


def stock_attention(request: HttpRequest) -> list[Attention]:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return []
    count = below_reorder_count(
        union_paths=scope.union_paths, on=local_time.today(), superuser=scope.is_superuser
    )
    campaign = scope.filter(Campaign.objects.filter(status=Campaign.Status.ACTIVE)).first()
    url = reverse("campaigns:stock", args=[campaign.pk]) if campaign else reverse("campaigns:list")
    return [Attention(key="stock-low", label=_("库存低于补货线"), count=count, url=url,
                      detail=_("地点 × 物资"))]  # fmt: skip


def active_campaigns(user: Any, on: dt.date) -> list[Campaign]:
    """The campaigns running on ``on`` that the user's scope covers."""
    return list(
        scope_for(user).filter(
            Campaign.objects.filter(
                status=Campaign.Status.ACTIVE, starts_on__lte=on, ends_on__gte=on
            ).select_related("union")
        )
    )


def hand_outs_against_target(
    user: Any, unions: Sequence[Union], today: dt.date
) -> dict[int, tuple[int, int | None]]:
    """Per row union: workers reached by the running campaigns' hand-outs at places under
    it, and the target it is measured against — the target of a campaign run by that
    union or one below it, else the target of the campaign above it that covers it (the
    province campaign's target, which a city's hand-outs count towards)."""
    campaigns = active_campaigns(user, today)
    out: dict[int, tuple[int, int | None]] = {}
    for union in unions:
        reached = (
            Distribution.objects.filter(
                campaign__in=campaigns, location__union__path__startswith=union.path
            ).aggregate(n=Sum("workers"))["n"]
            or 0
        )
        own = [c.target_workers for c in campaigns if c.union.path.startswith(union.path)]
        above = [c.target_workers for c in campaigns if union.path.startswith(c.union.path)]
        target = sum(own) if own else (sum(above) if above else None)
        out[union.pk] = (reached, target or None)
    return out


HAND_OUT_COLUMN = AreaColumn(
    "hand_outs", _("发放人次 / 活动目标"), hand_outs_against_target, kind="ratio",
    help=_("进行中的活动：本地发放覆盖人次，对照本级（或上级）活动的目标人数"), order=40,
)  # fmt: skip
