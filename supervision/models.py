"""The union's labour-protection supervision (policy sections 三, 四 and 五): inspections of
workplaces and their findings through rectification, casualty accidents with the 四不放过
checks, 三同时 reviews, workers' safety inspectors, the 安康杯 competition, 一会三卡 and
training records.

Every row belongs to a workplace (``welfare.Workplace``) or a union, and is scoped through
that union's path (``core.scoping``). Only ``supervision.services`` writes them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.private_files import private_storage, random_name
from stations.models import Union
from welfare.models import Workplace


class Agency(models.TextChoices):
    """Departments that may join a union's inspection (联合检查)."""

    EMERGENCY = "emergency", _("应急管理")
    HEALTH = "health", _("卫生健康")
    FIRE = "fire", _("消防救援")
    MARKET = "market", _("市场监管")
    HUMAN_RESOURCES = "hr", _("人力资源社会保障")
    OTHER = "other", _("其他部门")


class ChecklistTemplate(models.Model):
    """A configurable inspection checklist: ``items`` is a list of item texts."""

    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="checklist_templates"
    )
    name = models.CharField(_("名称"), max_length=100)
    items = models.JSONField(_("检查项"), default=list)
    active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查表模板")
        verbose_name_plural = _("检查表模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """An inspection of a workplace by the union (三(三)), alone or with departments."""

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("受检单位"), on_delete=models.PROTECT,
        related_name="supervision_inspections",
    )  # fmt: skip
    inspected_on = models.DateField(_("检查日期"))
    # The union that inspects and signs the notices: the workplace's own or one above it
    # (null on rows recorded before it was asked: the workplace's union).
    union = models.ForeignKey(
        Union, verbose_name=_("检查工会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervision_inspections",
    )  # fmt: skip
    inspectors = models.CharField(_("检查人员"), max_length=300)
    appointed = models.ManyToManyField(
        "AppointedInspector", verbose_name=_("劳动保护监督检查员"), blank=True,
        related_name="inspections",
    )  # fmt: skip
    agencies = models.JSONField(_("联合检查部门"), default=list, blank=True)
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="inspections",
    )  # fmt: skip
    # [{"item": text, "ok": bool, "note": text}] — a copy, so a later template edit does
    # not rewrite what was checked.
    checklist = models.JSONField(_("检查表结果"), default=list, blank=True)
    notes = models.TextField(_("总体意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Made on the phone when the form is opened: an inspection queued offline and sent
    # again after a lost answer is recorded once.
    client_uuid = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                   editable=False)  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.inspected_on}"

    def get_agencies_display(self) -> str:
        labels = dict(Agency.choices)
        return "、".join(str(labels.get(a, a)) for a in self.agencies)

    @property
    def inspecting_union(self) -> Union:
        return self.union if self.union_id else self.workplace.union


class FindingCategory(models.TextChoices):
    ILLEGAL_COMMAND = "illegal_command", _("违章指挥")
    FORCED_RISK = "forced_risk", _("强令冒险作业")
    EQUIPMENT = "equipment", _("设备安全隐患")
    TRAINING = "training", _("培训不到位")
    PPE = "ppe", _("劳动防护用品缺失")
    OCCUPATIONAL = "occupational", _("职业病防护")
    FIRE = "fire", _("消防安全")
    OTHER = "other", _("其他")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改待验证")
    VERIFIED = "verified", _("已验证")


class Finding(models.Model):
    """A problem found at a workplace, tracked open → rectified (with evidence) → verified.

    It comes from an inspection, a workers' safety inspector's report or a 三同时 review;
    all follow the same rectification path (``supervision.services.findings``).
    """

    Category = FindingCategory

    class Severity(models.TextChoices):
        GENERAL = "general", _("一般")
        MAJOR = "major", _("重大")

    Status = FindingStatus

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查")
        INSPECTOR = "inspector", _("职工安全监督检查员报告")
        PROJECT = "project", _("三同时审查")

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="findings"
    )
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="findings",
    )  # fmt: skip
    project = models.ForeignKey(
        "Project", verbose_name=_("三同时项目"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="findings",
    )  # fmt: skip
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.INSPECTION
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    description = models.TextField(_("问题描述"), max_length=2000)
    law_cited = models.CharField(_("违反的法规或标准"), max_length=300, blank=True)
    requirement = models.TextField(_("整改要求"), max_length=2000, blank=True)
    deadline = models.DateField(_("整改期限"))
    responsible_person = models.CharField(_("企业整改责任人"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectification_evidence = models.TextField(_("整改情况与证据"), blank=True)
    verified_on = models.DateField(_("验证日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("验证人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    verification_note = models.TextField(_("验证意见"), max_length=2000, blank=True)
    # 双报告 (安全生产法 §41): the enterprise reports a major hazard to the government
    # department and to its workers' congress; the union records each report (date and
    # receiver) and verifies them.
    government_reported_on = models.DateField(_("企业报告政府部门日期"), null=True, blank=True)
    government_recipient = models.CharField(_("接收部门"), max_length=150, blank=True)
    congress_reported_on = models.DateField(_("企业报告职代会日期"), null=True, blank=True)
    congress_recipient = models.CharField(_("职代会接收人"), max_length=150, blank=True)
    congress_note = models.CharField(_("职代会报告说明"), max_length=300, blank=True)
    dual_verified_on = models.DateField(_("工会核实双报告日期"), null=True, blank=True)
    dual_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    overdue_alerted_on = models.DateField(_("逾期提醒日期"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="verified") | models.Q(verified_on__isnull=False),
                name="finding_verified_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(rectified_on__isnull=False),
                name="finding_rectified_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.get_category_display()} · {self.deadline}"


def finding_photo_path(instance: FindingPhoto, filename: str) -> str:
    return f"findings/{instance.finding_id}/{filename}"


class FindingPhoto(models.Model):
    class Kind(models.TextChoices):
        FINDING = "finding", _("问题照片")
        EVIDENCE = "evidence", _("整改证据")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    photo = models.ImageField(_("照片"), upload_to=finding_photo_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.photo.name}"


class AccidentCategory(models.TextChoices):
    """GB 6441-86 企业职工伤亡事故分类, the 20 categories by cause of injury."""

    STRUCK = "struck", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTRIC = "electric", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    FLOODING = "flooding", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS = "gas", _("瓦斯爆炸")
    BOILER = "boiler", _("锅炉爆炸")
    VESSEL = "vessel", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其他伤害")


class AccidentCause(models.TextChoices):
    """The main cause found by the investigation. GB 6442-86 (企业职工伤亡事故调查分析规则)
    §3.2 names the direct causes: the unsafe state of machines, materials or the environment
    (GB 6441-86 附录A A.6) and people's unsafe acts (A.7); §3.3 the indirect ones, which
    are failures of management (design, training, organisation, supervision, rules,
    preventive measures). GB 6441's appendix lists no management or environment cause."""

    UNSAFE_ACT = "unsafe_act", _("人的不安全行为")
    UNSAFE_CONDITION = "unsafe_condition", _("物的不安全状态")
    MANAGEMENT = "management", _("管理缺陷")
    ENVIRONMENT = "environment", _("环境因素")
    UNKNOWN = "unknown", _("待查明")


class AccidentGrade(models.TextChoices):
    """生产安全事故报告和调查处理条例 (国务院令第493号) §3: the grade by deaths, serious
    injuries (acute industrial poisoning included) and direct economic loss, the highest
    of the three; each threshold is a lower bound (“以上包括本数，以下不包括本数”)."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


class Accident(models.Model):
    """A casualty accident (三(四)) the union takes part in investigating, or an
    occupational-hazard event (职业危害事件: an acute poisoning, an over-exposure).

    The case closes only when the four checks of 四不放过 are done (``AccidentCheck``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        CLOSED = "closed", _("已结案")

    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("生产安全事故")
        HAZARD_EVENT = "hazard_event", _("职业危害事件")

    Grade = AccidentGrade

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("事故单位"), on_delete=models.PROTECT, related_name="accidents"
    )
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    kind = models.CharField(_("性质"), max_length=12, choices=Kind.choices, default=Kind.ACCIDENT)
    place = models.CharField(_("发生地点"), max_length=300)
    category = models.CharField(_("事故类别"), max_length=16, choices=AccidentCategory.choices)
    cause = models.CharField(
        _("主要原因"), max_length=18, choices=AccidentCause.choices, default=AccidentCause.UNKNOWN
    )
    deaths = models.PositiveSmallIntegerField(_("死亡人数"), default=0)
    serious = models.PositiveSmallIntegerField(_("重伤人数"), default=0)
    minor = models.PositiveSmallIntegerField(_("轻伤人数"), default=0)
    # 元, GB 6721-86 企业职工伤亡事故经济损失统计标准 §3.1 (直接经济损失).
    direct_loss = models.DecimalField(
        _("直接经济损失（元）"), max_digits=14, decimal_places=2, default=0
    )
    grade = models.CharField(
        _("事故等级"), max_length=14, choices=AccidentGrade.choices,
        default=AccidentGrade.GENERAL, db_index=True,
    )  # fmt: skip
    # Set when the e-mail to the unions above a fatal accident is sent (once).
    fatal_alerted_at = models.DateTimeField(_("死亡事故上报时间"), null=True, blank=True)
    description = models.TextField(_("经过"), max_length=4000, blank=True)
    union_participation = models.TextField(_("工会参与调查情况"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("伤亡事故")
        verbose_name_plural = _("伤亡事故")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.occurred_on} · {self.get_category_display()}"


class AccidentCheck(models.Model):
    """One of the four checks of 四不放过, closed with evidence and a date."""

    class Kind(models.TextChoices):
        CAUSE = "cause", _("事故原因已查清")
        RESPONSIBILITY = "responsibility", _("责任人员已处理")
        MEASURES = "measures", _("整改措施已落实")
        EDUCATION = "education", _("有关人员已受到教育")

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("事项"), max_length=16, choices=Kind.choices)
    done_on = models.DateField(_("完成日期"))
    evidence = models.TextField(_("证据与说明"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("四不放过")
        verbose_name_plural = _("四不放过")
        ordering = ["accident", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "kind"], name="accident_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.accident} · {self.get_kind_display()}"


class InjuredPerson(models.Model):
    """A person hurt in an accident. The name is shown only to the handling organizer."""

    class Injury(models.TextChoices):
        DEATH = "death", _("死亡")
        SERIOUS = "serious", _("重伤")
        MINOR = "minor", _("轻伤")

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="injured")
    name = models.CharField(_("姓名（仅处理人可见）"), max_length=50)
    injury = models.CharField(_("伤害程度"), max_length=8, choices=Injury.choices)
    lost_workdays = models.PositiveIntegerField(_("损失工作日"), null=True, blank=True)
    insurance_claimed_on = models.DateField(_("工伤认定申请日期"), null=True, blank=True)
    insurance_granted_on = models.DateField(_("工伤保险待遇落实日期"), null=True, blank=True)
    placement = models.CharField(_("安置情况"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["name"])

    class Meta:
        verbose_name = _("伤亡人员")
        verbose_name_plural = _("伤亡人员")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.accident} · {self.get_injury_display()}"


class Competition(models.Model):
    """A year's 安康杯 competition run by a union (四(二)): enrolment, evaluation against a
    scoring sheet (``scoring_items``: ``[{"code", "label", "max"}]``), then awards."""

    class Status(models.TextChoices):
        ENROLLING = "enrolling", _("报名中")
        EVALUATING = "evaluating", _("评审中")
        CLOSED = "closed", _("已结束")

    union = models.ForeignKey(
        Union, verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="competitions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=150)
    scoring_items = models.JSONField(_("评分表"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ENROLLING
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安康杯竞赛")
        verbose_name_plural = _("安康杯竞赛")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year", "name"], name="competition_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def max_total(self) -> int:
        return sum(int(item["max"]) for item in self.scoring_items)


class Award(models.TextChoices):
    WINNER_UNIT = "winner_unit", _("优胜单位")
    WINNER_GROUP = "winner_group", _("优胜班组")
    ORGANIZER = "organizer", _("优秀组织单位")


class CompetitionEntry(models.Model):
    """A participating unit: a workplace, or a union (for 优秀组织单位). A workplace with a
    fatal accident in the competition's year is excluded from awards, automatically."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="entries"
    )
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("参赛单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="competition_entries",
    )  # fmt: skip
    unit_union = models.ForeignKey(
        Union, verbose_name=_("参赛工会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="competition_entries",
    )  # fmt: skip
    enrolled_on = models.DateField(_("报名日期"))
    scores = models.JSONField(_("得分"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=1, null=True, blank=True)
    evaluated_on = models.DateField(_("评审日期"), null=True, blank=True)
    award = models.CharField(_("奖项"), max_length=12, choices=Award.choices, blank=True)
    excluded = models.BooleanField(_("取消评奖资格"), default=False)
    exclusion_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安康杯参赛单位")
        verbose_name_plural = _("安康杯参赛单位")
        ordering = ["competition", "-total", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workplace__isnull=False, unit_union__isnull=True)
                | models.Q(workplace__isnull=True, unit_union__isnull=False),
                name="entry_one_unit",
            ),
            models.UniqueConstraint(
                fields=["competition", "workplace"], name="entry_unique_workplace"
            ),
            models.UniqueConstraint(
                fields=["competition", "unit_union"], name="entry_unique_union"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.unit_name}"

    @property
    def unit_name(self) -> str:
        return self.workplace.name if self.workplace_id else self.unit_union.name


def evidence_path(instance: EntryEvidence, filename: str) -> str:
    """A random name in the private storage: evidence is served only through
    ``supervision:evidence``, which checks the user's scope."""
    return random_name("ankang", PurePosixPath(filename).suffix)


class EntryEvidence(models.Model):
    entry = models.ForeignKey(CompetitionEntry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("材料"), upload_to=evidence_path, storage=private_storage)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("竞赛材料")
        verbose_name_plural = _("竞赛材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.note or self.file.name


class SafetyGroup(models.Model):
    """A safety-type group (安全型班组, 四(四)) registered and scored under a unit."""

    entry = models.ForeignKey(
        CompetitionEntry, verbose_name=_("参赛单位"), on_delete=models.CASCADE,
        related_name="groups",
    )  # fmt: skip
    name = models.CharField(_("班组名称"), max_length=100)
    leader = models.CharField(_("班组长"), max_length=50)
    members = models.PositiveSmallIntegerField(_("人数"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    award = models.CharField(_("奖项"), max_length=12, choices=Award.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安全型班组")
        verbose_name_plural = _("安全型班组")
        ordering = ["entry", "-score", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="safety_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry.unit_name} · {self.name}"


class Project(models.Model):
    """A new, rebuilt or expanded project at a workplace under 三同时 (三(五)): its safety
    and health facilities designed, built and put in use together with the main works."""

    class Kind(models.TextChoices):
        NEW = "new", _("新建")
        REBUILT = "rebuilt", _("改建")
        EXPANDED = "expanded", _("扩建")

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    description = models.TextField(_("概况"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三同时项目")
        verbose_name_plural = _("三同时项目")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ProjectReview(models.Model):
    """The union's review at one milestone; a non-compliant one carries a finding (the
    improvement request), which follows the rectification path of any finding."""

    class Milestone(models.TextChoices):
        DESIGN = "design", _("同时设计")
        CONSTRUCTION = "construction", _("同时施工")
        OPERATION = "operation", _("同时投入生产和使用")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    milestone = models.CharField(_("阶段"), max_length=12, choices=Milestone.choices)
    reviewed_on = models.DateField(_("审查日期"))
    compliant = models.BooleanField(_("符合三同时"))
    opinion = models.TextField(_("工会审查意见"), max_length=2000)
    finding = models.OneToOneField(
        Finding, verbose_name=_("整改问题"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="project_review",
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三同时审查")
        verbose_name_plural = _("三同时审查")
        ordering = ["project", "reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_milestone_display()}"


class SafetyInspector(models.Model):
    """A workers' safety inspector (职工安全监督检查员, 五(二)) of a unit. With a linked
    login, they report findings and hazards from their phone."""

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("所在单位"), on_delete=models.PROTECT,
        related_name="safety_inspectors",
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="safety_inspector_roles",
    )  # fmt: skip
    appointed_on = models.DateField(_("聘任日期"))
    active = models.BooleanField(_("在任"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("职工安全监督检查员")
        verbose_name_plural = _("职工安全监督检查员")
        ordering = ["workplace", "name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.workplace}"


class InspectorTraining(models.Model):
    inspector = models.ForeignKey(
        SafetyInspector, verbose_name=_("检查员"), on_delete=models.CASCADE,
        related_name="trainings",
    )  # fmt: skip
    held_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查员培训")
        verbose_name_plural = _("检查员培训")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.inspector.name} · {self.topic}"


class InspectorAssessment(models.Model):
    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        INCOMPETENT = "incompetent", _("不称职")

    inspector = models.ForeignKey(
        SafetyInspector, verbose_name=_("检查员"), on_delete=models.CASCADE,
        related_name="assessments",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("考核结果"), max_length=12, choices=Result.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查员年度考核")
        verbose_name_plural = _("检查员年度考核")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "year"], name="assessment_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.inspector.name} · {self.year}"


class SafetyCard(models.Model):
    """一会三卡 (四(五)) at a workplace: whether each is in place and when last checked."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("班前会")
        HAZARDOUS_WORK = "hazardous_work", _("危险作业审批卡")
        EMERGENCY = "emergency", _("应急救援明白卡")
        CHECKUP = "checkup", _("企业安全体检卡")

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="safety_cards"
    )
    kind = models.CharField(_("项目"), max_length=16, choices=Kind.choices)
    in_place = models.BooleanField(_("已落实"))
    checked_on = models.DateField(_("最近检查日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("一会三卡")
        verbose_name_plural = _("一会三卡")
        ordering = ["workplace", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["workplace", "kind"], name="safety_card_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.get_kind_display()}"


class TrainingRecord(models.Model):
    """Safety education (四(一)): the 三级 education at a workplace, and campaigns such as
    安全生产月 and the 职业病防治法 publicity week, with the number of workers reached."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("三级教育：厂（公司）级")
        WORKSHOP = "workshop", _("三级教育：车间级")
        TEAM = "team", _("三级教育：班组级")
        SAFETY_MONTH = "safety_month", _("安全生产月")
        DISEASE_WEEK = "disease_week", _("《职业病防治法》宣传周")
        OTHER = "other", _("其他培训宣传")

    union = models.ForeignKey(
        Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="training_records"
    )
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="training_records",
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"))
    reached = models.PositiveIntegerField(_("覆盖职工人数"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    migrant_workers = models.PositiveIntegerField(_("其中农民工人数"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训与宣传")
        verbose_name_plural = _("培训与宣传")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} · {self.title}"


class StopWorkProposal(models.Model):
    """The union's proposal to evacuate workers or stop work where their lives are at risk
    (安全生产法 §60: 工会发现危及从业人员生命安全的情况时，有权向生产经营单位建议组织
    从业人员撤离危险场所，生产经营单位必须立即作出处理), with when, where and to whom."""

    class Kind(models.TextChoices):
        EVACUATE = "evacuate", _("建议撤离")
        STOP_WORK = "stop_work", _("建议停止作业")

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), on_delete=models.PROTECT,
        related_name="stop_work_proposals",
    )  # fmt: skip
    union = models.ForeignKey(
        Union, verbose_name=_("提出建议的工会"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("建议"), max_length=10, choices=Kind.choices)
    proposed_at = models.DateTimeField(_("提出时间"))
    place = models.CharField(_("危险场所"), max_length=300)
    addressed_to = models.CharField(_("向谁提出"), max_length=150)
    danger = models.TextField(_("危及生命安全的情况"), max_length=2000)
    response = models.TextField(_("企业处理情况"), max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    alerted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("建议撤离或停止作业")
        verbose_name_plural = _("建议撤离或停止作业")
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.get_kind_display()} · {self.proposed_at:%Y-%m-%d %H:%M}"


class InspectorIncentive(models.Model):
    """A commendation or reward of a workers' safety inspector (五(二): 表彰奖励)."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("通报表扬")
        HONOUR = "honour", _("授予荣誉称号")
        BONUS = "bonus", _("奖金奖励")

    inspector = models.ForeignKey(
        SafetyInspector, verbose_name=_("检查员"), on_delete=models.CASCADE,
        related_name="incentives",
    )  # fmt: skip
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    awarded_on = models.DateField(_("日期"))
    reason = models.CharField(_("事由"), max_length=300)
    amount = models.DecimalField(_("金额（元）"), max_digits=9, decimal_places=2, default=0)
    awarded_by = models.ForeignKey(
        Union, verbose_name=_("奖励工会"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查员表彰奖励")
        verbose_name_plural = _("检查员表彰奖励")
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return f"{self.inspector.name} · {self.get_kind_display()}"


class ProtectionCommittee(models.Model):
    """A labour-protection supervision committee (劳动保护监督检查委员会) set up by a union,
    at a workplace or at the union itself, counted in the yearly statistics."""

    union = models.ForeignKey(
        Union,
        verbose_name=_("工会"),
        on_delete=models.PROTECT,
        related_name="protection_committees",
    )
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="protection_committees",
    )  # fmt: skip
    established_on = models.DateField(_("成立日期"))
    members = models.PositiveSmallIntegerField(_("委员人数"), default=0)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("劳动保护监督检查委员会")
        verbose_name_plural = _("劳动保护监督检查委员会")
        ordering = ["union__path", "established_on"]

    def __str__(self) -> str:
        return f"{self.workplace or self.union} · {self.established_on}"


class HonourKind(models.TextChoices):
    """The 安康杯 honours given to people and enterprises (beside the unit awards)."""

    ADVANCED_INDIVIDUAL = "advanced_individual", _("先进个人")
    MODEL_ENTERPRISE = "model_enterprise", _("示范企业")


class HonourQuota(models.Model):
    """How many of an honour a union below the competition's may nominate."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="quotas"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("推荐工会"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("荣誉"), max_length=20, choices=HonourKind.choices)
    quota = models.PositiveSmallIntegerField(_("名额"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安康杯推荐名额")
        verbose_name_plural = _("安康杯推荐名额")
        ordering = ["competition", "union__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "union", "kind"], name="honour_quota_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.union} · {self.get_kind_display()} · {self.quota}"


class Nomination(models.Model):
    """A union's nomination, upward, of a person or an enterprise for a 安康杯 honour;
    the competition's union approves or declines it."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已推荐")
        APPROVED = "approved", _("已批准")
        DECLINED = "declined", _("未批准")

    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="nominations"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("推荐工会"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("荣誉"), max_length=20, choices=HonourKind.choices)
    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("姓名（先进个人）"), max_length=50, blank=True)
    deeds = models.TextField(_("主要事迹"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    nominated_on = models.DateField(_("推荐日期"))
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安康杯推荐")
        verbose_name_plural = _("安康杯推荐")
        ordering = ["competition", "kind", "pk"]

    def __str__(self) -> str:
        who = self.person_name or self.workplace.name
        return f"{self.competition} · {self.get_kind_display()} · {who}"


class TeamSafetyMeeting(models.Model):
    """一会三卡 per team (四(五)): a team's pre-shift safety meeting (班前会) on a day and
    the cards issued at it (危险作业审批卡, 应急救援明白卡, 企业安全体检卡)."""

    workplace = models.ForeignKey(
        Workplace, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="team_meetings"
    )
    team = models.CharField(_("班组"), max_length=100)
    held_on = models.DateField(_("班前会日期"))
    attendees = models.PositiveSmallIntegerField(_("参会人数"), default=0)
    hazardous_work_cards = models.PositiveSmallIntegerField(_("危险作业审批卡（张）"), default=0)
    emergency_cards = models.PositiveSmallIntegerField(_("应急救援明白卡（张）"), default=0)
    checkup_cards = models.PositiveSmallIntegerField(_("企业安全体检卡（张）"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("班组一会三卡")
        verbose_name_plural = _("班组一会三卡")
        ordering = ["workplace", "team", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["workplace", "team", "held_on"], name="team_meeting_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workplace} · {self.team} · {self.held_on}"


class NoticeSeries(models.Model):
    """A union's 发文字号 prefix for its labour-protection notices (e.g. 宁工劳保): the
    notices it issues are numbered ``<prefix>〔<year>〕<n>号``, n counting from 1 each
    year (党政机关公文格式 GB/T 9704-2012 §7.2.4: 机关代字、年份、发文顺序号)."""

    union = models.OneToOneField(
        Union, verbose_name=_("工会"), on_delete=models.CASCADE, related_name="notice_series"
    )
    prefix = models.CharField(_("发文字号前缀"), max_length=20, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        ordering = ["union__path"]

    def __str__(self) -> str:
        return f"{self.union} · {self.prefix}"


class NoticeCounter(models.Model):
    """The last number a union gave in a year; locked (``select_for_update``) to allocate
    the next, so two organizers issuing at once get two numbers."""

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="notice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.union_id} · {self.year} · {self.last}"


class Notice(models.Model):
    """An issued notice in the register: its number, the dates it was issued and served,
    when the written reply (书面答复) is due and when it came. The PDF is kept as first
    printed, so a reprint is the same document."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("监督检查意见书")
        RECTIFICATION = "rectification", _("整改建议书")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("文书"), max_length=14, choices=Kind.choices)
    union = models.ForeignKey(
        Union, verbose_name=_("发文工会"), on_delete=models.PROTECT, related_name="notices"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("顺序号"))
    document_number = models.CharField(_("发文字号"), max_length=60)
    issued_on = models.DateField(_("发文日期"))
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    reply_due = models.DateField(_("书面答复期限"))
    reply_received = models.DateField(_("收到答复日期"), null=True, blank=True)
    reply_note = models.TextField(_("答复内容"), max_length=2000, blank=True)
    overdue_alerted_on = models.DateField(_("逾期提醒日期"), null=True, blank=True)
    pdf = models.BinaryField(_("文书"), editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发文人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        verbose_name = _("文书登记")
        verbose_name_plural = _("文书登记")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "year", "number"], name="notice_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(reply_due__gte=models.F("issued_on")),
                name="notice_reply_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.document_number


class AppointedInspector(models.Model):
    """A 工会劳动保护监督检查员 appointed by a union (《工会劳动保护监督检查员工作条例》),
    with the certificate that lets them inspect until it expires."""

    union = models.ForeignKey(
        Union, verbose_name=_("聘任工会"), on_delete=models.PROTECT,
        related_name="appointed_inspectors",
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    certificate_number = models.CharField(_("证书编号"), max_length=40, unique=True)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工会劳动保护监督检查员")
        verbose_name_plural = _("工会劳动保护监督检查员")
        ordering = ["union__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="appointed_inspector_valid_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"
