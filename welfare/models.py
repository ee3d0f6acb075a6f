"""Protection of workers in special conditions: workplaces and their hazards, measurements,
health surveillance, hazard reports from workers, and weather alerts per region."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.categories import WorkerCategory
from stations.models import Region, Union
from welfare.validators import validate_credit_code


class Hazard(models.TextChoices):
    HIGH_TEMPERATURE = "high_temperature", _("高温")
    LOW_TEMPERATURE = "low_temperature", _("低温")
    TOXIC = "toxic", _("有毒有害物质")
    DUST = "dust", _("粉尘")
    NOISE = "noise", _("噪声")
    HIGH_ALTITUDE = "high_altitude", _("高海拔")
    OTHER = "other", _("其他")


class Workplace(models.Model):
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    # An enterprise with sites in several places (盐湖, 西部矿业: mines at different
    # altitudes) registers each site under its one credit code; "" is its main site.
    site = models.CharField(
        _("场所名称"), max_length=100, blank=True,
        help_text=_("同一单位有多个作业场所时填写，如“察尔汗矿区”"),
    )  # fmt: skip
    location = models.PointField(_("位置"), srid=4326)
    address = models.CharField(_("地址"), max_length=300)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="workplaces"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("监督工会"), on_delete=models.PROTECT, related_name="workplaces"
    )
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    altitude_m = models.IntegerField(
        _("海拔（米）"), null=True, blank=True,
        validators=[MinValueValidator(-500), MaxValueValidator(9000)],
        help_text=_("手工填写，或由 fill_altitude 命令从高程数据补齐"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("特殊环境作业场所")
        verbose_name_plural = _("特殊环境作业场所")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code", "site"], name="workplace_code_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.site}" if self.site else self.name

    @property
    def is_high_altitude(self) -> bool:
        """At or above ``HIGH_ALTITUDE_M`` (3000 m by default): high-altitude work."""
        return self.altitude_m is not None and self.altitude_m >= settings.HIGH_ALTITUDE_M


class WorkplaceHazard(models.Model):
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("作业场所"), on_delete=models.CASCADE, related_name="hazards"
    )
    hazard = models.CharField(_("危害类型"), max_length=20, choices=Hazard.choices)
    exposed = models.PositiveIntegerField(_("接触人数"), default=0)
    # The exposure level that sets the period of checks (GBZ 188-2014): noise as the 8-h
    # equivalent level LEX,8h in dB(A) (§7.1), dust by the grade of GBZ/T 229.1 (§6.1).
    # Unknown: the stricter (yearly) period applies.
    noise_dba = models.DecimalField(
        _("噪声 8 小时等效声级 dB(A)"), max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )  # fmt: skip
    dust_grade = models.PositiveSmallIntegerField(
        _("粉尘作业分级（GBZ/T 229.1）"), null=True, blank=True,
        choices=[(0, "0"), (1, "Ⅰ"), (2, "Ⅱ"), (3, "Ⅲ")],
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("危害因素")
        verbose_name_plural = _("危害因素")
        constraints = [
            models.UniqueConstraint(fields=["workplace", "hazard"], name="workplace_hazard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_hazard_display()} ×{self.exposed}"


class Measurement(models.Model):
    class Intensity(models.TextChoices):
        LIGHT = "light", _("轻劳动")
        MODERATE = "moderate", _("中等劳动")
        HEAVY = "heavy", _("重劳动")
        VERY_HEAVY = "very_heavy", _("极重劳动")

    class Verdict(models.TextChoices):
        OK = "ok", _("符合限值")
        HEAT_OVER = "heat_over", _("超过高温作业限值")
        COLD = "cold", _("低温作业")

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("作业场所"), on_delete=models.CASCADE, related_name="measurements"
    )
    measured_on = models.DateField(_("测量日期"))
    point = models.PointField(_("测点"), srid=4326, null=True, blank=True)
    air_temperature = models.DecimalField(_("气温（°C）"), max_digits=4, decimal_places=1)
    wbgt = models.DecimalField(
        _("WBGT（°C）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    intensity = models.CharField(_("劳动强度"), max_length=12, choices=Intensity.choices)
    exposure_percent = models.PositiveSmallIntegerField(
        _("接触时间率（%）"), default=100, validators=[MinValueValidator(1)]
    )
    verdict = models.CharField(_("判定"), max_length=10, choices=Verdict.choices, editable=False)
    limit = models.DecimalField(
        _("限值（°C）"), max_digits=4, decimal_places=1, null=True, editable=False
    )
    # GB/T 14440 低温作业分级 (1–4 = I–IV) from air temperature and exposure; None: not cold.
    cold_grade = models.PositiveSmallIntegerField(
        _("低温作业级别"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("现场测量")
        verbose_name_plural = _("现场测量")
        ordering = ["-measured_on"]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.measured_on}"


class Worker(models.Model):
    """An optional registration for health surveillance. The phone number is kept only as
    an HMAC (``campaigns``' and this app's ``WORKER_ID_SECRET``), never in clear."""

    name = models.CharField(_("姓名"), max_length=50)
    category = models.CharField(_("劳动者类别"), max_length=16, choices=WorkerCategory.choices)
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("作业场所"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="workers",
    )  # fmt: skip
    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="registered_workers"
    )
    phone_key = models.CharField(_("手机号摘要"), max_length=64, blank=True, db_index=True)
    # Only the last four characters of the ID card (PIPL: minimal data); a roster row is
    # matched by phone, else by name and these four.
    id_last4 = models.CharField(_("身份证后四位"), max_length=4, blank=True)
    job = models.CharField(_("岗位"), max_length=100, blank=True)
    hazards = models.JSONField(_("接触的危害"), default=list, blank=True)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    consent_at = models.DateTimeField(_("同意时间"))
    needs_reassignment = models.BooleanField(_("需调岗跟进"), default=False)
    next_check_due = models.DateField(_("下次体检"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["phone_key"])

    class Meta:
        verbose_name = _("登记劳动者")
        verbose_name_plural = _("登记劳动者")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_hazards_display(self) -> str:
        labels = dict(Hazard.choices)
        return "、".join(str(labels.get(h, h)) for h in self.hazards)


class HealthCheck(models.Model):
    class Kind(models.TextChoices):
        PRE_EMPLOYMENT = "pre_employment", _("上岗前")
        PERIODIC = "periodic", _("在岗期间")
        LEAVING = "leaving", _("离岗时")
        EMERGENCY = "emergency", _("应急")
        RECHECK = "recheck", _("复查")

    class Result(models.TextChoices):
        """The five results of GBZ 188-2014 §4.8.3 a)–e)."""

        NORMAL = "normal", _("目前未见异常")
        REVIEW = "review", _("需复查")
        SUSPECTED = "suspected", _("疑似职业病")
        CONTRAINDICATION = "contraindication", _("职业禁忌证")
        OTHER = "other", _("其他疾病或异常")

    worker = models.ForeignKey(
        Worker, verbose_name=_("劳动者"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    checked_on = models.DateField(_("体检日期"))
    result = models.CharField(_("结论"), max_length=16, choices=Result.choices)
    notes = models.TextField(_("备注"), blank=True)
    next_due = models.DateField(_("下次体检"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("职业健康检查")
        verbose_name_plural = _("职业健康检查")
        ordering = ["-checked_on"]

    def __str__(self) -> str:
        return f"{self.worker} · {self.checked_on} · {self.get_kind_display()}"


class HealthFollowUp(models.Model):
    """What a check's result asks for next: a recheck (复查) or, for a suspected
    occupational disease, a diagnosis (职业病诊断). Done when a later check is recorded."""

    class Reason(models.TextChoices):
        RECHECK = "recheck", _("复查")
        DIAGNOSIS = "diagnosis", _("职业病诊断")
        TREATMENT = "treatment", _("就医")

    worker = models.ForeignKey(
        Worker, verbose_name=_("劳动者"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    health_check = models.OneToOneField(
        HealthCheck, verbose_name=_("体检"), on_delete=models.CASCADE, related_name="follow_up"
    )
    reason = models.CharField(_("跟进事项"), max_length=12, choices=Reason.choices)
    due_on = models.DateField(_("应完成日期"), db_index=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        HealthCheck, verbose_name=_("完成的体检"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("体检后续跟进")
        verbose_name_plural = _("体检后续跟进")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_reason_display()} · {self.due_on}"


def hazard_photo_path(instance: HazardReport, filename: str) -> str:
    return f"hazards/{instance.tracking_code}/{filename}"


class HazardReport(models.Model):
    """A worker's report of a safety hazard (隐患举报). The reporter's contact is visible
    only to the organizer handling the report — never in lists, exports or the API."""

    class Category(models.TextChoices):
        ELECTRICAL = "electrical", _("用电安全")
        FIRE = "fire", _("消防")
        HEIGHT = "height", _("高处作业")
        MACHINERY = "machinery", _("机械设备")
        HEAT_COLD = "heat_cold", _("高温或低温")
        CHEMICAL = "chemical", _("危险化学品")
        TRAFFIC = "traffic", _("交通")
        STRUCTURE = "structure", _("建筑结构")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        VERIFIED = "verified", _("已核实")
        UNFOUNDED = "unfounded", _("经核查不属实")
        REFERRED = "referred", _("已转交主管部门")
        PASSED_ON = "passed_on", _("已交企业整改")
        RECTIFIED = "rectified", _("已整改")
        CLOSED = "closed", _("已办结")

    class Grade(models.TextChoices):
        GENERAL = "general", _("一般隐患")
        MAJOR = "major", _("重大隐患")

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    location = models.PointField(_("位置"), srid=4326, null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    union = models.ForeignKey(
        Union, verbose_name=_("处理工会"), on_delete=models.PROTECT, related_name="hazard_reports"
    )
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    description = models.TextField(_("描述"), max_length=2000)
    photo = models.ImageField(_("照片"), upload_to=hazard_photo_path, blank=True)
    contact = models.CharField(_("联系方式（仅处理人可见）"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    grade = models.CharField(_("等级"), max_length=8, choices=Grade.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = _("隐患举报")
        verbose_name_plural = _("隐患举报")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.tracking_code


class HazardReward(models.Model):
    """A reward due to the reporter of a verified hazard, by grade (amounts in settings
    ``HAZARD_REWARD_AMOUNTS`` per province). Paid from the budget of the report's union or
    of the nearest union above it that has a budget for the year (``RewardBudget``)."""

    report = models.OneToOneField(
        HazardReport, verbose_name=_("隐患举报"), on_delete=models.PROTECT, related_name="reward"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="hazard_rewards"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("等级"), max_length=8, choices=HazardReport.Grade.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="reward_amount_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class RewardBudget(models.Model):
    """A union's budget for hazard-report rewards in one year."""

    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="reward_budgets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算（元）"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("举报奖励预算")
        verbose_name_plural = _("举报奖励预算")
        ordering = ["-year", "union"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="reward_budget_union_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="reward_budget_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.union} · {self.year}"


class HazardReportStep(models.Model):
    report = models.ForeignKey(HazardReport, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("状态"), max_length=10, choices=HazardReport.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class Forecast(models.Model):
    """The last good daily forecast for a region and day; ``stale`` when a fetch failed."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="forecasts")
    day = models.DateField()
    t_max = models.DecimalField(max_digits=4, decimal_places=1)
    t_min = models.DecimalField(max_digits=4, decimal_places=1)
    fetched_at = models.DateTimeField()
    stale = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="forecast_region_day")
        ]


class WeatherAlert(models.Model):
    class Kind(models.TextChoices):
        HEAT = "heat", _("高温")
        COLD_WAVE = "cold_wave", _("寒潮")
        WIND_CHILL = "wind_chill", _("风寒")

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="weather_alerts"
    )
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    # Heat: 1–3; cold wave: 1 blue, 2 yellow, 3 orange, 4 red; wind chill: risk band 1–5.
    level = models.PositiveSmallIntegerField(_("级别"))
    # Heat: the maximum; cold wave: the minimum reached; wind chill: the index.
    temperature = models.DecimalField(_("气温（°C）"), max_digits=4, decimal_places=1)
    advice = models.CharField(_("建议"), max_length=500)
    advice_en = models.CharField(_("英文建议"), max_length=500)
    stale = models.BooleanField(_("预报已过时"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        # Our own estimate (提示), never a 预警: only the meteorological offices issue those.
        verbose_name = _("天气提示")
        verbose_name_plural = _("天气提示")
        ordering = ["day", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "day", "kind"], name="alert_region_day_kind")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.day} {self.get_kind_display()} {self.level}"


class OfficialAlert(models.Model):
    """A warning signal as a meteorological office issued it, in CAP 1.2 (``welfare.cap``).

    Shown verbatim (headline, colour, sender, time) while it is in force: status Actual,
    message Alert or Update, not past ``expires`` and not withdrawn by a later Cancel or
    Update naming it in ``<references>``. Cancel and Update messages are kept too, so that
    one arriving before the alert it names still withdraws it.
    """

    class MsgType(models.TextChoices):
        ALERT = "Alert", "Alert"
        UPDATE = "Update", "Update"
        CANCEL = "Cancel", "Cancel"
        ACK = "Ack", "Ack"
        ERROR = "Error", "Error"

    identifier = models.CharField(_("标识"), max_length=200)
    sender = models.CharField(_("发布者标识"), max_length=200)
    sender_name = models.CharField(_("发布单位"), max_length=200, blank=True)
    sent = models.DateTimeField(_("发布时间"))
    effective = models.DateTimeField(_("生效时间"), null=True, blank=True)
    expires = models.DateTimeField(_("失效时间"), null=True, blank=True, db_index=True)
    msg_type = models.CharField(_("消息类型"), max_length=8, choices=MsgType.choices)
    status = models.CharField(_("状态"), max_length=10)
    # CAP <references> as sent, padded with spaces: " sender,identifier,sent ... ".
    references = models.TextField(_("引用"), blank=True)
    language = models.CharField(_("语言"), max_length=20, blank=True)
    event = models.CharField(_("事件"), max_length=200, blank=True)
    kind = models.CharField(_("类别"), max_length=12, default="other")
    severity = models.CharField(_("严重程度"), max_length=10, blank=True)
    urgency = models.CharField(_("紧迫程度"), max_length=10, blank=True)
    certainty = models.CharField(_("确定程度"), max_length=12, blank=True)
    colour = models.CharField(_("颜色"), max_length=8, blank=True)
    headline = models.CharField(_("标题"), max_length=500, blank=True)
    description = models.TextField(_("内容"), blank=True)
    instruction = models.TextField(_("防御指南"), blank=True)
    area_desc = models.TextField(_("区域描述"), blank=True)
    geocodes = models.JSONField(_("区域代码"), default=list, blank=True)
    polygon = models.MultiPolygonField(_("区域范围"), srid=4326, null=True, blank=True)
    regions = models.ManyToManyField(
        Region, verbose_name=_("覆盖区划"), blank=True, related_name="official_alerts"
    )
    raw_xml = models.TextField(_("原文"))
    source_url = models.CharField(_("来源"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.CharField(_("撤销消息"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("官方预警信号")
        verbose_name_plural = _("官方预警信号")
        ordering = ["-sent"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "identifier"], name="official_alert_sender_identifier"
            )
        ]

    def __str__(self) -> str:
        return self.headline or self.identifier


class ProvinceRule(models.Model):
    """A rule a province (or a city within it) sets for itself, as data: edited in the
    admin by that province's union, with history. A rule without a region is the default
    every region falls back to (Qinghai's values, seeded by a migration); one for a region
    (province, city, county) overrides it for the divisions beneath. Read only through
    ``welfare.rules.rule_value``."""

    class Key(models.TextChoices):
        STATION_CHECKLIST = "station_checklist", _("驿站建设标准（六有/八有）")
        HOT_HOURS = "hot_hours", _("高温停止户外作业时段的确定方法")
        SEASON_HOT = "season_hot", _("高温季节")
        SEASON_COLD = "season_cold", _("寒冷季节（采暖期）")
        REWARD_AMOUNTS = "reward_amounts", _("隐患举报奖励金额")
        REPORT_CONTACTS = "report_contacts", _("举报电话与电子邮箱")

    key = models.CharField(_("规则"), max_length=24, choices=Key.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("留空为默认值（适用于没有单独规定的地区）"),
    )  # fmt: skip
    value = models.JSONField(_("取值"))
    source = models.CharField(_("依据"), max_length=300, help_text=_("文件名称、条款"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地方规则")
        verbose_name_plural = _("地方规则")
        ordering = ["key", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "region"], condition=models.Q(region__isnull=False),
                name="province_rule_key_region",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(region__isnull=True),
                name="province_rule_key_default",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_key_display()} · {self.region or _('默认')}"
