"""Seasonal care: campaigns, the supply catalog, stock held per location × lot, and the
append-only ledger that is the truth about it.

Invariant: for every location × lot, the sum of ``StockEntry.delta`` equals
``StockLevel.quantity``, and no level is ever negative. Only ``campaigns.services`` writes
these tables, each movement in one transaction (``manage.py stock_verify`` checks it).
Campaigns and their plan lines keep a history of every change (who, when, what).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.categories import WorkerCategory
from stations.models import Station, Union


class Item(models.Model):
    class Season(models.TextChoices):
        SUMMER = "summer", _("夏季送清凉")
        WINTER = "winter", _("冬季送温暖")
        ANY = "any", _("全年")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    pack_size = models.PositiveIntegerField(
        _("每包数量"), default=1, validators=[MinValueValidator(1)],
        help_text=_("分配时按整包取整"),
    )  # fmt: skip
    people_per_unit = models.PositiveIntegerField(
        _("每单位可供人数"), default=1, validators=[MinValueValidator(1)],
        help_text=_("一个单位最多发给几人（一箱 24 瓶填 24）；超过须写原因"),
    )  # fmt: skip
    perishable = models.BooleanField(_("有保质期"), default=False)
    season = models.CharField(_("季节"), max_length=8, choices=Season.choices, default=Season.ANY)
    unit_cost = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2, default=0)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("物资")
        verbose_name_plural = _("物资")
        ordering = ["season", "sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Lot(models.Model):
    """A batch of an item. Non-perishable items have one lot with no batch and no expiry."""

    item = models.ForeignKey(
        Item, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="lots"
    )
    batch = models.CharField(_("批号"), max_length=60, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["item", "expires_on", "batch"]
        constraints = [models.UniqueConstraint(fields=["item", "batch"], name="lot_unique_batch")]

    def __str__(self) -> str:
        expiry = f" · {self.expires_on}" if self.expires_on else ""
        return f"{self.item.name} {self.batch}{expiry}".strip()


class StockLocation(models.Model):
    """Where stock is held: a depot (warehouse) or a station."""

    class Kind(models.TextChoices):
        DEPOT = "depot", _("仓库")
        STATION = "station", _("服务站点")
        WORKPLACE = "workplace", _("作业场所")

    code = models.CharField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=150)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    union = models.ForeignKey(
        Union, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="stock_locations"
    )
    station = models.OneToOneField(
        Station, verbose_name=_("站点"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stock_location",
    )  # fmt: skip
    workplace = models.OneToOneField(
        "welfare.Workplace", verbose_name=_("作业场所"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="stock_location",
    )  # fmt: skip
    location = models.PointField(_("位置"), srid=4326, null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("库存地点")
        verbose_name_plural = _("库存地点")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SUMMER = "summer", _("夏季送清凉")
        WINTER = "winter", _("冬季送温暖")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=150)
    union = models.ForeignKey(
        Union, verbose_name=_("范围（工会）"), on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    target_workers = models.PositiveIntegerField(_("目标覆盖人数"), default=0)
    # Per worker category (WorkerCategory codes) → number of workers to reach.
    category_targets = models.JSONField(_("分类目标"), default=dict, blank=True)
    # Per worker category → how many times its visits count in planned demand (others
    # count once). A winter campaign starts with WINTER_CATEGORY_WEIGHTS: the categories
    # most exposed to cold.
    category_weights = models.JSONField(
        _("分类权重"), default=dict, blank=True,
        help_text=_("按到访分配时各类别到访的权重，例如 {\"sanitation\": 2}；未列出的类别为 1"),
    )  # fmt: skip
    budget = models.DecimalField(_("预算（元）"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # Hand-outs per identified worker per day (0 = no limit).
    per_person_daily_limit = models.PositiveSmallIntegerField(_("每人每日限领"), default=1)
    # What its vouchers are called; blank follows the season (``voucher_label``).
    voucher_name = models.CharField(
        _("券名称"), max_length=20, blank=True,
        help_text=_("留空则按活动类型：夏季“清凉券”，冬季“温暖券”，其他“领取券”"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    @property
    def voucher_label(self) -> str:
        """The vouchers' name: the campaign's own, or the season's (a winter campaign's
        voucher is not a 清凉券)."""
        if self.voucher_name:
            return self.voucher_name
        names = {self.Kind.SUMMER: _("清凉券"), self.Kind.WINTER: _("温暖券")}
        return str(names.get(self.kind, _("领取券")))

    class Meta:
        verbose_name = _("关爱活动")
        verbose_name_plural = _("关爱活动")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Movement(models.Model):
    """One stock-changing action; its ledger entries point at it."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("入库")
        DISPATCH = "dispatch", _("调出")
        RECEIVE = "receive", _("调入")
        DISTRIBUTION = "distribution", _("发放")
        ADJUSTMENT = "adjustment", _("盘点调整")
        WRITE_OFF = "write_off", _("过期报废")
        REVERSAL = "reversal", _("撤销发放")

    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="movements",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    cost = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("库存变动")
        verbose_name_plural = _("库存变动")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class StockLevel(models.Model):
    location = models.ForeignKey(
        StockLocation, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="levels"
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="levels"
    )
    quantity = models.IntegerField(_("数量"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        constraints = [
            models.UniqueConstraint(fields=["location", "lot"], name="stocklevel_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stocklevel_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.lot}: {self.quantity}"


class StockEntry(models.Model):
    """The ledger: append-only, one row per location × lot touched by a movement."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("变动"), on_delete=models.PROTECT, related_name="entries"
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="entries"
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="entries"
    )
    delta = models.IntegerField(_("变动数量"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["location", "lot"], name="entry_location_lot")]
        constraints = [models.CheckConstraint(condition=~models.Q(delta=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.location} {self.lot} {self.delta:+d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("the stock ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("the stock ledger is append-only")


class Transfer(models.Model):
    """Stock on its way between two locations: dispatched → in transit → received."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("在途")
        RECEIVED = "received", _("已签收")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfers",
    )  # fmt: skip
    source = models.ForeignKey(
        StockLocation, verbose_name=_("调出地点"), on_delete=models.PROTECT, related_name="+"
    )
    destination = models.ForeignKey(
        StockLocation, verbose_name=_("调入地点"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    dispatch = models.OneToOneField(
        Movement, verbose_name=_("调出记录"), on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.OneToOneField(
        Movement, verbose_name=_("签收记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调拨")
        verbose_name_plural = _("调拨")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} → {self.destination}"


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, verbose_name=_("批次"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("调出数量"))
    received_quantity = models.PositiveIntegerField(_("实收数量"), null=True, blank=True)

    @property
    def shortfall(self) -> int:
        return 0 if self.received_quantity is None else self.quantity - self.received_quantity


class DistributionQuerySet(models.QuerySet):
    def standing(self) -> DistributionQuerySet:
        """Hand-outs not taken back: what was really handed out."""
        return self.filter(reversal__isnull=True)


class Distribution(models.Model):
    """A hand-out: to a group of N workers of a category, or to one identified worker."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="distributions"
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("发放地点"), on_delete=models.PROTECT, related_name="+"
    )
    movement = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="distribution")
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("数量"))
    category = models.CharField(_("劳动者类别"), max_length=16, choices=WorkerCategory.choices)
    workers = models.PositiveIntegerField(_("覆盖人数"))
    # HMAC of the worker's phone number with a server secret (never the number itself).
    worker_key = models.CharField(_("劳动者标识"), max_length=64, blank=True, db_index=True)
    handed_out_on = models.DateField(_("发放日期"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # Set when the hand-out was taken back (a wrong tap): the movement that put the stock
    # back. A taken-back hand-out counts for nothing (``standing()``); the ledger keeps both.
    reversal = models.OneToOneField(
        Movement, verbose_name=_("撤销"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversed_distribution",
    )  # fmt: skip

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "worker_key", "handed_out_on"], name="dist_person_day")
        ]

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity} → {self.workers}"


class IdempotencyRecord(models.Model):
    """The first answer to a stock-changing API call, replayed for a retry with the same key."""

    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]


class Allocation(models.Model):
    """One line of a campaign's plan: how much of an item a station should get.

    The planner writes ``proposed``; the organizer may edit ``quantity``; confirming the
    plan creates the transfers (``transfer`` is set then).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草案")
        CONFIRMED = "confirmed", _("已确认")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="allocations"
    )
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    location = models.ForeignKey(
        StockLocation, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="+"
    )
    demand = models.PositiveIntegerField(_("需求（近期到访人次）"), default=0)
    # The exact quota of the plan's method (floor, proportional share, cap), before rounding.
    share = models.DecimalField(_("按比例应得"), max_digits=14, decimal_places=2, default=0)
    # How the plan was made (campaigns.services.planner.method_explained reads it back).
    method = models.JSONField(_("分配方法"), default=dict, blank=True)
    proposed = models.PositiveIntegerField(_("建议数量"), default=0)
    quantity = models.PositiveIntegerField(_("分配数量"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    transfer = models.ForeignKey(
        Transfer, verbose_name=_("调拨"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分配计划")
        verbose_name_plural = _("分配计划")
        ordering = ["campaign", "item", "location"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item", "location"], name="allocation_unique_line"
            )
        ]


class ReorderLevel(models.Model):
    """The level of an item at a location at or below which it must be restocked.

    Set per location × item (not per lot: a new lot must not reset it) by an organizer over
    the location's union (``services.reorder_levels.reorder_level_set``), with history. Only stock
    that may still be handed out (not expired) counts against it.
    """

    location = models.ForeignKey(
        StockLocation, verbose_name=_("地点"), on_delete=models.CASCADE,
        related_name="reorder_levels",
    )  # fmt: skip
    item = models.ForeignKey(
        Item, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="reorder_levels"
    )
    level = models.PositiveIntegerField(_("补货线"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("补货线")
        verbose_name_plural = _("补货线")
        ordering = ["location", "item"]
        constraints = [
            models.UniqueConstraint(fields=["location", "item"], name="reorder_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.item.name}: {self.level}"


class Voucher(models.Model):
    """A daily voucher (清凉券) for one identified worker, shown as a QR code at any station
    in the campaign's scope.

    ``code`` is random (80 bits, see ``services.vouchers``), so it cannot be guessed; it is
    good on ``issued_on`` only and is redeemed once (``redeemed_at``), as a hand-out that
    counts against the campaign's per-person daily limit. The worker is known only by the
    HMAC of their phone number, as in ``Distribution``.
    """

    code = models.CharField(_("券码"), max_length=24, unique=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="vouchers"
    )
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.PositiveSmallIntegerField(
        _("数量"), default=1, validators=[MinValueValidator(1)]
    )
    category = models.CharField(_("劳动者类别"), max_length=16, choices=WorkerCategory.choices)
    worker_key = models.CharField(_("劳动者标识"), max_length=64, db_index=True)
    issued_on = models.DateField(_("发券日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发券人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    redeemed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核销人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    distribution = models.OneToOneField(
        Distribution, verbose_name=_("发放记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="voucher",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("清凉券")
        verbose_name_plural = _("清凉券")
        ordering = ["-issued_on", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "worker_key", "issued_on"], name="voucher_one_per_worker_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.issued_on}"
