"""What the station desk reads from campaigns (nothing here writes), and the desk panel
that shows it: campaigns to hand out for, stock by item and lot, incoming deliveries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.models import Campaign, StockLevel, StockLocation, Transfer
from campaigns.services import reversals
from core import time as local_time
from core.errors import PermissionDenied
from core.scoping import scope_for
from stations import selectors as station_selectors
from stations.models import Station
from stations.panels import PanelContext

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.utils.functional import Promise

#: Lots expiring within this many days are flagged at the desk.
NEAR_EXPIRY_DAYS = 14


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _item_name(item: Any) -> str:
    return (item.name_en or item.name) if _english() else item.name


def desk_campaigns(*, station: Station) -> list[Campaign]:
    """Active campaigns whose scope (union subtree) covers ``station``."""
    path = station.union.path
    return [
        c
        for c in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("union")
        if path.startswith(c.union.path)
    ]


def desk_supplies(
    *, actor: AbstractBaseUser | AnonymousUser | None, station: Station, on: dt.date | None = None
) -> dict[str, Any]:
    """Everything the desk shows about supplies at ``station`` (its staff and organizers).

    ``items`` are what may be handed out now (expired lots never count); ``stock`` lists
    every lot held, flagged ``near`` expiry or ``expired``; ``write_off`` names the expired
    lots to take off the shelf; ``transfers`` are deliveries on their way here.
    """
    if not scope_for(actor).may_staff_station(station):
        raise PermissionDenied(_("您不负责站点 %(code)s。") % {"code": station.code})
    on = on or local_time.today()
    location = StockLocation.objects.filter(station=station).first()
    levels = (
        list(
            StockLevel.objects.filter(location=location, quantity__gt=0)
            .select_related("lot__item")
            .order_by(
                "lot__item__sort_order", "lot__item__code",
                F("lot__expires_on").asc(nulls_last=True),
            )
        )
        if location is not None
        else []
    )  # fmt: skip
    near = on + dt.timedelta(days=NEAR_EXPIRY_DAYS)
    by_item: dict[int, dict[str, Any]] = {}
    lots_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    write_off = []
    for level in levels:
        lot, item = level.lot, level.lot.item
        entry = by_item.setdefault(
            item.pk,
            {"code": item.code, "name": _item_name(item), "unit": item.unit, "available": 0},
        )
        expires = lot.expires_on
        state = "ok"
        if expires is not None and expires < on:
            state = "expired"
            write_off.append({
                "lot": lot.pk, "batch": lot.batch, "item": _item_name(item),
                "expires_on": expires.isoformat(), "quantity": level.quantity, "unit": item.unit,
            })  # fmt: skip
        else:
            entry["available"] += level.quantity
            if expires is not None and expires <= near:
                state = "near"
        lots_of[item.pk].append({
            "lot": lot.pk, "batch": lot.batch, "quantity": level.quantity, "state": state,
            "expires_on": expires.isoformat() if expires else None,
        })  # fmt: skip
    stock = [{**entry, "lots": lots_of[pk]} for pk, entry in by_item.items()]
    transfers = []
    if location is not None:
        incoming = (
            Transfer.objects.filter(destination=location, status=Transfer.Status.IN_TRANSIT)
            .select_related("source", "campaign")
            .prefetch_related("lines__lot__item")
            .order_by("created_at")
        )
        for transfer in incoming[:50]:
            transfers.append({
                "id": transfer.pk, "source": transfer.source.name,
                "campaign": transfer.campaign.name if transfer.campaign else "",
                "sent": f"{local_time.to_local(transfer.created_at):%m-%d %H:%M}",
                "lines": [
                    {"lot": line.lot_id, "item": _item_name(line.lot.item),
                     "unit": line.lot.item.unit, "batch": line.lot.batch,
                     "quantity": line.quantity}
                    for line in transfer.lines.all()
                ],
            })  # fmt: skip
    return {
        "station": station.code,
        "campaigns": [
            {
                "id": c.pk,
                "name": c.name,
                "per_person_daily_limit": c.per_person_daily_limit,
                "voucher_name": c.voucher_label,
            }
            for c in desk_campaigns(station=station)
        ],
        "items": [
            {k: entry[k] for k in ("code", "name", "unit", "available")}
            for entry in by_item.values()
            if entry["available"] > 0
        ],
        "stock": stock,
        "write_off": write_off,
        "transfers": transfers,
        "today": on.isoformat(),
    }


def _panel_context(request: HttpRequest) -> bool:
    """Whether the request's user has a station at the desk."""
    if scope_for(request.user).is_empty:
        return False
    return station_selectors.desk_stations(user=request.user).exists()


def desk_panel(title: str | Promise) -> PanelContext:
    """The context function of one of the desk's supply tabs (发放, 签收, 库存)."""

    def context(request: HttpRequest) -> dict[str, Any] | None:
        if not _panel_context(request):
            return None
        return {
            "title": title,
            "config": {
                **DESK_CONFIG,
                "strings": desk_strings(),
                "undo_minutes": int(reversals.undo_window().total_seconds() // 60),
            },
        }

    return context


DESK_CONFIG: dict[str, Any] = {
    "api": {
        "supplies": "/api/v1/desk/supplies/",
        "batch": "/api/v1/desk/supplies/batch/",
        "receive": "/api/v1/stock/transfers/%(id)s/receive/",
    },
    "decoder": "campaigns/vendor/jsqr-1.4.0/jsQR.js",
}


def desk_strings() -> dict[str, str]:
    """The words of the supply tabs, in the request's language."""
    return {
        "campaign": _("活动"),
        "no_campaigns": _("本站没有进行中的活动。"),
        "no_items": _("本站暂无可发放的物资。"),
        "in_stock": _("余 %(n)s"),
        "group_label": _("%(category)s %(workers)s人 · %(item)s ×%(quantity)s"),
        "person_label": _("实名 尾号%(tail)s · %(item)s ×%(quantity)s"),
        "voucher_label": _("%(name)s %(code)s"),
        "voucher_scan": _("%(name)s：扫码核销"),
        "hand_over": _("请交给劳动者：%(item)s × %(quantity)s %(unit)s"),
        "undo": _("撤销"),
        "short_reason": _("少收原因（例如运输破损、少装）"),
        "short_reason_needed": _("实收少于调出数量：请先写明原因。"),
        "undo_label": _("撤销：%(what)s"),
        "undone": _("已撤销"),
        "pending": _("待上传"),
        "applied": _("已发放"),
        "refused": _("未发放：%(reason)s"),
        "some_refused": _("%(n)s 项没有发放，原因见下方“发放记录”。"),
        "dismiss": _("知道了"),
        "remove": _("删除"),
        "queued": _("已记下：%(what)s"),
        "phone_bad": _("请填写 11 位手机号码。"),
        "scan_none": _("没有识别到二维码，请再试或输入券码。"),
        "camera_denied": _("无法使用摄像头：请拍照识别或输入券码。"),
        "code_needed": _("请输入券码。"),
        "offline_data": _("无网络：显示的是 %(time)s 的数据。"),
        "from": _("来自 %(source)s · %(sent)s 发出"),
        "sent_qty": _("发出 %(n)s %(unit)s"),
        "shortfall": _("短缺 %(n)s"),
        "received": _("已签收，入库 %(n)s 件。"),
        "received_short": _("已签收，入库 %(n)s 件，短缺 %(short)s 件已记录。"),
        "no_transfers": _("没有在途的调拨。"),
        "receive": _("签收"),
        "available": _("可发放 %(n)s %(unit)s"),
        "expires": _("%(date)s 到期"),
        "near": _("临期"),
        "expired": _("已过期"),
        "write_off": _(
            "请下架，不要发放：%(item)s 批次 %(batch)s（%(date)s 到期，%(n)s %(unit)s），"
            "请组织者报废。"
        ),
        "empty_stock": _("本站没有库存。"),
        "failed": _("没有成功：%(reason)s"),
        "need_network": _("需要网络：请在有信号时再签收。"),
    }


def voucher_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The organizer overview's link to issue vouchers, while a campaign of theirs runs."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    running = scope.filter(Campaign.objects.filter(status=Campaign.Status.ACTIVE)).count()
    return {"campaigns": running} if running else None
