"""The station network: regions, the union tree, memberships, stations and their hours."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.categories import WorkerCategory
from stations.querysets import StationQuerySet, UnionQuerySet

UNION_PATH_SEPARATOR = "/"

station_code_validator = RegexValidator(
    regex=r"^[A-Z]{2}(-[A-Z0-9]{1,8}){1,4}$",
    message=_("站点编号只能包含大写字母、数字和连字符，例如 QH-XN-0001。"),
)
union_code_validator = RegexValidator(
    regex=r"^[A-Z0-9]+(-[A-Z0-9]+)*$",
    message=_("工会编号只能包含大写字母、数字和连字符，例如 QH-XN。"),
)
region_code_validator = RegexValidator(
    regex=r"^[1-8][0-9]{5}$",
    message=_("行政区划代码必须是 6 位 GB/T 2260 代码，例如 630100。"),
)
month_day_validator = RegexValidator(
    regex=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    message=_("日期格式应为 MM-DD，例如 06-01。"),
)


class Region(models.Model):
    """An administrative division, identified by its GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(
        _("区划代码"), max_length=6, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The seat of government: where forecasts are fetched for and where the map centres.
    reference_point = models.PointField(_("参考点"), srid=4326, null=True, blank=True)
    boundary = models.MultiPolygonField(_("边界"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("区划不能是自己的上级。")})


class Union(models.Model):
    """A trade union in the tree province federation → prefecture → county → grassroots.

    ``path`` is the materialized path of codes from the root, each followed by "/"
    (``QH/QH-XN/QH-XN-CZ/``), so "everything under this union" is one prefix query on an
    indexed column. Only ``stations.services.regions_unions.union_*`` functions write it.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省总工会")
        PREFECTURE = "prefecture", _("市（州）总工会")
        COUNTY = "county", _("县（区）总工会")
        GRASSROOTS = "grassroots", _("基层工会")
        INDUSTRY = "industry", _("产业工会")

    code = models.CharField(
        _("工会编号"), max_length=40, unique=True, validators=[union_code_validator]
    )
    name = models.CharField(_("名称"), max_length=150)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="unions"
    )
    path = models.CharField(_("路径"), max_length=1000, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)

    history = HistoricalRecords()
    objects = UnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会")
        verbose_name_plural = _("工会")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("工会不能是自己的上级。")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("不能把工会移到它自己的下级工会之下。")})

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{UNION_PATH_SEPARATOR}"

    def is_under(self, other: Union) -> bool:
        """True when this union is ``other`` or lies anywhere below it."""
        return self.path.startswith(other.path)

    def ancestor_paths(self) -> list[str]:
        """The paths of this union and of every union above it, root first:
        ``QH/QH-XN/QH-XN-CZ/`` → ``["QH/", "QH/QH-XN/", "QH/QH-XN/QH-XN-CZ/"]``."""
        return path_and_above(self.path)


def path_and_above(path: str) -> list[str]:
    """A materialized path and the paths of every union above it, root first."""
    parts = [part for part in path.split(UNION_PATH_SEPARATOR) if part]
    return [
        UNION_PATH_SEPARATOR.join(parts[: n + 1]) + UNION_PATH_SEPARATOR for n in range(len(parts))
    ]


class Membership(models.Model):
    """A user's role in a union; station staff are also tied to the stations they run.

    Written only by ``stations.services.memberships.membership_*`` (a security event).
    """

    class Role(models.TextChoices):
        STATION_STAFF = "station_staff", _("站点工作人员")
        ORGANIZER = "organizer", _("组织者")
        ADMIN = "admin", _("管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    stations = models.ManyToManyField(
        "Station", verbose_name=_("负责的站点"), blank=True, related_name="staff_memberships"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Who granted, changed or revoked a role, and which stations it covered.
    history = HistoricalRecords(m2m_fields=[stations])

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "union", "role"], name="membership_unique_user_union_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.union} · {self.get_role_display()}"


class Service(models.Model):
    """A facility a station may offer. ``code`` is stable: the API and imports use it."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)
    icon = models.CharField(_("图标"), max_length=16, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceAlias(models.Model):
    """Another way clerks write a catalogue service (“开水” for 热水, “WiFi” for 无线网络).

    An import matches a service by its code, its name or one of these aliases, each
    compared after NFKC, case folding and without spaces (``stations.resources.stations``).
    Seeded by ``0010_service_alias``; organizers add more in the admin.
    """

    service = models.ForeignKey(
        Service, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("别名"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("服务项目别名")
        verbose_name_plural = _("服务项目别名")
        ordering = ["service__sort_order", "alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.service.name}"


class HomeChoice(models.Model):
    """Where a person with several roles chose to land after login (``config.navigation``).

    Written only by ``stations.services.preferences.home_choose``.
    """

    class Home(models.TextChoices):
        DESK = "desk", _("站点工作台")
        ORGANIZER = "organizer", _("组织者首页")
        PROVINCE = "province", _("全省概览")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        primary_key=True, related_name="home_choice",
    )  # fmt: skip
    home = models.CharField(_("首页"), max_length=12, choices=Home.choices)
    chosen_at = models.DateTimeField(_("选择时间"), auto_now=True)

    class Meta:
        verbose_name = _("首页选择")
        verbose_name_plural = _("首页选择")

    def __str__(self) -> str:
        return f"{self.user} → {self.get_home_display()}"


class Station(models.Model):
    class Kind(models.TextChoices):
        STANDALONE = "standalone", _("独立站点")
        BANK = "bank", _("银行网点")
        SANITATION = "sanitation", _("环卫站所")
        FUEL = "fuel", _("加油站")
        SHOP = "shop", _("商铺")
        UNION_OFFICE = "union_office", _("工会办公场所")
        PUBLIC_BUILDING = "public_building", _("公共建筑")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        ACTIVE = "active", _("运行中")
        PAUSED = "paused", _("暂停")
        CLOSED = "closed", _("已撤销")

    code = models.CharField(
        _("站点编号"),
        max_length=40,
        unique=True,
        validators=[station_code_validator],
        help_text=_("例如 QH-XN-0001"),
    )
    name = models.CharField(_("名称"), max_length=150)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    host_organization = models.CharField(_("依托单位"), max_length=200, blank=True)
    union = models.ForeignKey(
        Union, verbose_name=_("运营工会"), on_delete=models.PROTECT, related_name="stations"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations"
    )
    location = models.PointField(_("位置"), srid=4326, geography=False, spatial_index=True)
    address = models.CharField(_("地址"), max_length=300)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    altitude_m = models.IntegerField(
        _("海拔（米）"), null=True, blank=True,
        validators=[MinValueValidator(-500), MaxValueValidator(9000)],
        help_text=_("手工填写，或由 fill_altitude 命令从高程数据补齐"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    seats = models.PositiveSmallIntegerField(_("座位数"), default=0)
    step_free = models.BooleanField(_("无障碍通道"), default=False)
    accessible_toilet = models.BooleanField(_("无障碍卫生间"), default=False)
    services = models.ManyToManyField(
        Service, verbose_name=_("服务项目"), blank=True, related_name="stations"
    )
    is_24h = models.BooleanField(_("24 小时开放"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    # Read-side copies of the periods, closures and service codes, rebuilt by
    # stations.services.stations.station_save whenever those change, so the public finder
    # answers from one row per station (see docs/performance.md).
    schedule = models.JSONField(_("开放时间缓存"), default=dict, blank=True, editable=False)
    service_codes = models.JSONField(_("服务项目缓存"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[services], excluded_fields=["schedule", "service_codes"]
    )
    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "union"], name="station_status_union")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.location is not None:
            if self.location.srid not in (None, 4326):
                self.location.transform(4326)
            lng, lat = self.location.x, self.location.y
            lng_min, lat_min, lng_max, lat_max = settings.CHINA_BOUNDS
            if not (lng_min <= lng <= lng_max and lat_min <= lat <= lat_max):
                errors["location"] = _(
                    "位置（经度 %(lng).5f，纬度 %(lat).5f）不在中国境内，请检查经纬度是否填反。"
                ) % {"lng": lng, "lat": lat}
        if self.code and not re.match(r"^[A-Z]", self.code):
            errors["code"] = _("站点编号必须以大写字母开头。")
        if errors:
            raise ValidationError(errors)


class OpeningPeriod(models.Model):
    """One opening span on one weekday.

    ``overnight`` means the span ends after midnight (20:00–02:00 on Friday runs into
    Saturday). A period with ``season_start``/``season_end`` (month-day, every year, may
    wrap the new year) applies only in that season; on a day inside a season the station's
    seasonal periods replace its regular ones.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("周一")
        TUESDAY = 2, _("周二")
        WEDNESDAY = 3, _("周三")
        THURSDAY = 4, _("周四")
        FRIDAY = 5, _("周五")
        SATURDAY = 6, _("周六")
        SUNDAY = 7, _("周日")

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="periods"
    )
    weekday = models.PositiveSmallIntegerField(
        _("星期"),
        choices=Weekday.choices,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    opens = models.TimeField(_("开放时间"))
    closes = models.TimeField(_("关闭时间"))
    overnight = models.BooleanField(_("跨午夜"), default=False)
    season_start = models.CharField(
        _("季节开始（MM-DD）"), max_length=5, blank=True, validators=[month_day_validator]
    )
    season_end = models.CharField(
        _("季节结束（MM-DD）"), max_length=5, blank=True, validators=[month_day_validator]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("开放时段")
        verbose_name_plural = _("开放时段")
        ordering = ["station", "season_start", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def is_seasonal(self) -> bool:
        return bool(self.season_start)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.opens is not None and self.closes is not None:
            if self.opens == self.closes:
                errors["closes"] = _(
                    "关闭时间不能等于开放时间；全天开放请勾选站点的“24 小时开放”。"
                )
            elif self.closes < self.opens and not self.overnight:
                errors["closes"] = _("关闭时间早于开放时间；如果开放到次日凌晨，请勾选“跨午夜”。")
            elif self.closes > self.opens and self.overnight:
                errors["overnight"] = _(
                    "只有关闭时间早于开放时间（到次日凌晨）时才能勾选“跨午夜”。"
                )
        if bool(self.season_start) != bool(self.season_end):
            errors["season_end"] = _("季节开始和结束日期要同时填写或同时留空。")
        if errors:
            raise ValidationError(errors)


class Closure(models.Model):
    """A range of dates (inclusive) when the station is closed whatever its hours say."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    #: The desk's own key for the request that made it (its offline queue sends each
    #: closure with one), so that a retry makes no second closure.
    key = models.CharField(
        _("请求键"), max_length=64, null=True, blank=True, unique=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("闭站安排")
        verbose_name_plural = _("闭站安排")
        ordering = ["station", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})


class DayHours(models.Model):
    """Hours for one date that replace the station's usual hours on that date (a late
    opening, a short day), set by its staff at the desk. A day closed outright is a
    ``Closure`` instead."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="day_hours"
    )
    day = models.DateField(_("日期"))
    opens = models.TimeField(_("开放时间"))
    closes = models.TimeField(_("关闭时间"))
    overnight = models.BooleanField(_("跨午夜"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单日开放时间")
        verbose_name_plural = _("单日开放时间")
        ordering = ["station", "day"]
        constraints = [
            models.UniqueConstraint(fields=["station", "day"], name="day_hours_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None:
            if self.opens == self.closes:
                raise ValidationError({"closes": _("关闭时间不能等于开放时间。")})
            if self.closes < self.opens and not self.overnight:
                raise ValidationError(
                    {"closes": _("关闭时间早于开放时间；如果开放到次日凌晨，请勾选“跨午夜”。")}
                )
            if self.closes > self.opens and self.overnight:
                raise ValidationError(
                    {"overnight": _("只有关闭时间早于开放时间（到次日凌晨）时才能勾选“跨午夜”。")}
                )


class Visit(models.Model):
    """One worker's visit, logged by station staff. ``uuid`` is made by the client, so a
    batch sent twice (a retry after a lost answer) creates nothing new.

    At national scale this is the largest table (millions of rows a day). On PostgreSQL it
    is partitioned by month on ``occurred_at`` (migration 0008; partitions are created
    ahead by ``stations.services.partitions``). A partitioned table's unique keys must hold
    the partition key, so there the primary key is ``(id, occurred_at)`` and the client's
    ``uuid`` is unique together with ``occurred_at``: a retry resends both, so it is still
    recognised. SpatiaLite keeps one plain table. Reports read ``VisitDaily``.
    """

    uuid = models.UUIDField(_("客户端编号"), unique=True)
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="visits"
    )
    occurred_at = models.DateTimeField(_("到访时间"))
    category = models.CharField(_("劳动者类别"), max_length=16, choices=WorkerCategory.choices)
    services = models.JSONField(_("使用的服务"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The upload the visit arrived in: rows of this batch were created by it, the others
    # were already there (duplicates).
    batch = models.UUIDField(_("上传批次"), editable=False)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到访记录")
        verbose_name_plural = _("到访记录")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["station", "occurred_at"], name="visit_station_time")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.occurred_at:%Y-%m-%d %H:%M} {self.category}"


class VisitDaily(models.Model):
    """Visits per station, local day (Asia/Shanghai) and worker category: what reports read.

    Kept up to date in the transaction that stores or undoes visits (an upsert adding the
    visits that transaction created, so a retried batch adds nothing), and rebuilt from
    the visits for any span by ``stations.services.visits.visit_rollup_rebuild``.
    """

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="visit_days"
    )
    day = models.DateField(_("日期"))
    category = models.CharField(_("劳动者类别"), max_length=16, choices=WorkerCategory.choices)
    visits = models.PositiveIntegerField(_("到访人次"), default=0)

    class Meta:
        verbose_name = _("每日到访汇总")
        verbose_name_plural = _("每日到访汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "day", "category"], name="visitdaily_station_day_category"
            )
        ]
        indexes = [models.Index(fields=["day", "station"], name="visitdaily_day_station")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} {self.category}: {self.visits}"


class Feedback(models.Model):
    """A worker's rating (1–5) with an optional comment; the comment is public only after an
    organizer approves it. Hidden feedback leaves the rating summary too."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        HIDDEN = "hidden", _("已隐藏")

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("留言"), max_length=500, blank=True)
    status = models.CharField(
        _("审核状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["station", "status"], name="feedback_station_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id} ★{self.rating}"


def report_photo_path(instance: FacilityReport, filename: str) -> str:
    return f"reports/{instance.station_id}/{filename}"


class FacilityReport(models.Model):
    """A worker's report of a problem at a station, handled by an organizer."""

    class Kind(models.TextChoices):
        WATER_BROKEN = "water_broken", _("饮水机坏了")
        CLOSED_IN_HOURS = "closed_in_hours", _("开放时间内关门")
        TOILET_UNUSABLE = "toilet_unusable", _("卫生间不能用")
        NO_MEDICINE = "no_medicine", _("没有药品")
        OTHER = "other", _("其他问题")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        IN_PROGRESS = "in_progress", _("处理中")
        FIXED = "fixed", _("已修复")
        DISMISSED = "dismissed", _("不予处理")

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("问题类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    photo = models.ImageField(_("照片"), upload_to=report_photo_path, blank=True)
    status = models.CharField(
        _("处理状态"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.CharField(_("处理说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("设施问题报告")
        verbose_name_plural = _("设施问题报告")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["station", "status"], name="report_station_status")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.get_kind_display()}"


class Inspection(models.Model):
    """An organizer's inspection against the "六有" standard (six essentials)."""

    CHECKS = (
        ("sign", _("有统一标识和名称")),
        ("room", _("有合适的场所")),
        ("facilities", _("有完好的设施（饮水、座椅、微波炉、充电、急救）")),
        ("services", _("有承诺的服务")),
        ("rules", _("有管理制度")),
        ("findable", _("在地图上能找到")),
    )

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_ok = models.BooleanField(_("统一标识和名称"))
    sign_note = models.CharField(_("标识说明"), max_length=300, blank=True)
    room_ok = models.BooleanField(_("合适的场所"))
    room_note = models.CharField(_("场所说明"), max_length=300, blank=True)
    facilities_ok = models.BooleanField(_("设施完好"))
    facilities_note = models.CharField(_("设施说明"), max_length=300, blank=True)
    services_ok = models.BooleanField(_("服务与承诺一致"))
    services_note = models.CharField(_("服务说明"), max_length=300, blank=True)
    rules_ok = models.BooleanField(_("有管理制度"))
    rules_note = models.CharField(_("制度说明"), max_length=300, blank=True)
    findable_ok = models.BooleanField(_("地图上可查到"))
    findable_note = models.CharField(_("地图说明"), max_length=300, blank=True)
    stars = models.PositiveSmallIntegerField(
        _("星级"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(_("总体意见"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("六有检查")
        verbose_name_plural = _("六有检查")
        ordering = ["-inspected_on", "-created_at"]
        indexes = [models.Index(fields=["station", "inspected_on"], name="inspection_station_day")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.inspected_on} ★{self.stars}"

    @property
    def passed(self) -> int:
        return sum(getattr(self, f"{code}_ok") for code, _label in self.CHECKS)
