"""Stock receipts from spreadsheets, and the exports of campaigns and hand-outs.

A receipt row is one line of a supplier's delivery note: its number (入库单号), the depot,
the item, batch, expiry and quantity. Each row is received by
``campaigns.services.ledger.stock_receive`` (ledger entry and stock level in one
transaction) with the note's number as the movement's reason, so importing the same note
again finds its rows unchanged instead of receiving them twice. A received quantity is
never edited by an import: a different number is a row error (a stock count adjusts it).

Exports carry no personal data: a hand-out to one worker shows the count, never the
worker's key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, Distribution, Item, Movement, StockEntry, StockLocation
from campaigns.services.ledger import ReceiptLine, stock_receive
from core.errors import DomainError
from core.importing import RowInvalid, TabularResource
from core.scoping import scope_for
from core.tabular import Column, fold, tidy

RECEIPT_PREFIX = "入库单 "

RECEIPT_COLUMNS = (
    Column(
        "receipt",
        "入库单号",
        ("单号", "receipt_no"),
        True,
        gettext_lazy("供货单或入库单的编号；同一单号再次导入不会重复入库。"),
        "RK-2027-0001",
    ),
    Column(
        "depot",
        "仓库",
        ("库存地点", "入库地点", "location"),
        True,
        gettext_lazy("库存地点编号或名称"),
        "QH-XN-CK",
    ),
    Column("item", "物资", ("物资名称", "物资代码"), True, gettext_lazy("物资代码或名称"), "water"),
    Column("batch", "批号", ("生产批号",), False, "", "20270501"),
    Column(
        "expires_on",
        "有效期至",
        ("保质期至", "有效期"),
        False,
        gettext_lazy("如 2028-05-01"),
        "2028-05-01",
    ),
    Column("quantity", "数量", ("入库数量",), True, gettext_lazy("正整数，按物资单位计"), "240"),
    Column("campaign", "关爱活动", ("活动",), False, gettext_lazy("活动名称（可不填）"), ""),
)


def parse_date(value: str, column: str) -> dt.date:
    text = fold(value).replace("/", "-").replace(".", "-")
    text = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", text)
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise RowInvalid({column: _("“%(v)s”不是日期（如 2028-05-01）。") % {"v": value}}) from None


class ReceiptResource(TabularResource):
    kind = "receipts"
    columns = RECEIPT_COLUMNS
    key_column = "key"

    class Meta:
        model = StockEntry
        fields = ()
        use_transactions = True

    def prepare(self) -> None:
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self.locations = {loc.code: loc for loc in StockLocation.objects.select_related("union")}
        self.location_names = {loc.name: loc for loc in self.locations.values()}
        self.items = {item.code: item for item in Item.objects.all()}
        self.item_names = {item.name: item for item in self.items.values()}
        self.campaigns = {c.name: c for c in Campaign.objects.select_related("union")}

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {"receipt": fold(cells.get("receipt", ""))}
        if not values["receipt"] or len(values["receipt"]) > 60:
            errors["receipt"] = _("入库单号不能为空，最多 60 个字符。")
        depot_text = tidy(cells.get("depot", ""))
        depot = (
            self.locations.get(fold(depot_text).upper())
            or self.locations.get(depot_text)
            or (self.location_names.get(depot_text))
        )
        if depot is None:
            errors["depot"] = _("未知的库存地点：%(v)s") % {"v": depot_text or "—"}
        elif self.scope is not None and not self.scope.covers_union(depot.union):
            errors["depot"] = _("您无权管理“%(location)s”的库存。") % {"location": depot.name}
        else:
            values["depot"] = depot.code
        item_text = tidy(cells.get("item", ""))
        item = self.items.get(fold(item_text).lower()) or self.item_names.get(item_text)
        if item is None:
            errors["item"] = _("未知的物资：%(v)s") % {"v": item_text or "—"}
        else:
            values["item"] = item.code
        values["batch"] = fold(cells.get("batch", ""))
        values["expires_on"] = None
        if cells.get("expires_on"):
            try:
                values["expires_on"] = parse_date(cells["expires_on"], "expires_on")
            except RowInvalid as exc:
                errors.update(exc.errors)
        quantity = fold(cells.get("quantity", "")).replace(",", "")
        if quantity.isdigit() and 0 < int(quantity) < 10**9:
            values["quantity"] = int(quantity)
        else:
            errors["quantity"] = _("数量“%(v)s”应是正整数。") % {"v": cells.get("quantity", "")}
        values["campaign"] = None
        if cells.get("campaign"):
            campaign = self.campaigns.get(tidy(cells["campaign"]))
            if campaign is None:
                errors["campaign"] = _("未知的关爱活动：%(v)s") % {"v": cells["campaign"]}
            else:
                values["campaign"] = campaign.pk
        if errors:
            raise RowInvalid(errors)
        expires = values["expires_on"].isoformat() if values["expires_on"] else ""
        values["key"] = "|".join(
            [values["receipt"], values["depot"], values["item"], values["batch"], expires]
        )
        return values

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        reasons = {RECEIPT_PREFIX + key.split("|", 1)[0] for key in keys}
        entries = StockEntry.objects.filter(
            movement__kind=Movement.Kind.RECEIPT, movement__reason__in=reasons
        ).select_related("movement", "location", "lot__item")
        out: dict[str, dict[str, Any]] = {}
        for entry in entries:
            values = self._entry_values(entry)
            if values["key"] in out:
                out[values["key"]]["quantity"] += values["quantity"]
            else:
                out[values["key"]] = values
        return out

    def _entry_values(self, entry: StockEntry) -> dict[str, Any]:
        lot = entry.lot
        expires = lot.expires_on.isoformat() if lot.expires_on else ""
        receipt = entry.movement.reason.removeprefix(RECEIPT_PREFIX)
        return {
            "key": "|".join([receipt, entry.location.code, lot.item.code, lot.batch, expires]),
            "receipt": receipt, "depot": entry.location.code, "item": lot.item.code,
            "batch": lot.batch, "expires_on": lot.expires_on, "quantity": entry.delta,
            "campaign": entry.movement.campaign_id,
        }  # fmt: skip

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> Any:
        if current is not None:
            message = _("入库单 %(no)s 的这一行已入库 %(n)d，导入不能改数量；请做盘点调整。")
            raise RowInvalid(
                {"quantity": message % {"no": values["receipt"], "n": current["quantity"]}}
            )
        location = self.locations[values["depot"]]
        campaign = Campaign.objects.get(pk=values["campaign"]) if values["campaign"] else None
        line = ReceiptLine(item=self.items[values["item"]], quantity=values["quantity"],
                           batch=values["batch"], expires_on=values["expires_on"])  # fmt: skip
        try:
            movement = stock_receive(
                actor=self.actor, location=location, lines=[line], campaign=campaign,
                reason=RECEIPT_PREFIX + values["receipt"],
            )  # fmt: skip
        except DomainError as exc:
            raise RowInvalid(
                {exc.field if exc.field in values else "quantity": exc.message}
            ) from exc
        return movement.pk

    def export_values(self, entry: StockEntry) -> dict[str, str]:
        lot = entry.lot
        return {
            "receipt": entry.movement.reason.removeprefix(RECEIPT_PREFIX),
            "depot": entry.location.code, "item": lot.item.code, "batch": lot.batch,
            "expires_on": lot.expires_on.isoformat() if lot.expires_on else "",
            "quantity": str(entry.delta),
            "campaign": entry.movement.campaign.name if entry.movement.campaign_id else "",
        }  # fmt: skip

    def export_queryset(self, queryset: Any) -> Any:
        return queryset.filter(movement__kind=Movement.Kind.RECEIPT).select_related(
            "movement__campaign", "location", "lot__item"
        )

    def get_queryset(self) -> Any:
        return self.export_queryset(StockEntry.objects.all())


class _ExportOnly(TabularResource):
    """A list the admin exports; nothing is imported through it."""

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        raise RowInvalid({self.key_column: _("这类数据不能导入。")})

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {}


class CampaignResource(_ExportOnly):
    kind = "campaigns"
    key_column = "name"
    columns = (
        Column("name", "活动名称"), Column("kind", "类型"), Column("union", "范围（工会）"),
        Column("starts_on", "开始日期"), Column("ends_on", "结束日期"), Column("status", "状态"),
        Column("target_workers", "目标覆盖人数"), Column("budget", "预算（元）"),
        Column("per_person_daily_limit", "每人每日限领"),
    )  # fmt: skip

    class Meta:
        model = Campaign
        fields = ()

    def export_values(self, c: Campaign) -> dict[str, str]:
        return {
            "name": c.name, "kind": str(c.get_kind_display()), "union": c.union.name,
            "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
            "status": str(c.get_status_display()), "target_workers": str(c.target_workers),
            "budget": f"{c.budget:.2f}", "per_person_daily_limit": str(c.per_person_daily_limit),
        }  # fmt: skip

    def export_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("union")


class DistributionResource(_ExportOnly):
    """Hand-outs without the worker: ``worker_key`` (a phone HMAC) is never exported."""

    kind = "distributions"
    key_column = "campaign"
    columns = (
        Column("handed_out_on", "发放日期"), Column("campaign", "关爱活动"),
        Column("location", "发放地点"), Column("item", "物资"), Column("quantity", "数量"),
        Column("category", "劳动者类别"), Column("workers", "覆盖人数"),
        Column("individual", "发给个人"),
    )  # fmt: skip

    class Meta:
        model = Distribution
        fields = ()

    def export_values(self, d: Distribution) -> dict[str, str]:
        return {
            "handed_out_on": d.handed_out_on.isoformat(), "campaign": d.campaign.name,
            "location": d.location.name, "item": d.item.name, "quantity": str(d.quantity),
            "category": str(d.get_category_display()), "workers": str(d.workers),
            "individual": _("是") if d.worker_key else _("否"),
        }  # fmt: skip

    def export_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("campaign", "location", "item")
