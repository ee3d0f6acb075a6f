"""The desk's supply tabs and the organizer overview's voucher link, registered with
``stations.panels`` when the app is ready (``apps.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.services import reversals
from core.scoping import scope_for
from stations import selectors as station_selectors
from stations.panels import PanelContext

if TYPE_CHECKING:
    from django.utils.functional import Promise


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
