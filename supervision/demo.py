"""Quick-start demo: a checklist template, a few inspections of the welfare demo
workplaces with findings at each step of rectification, one accident half-way through
四不放过, one 三同时 project and a 安康杯 competition; the notice register with replies
(one overdue), appointed inspectors (one certificate lapsed), graded accidents for the
quarterly returns. Loaded once (a second run adds
nothing)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core import time as local_time
from stations.models import Union
from supervision.models import (
    AppointedInspector,
    ChecklistTemplate,
    Competition,
    NoticeSeries,
    Project,
    SafetyInspector,
    TrainingRecord,
)
from supervision.services import (
    accidents,
    competitions,
    inspections,
    inspectors,
    notice_register,
    projects,
    workplace_safety,
)
from supervision.services.inspections import FindingInput
from welfare.models import Workplace

TEMPLATE_NAME = "演示：企业安全生产监督检查表"
CHECKLIST = [
    "安全生产责任制和规章制度健全",
    "特种作业人员持证上岗",
    "劳动防护用品按标准发放",
    "安全警示标志设置规范",
    "应急预案和演练记录齐全",
]


def _demo_workplaces() -> list[Workplace]:
    return list(Workplace.objects.filter(name__endswith="（演示）").order_by("credit_code"))


def load_demo_supervision() -> None:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("Supervision demo data is only loaded by the quick start.")
    if ChecklistTemplate.objects.filter(name=TEMPLATE_NAME).exists():
        return
    today = local_time.today()
    days = dt.timedelta
    union = Union.objects.get(code="QH-XN")
    plants = _demo_workplaces()
    if len(plants) < 2:
        raise ImproperlyConfigured("Run load_demo_welfare first: it makes the demo workplaces.")
    aluminium, building = plants[0], plants[1]
    template = inspections.checklist_template_save(
        actor=None,
        template=ChecklistTemplate(union=union, name=TEMPLATE_NAME, items=CHECKLIST),
    )
    first = inspections.inspection_record(
        actor=None, workplace=aluminium, inspected_on=today - days(40), union=union,
        inspectors="西宁市总工会劳动保护部 李明、张华", agencies=["emergency", "health"],
        template=template,
        checklist=[{"ok": True}, {"ok": True}, {"ok": False, "note": "电解车间未发放防尘口罩"},
                   {"ok": True}, {"ok": False, "note": "本年度未组织演练"}],
        notes="电解车间高温、粉尘防护需加强。",
        findings=[
            FindingInput(category="ppe", description="电解车间部分职工未配发防尘口罩",
                         deadline=today - days(25), responsible_person="车间主任 王强",
                         law_cited="《职业病防治法》第二十二条", requirement="立即配发并培训佩戴"),
            FindingInput(category="equipment", severity="major",
                         description="天车制动器磨损严重，仍在使用",
                         deadline=today - days(10), responsible_person="设备部 赵刚",
                         law_cited="《安全生产法》第三十六条",
                         requirement="停用检修，检验合格后使用"),
            FindingInput(category="training", description="新入职员工未完成三级安全教育",
                         deadline=today + days(20), responsible_person="人事部 孙丽",
                         law_cited="《安全生产法》第二十八条"),
        ],
    )  # fmt: skip
    ppe, crane, _training = first.findings.order_by("pk")
    inspections.finding_rectify(
        actor=None, finding=ppe, rectified_on=today - days(28),
        evidence="已为电解车间 86 名职工配发 KN95 防尘口罩，并组织佩戴培训。",
    )  # fmt: skip
    inspections.finding_verify(actor=None, finding=ppe, verified_on=today - days(20))
    inspections.finding_report_government(
        actor=None, finding=crane, reported_on=today - days(38), recipient="西宁市应急管理局"
    )
    inspections.finding_rectify(
        actor=None, finding=crane, rectified_on=today - days(12),
        evidence="更换制动器，经特种设备检验机构检验合格。",
    )  # fmt: skip
    inspections.finding_report_congress(
        actor=None,
        finding=crane,
        reported_on=today - days(5),
        note="在第三届职代会第二次会议上通报",
    )
    # The register: Xining's and 城北区's 发文字号; the first inspection's two notices were
    # served and answered, the second's rectification notice is still unanswered past due.
    chengbei = Union.objects.get(code="QH-XN-CB")
    for issuer, prefix in ((union, "宁工劳保"), (chengbei, "宁北工劳保")):
        notice_register.notice_series_save(
            actor=None, series=NoticeSeries(union=issuer, prefix=prefix)
        )
    replies = {
        "opinion": "企业书面答复：已将意见纳入年度安全工作计划。",
        "rectification": "企业书面答复：三项问题的整改责任人和期限已落实。",
    }
    for kind, reply in replies.items():
        notice = notice_register.notice_issue(
            actor=None, inspection=first, kind=kind, issued_on=today - days(39),
            reply_due=today - days(24),
        )  # fmt: skip
        notice_register.notice_serve(actor=None, notice=notice, served_on=today - days(38))
        notice_register.notice_reply_record(
            actor=None, notice=notice, received_on=today - days(26), note=reply
        )
    appointed = [
        inspectors.appointed_inspector_save(
            actor=None,
            inspector=AppointedInspector(
                union=chengbei,
                name=name,
                certificate_number=number,
                valid_from=since,
                valid_until=until,
            ),
        )
        for name, number, since, until in (
            ("马军（演示）", "QH-LB-2024-0107", today - days(700), today + days(395)),
            ("祁文（演示）", "QH-LB-2021-0033", today - days(1800), today - days(70)),
        )
    ]
    second = inspections.inspection_record(
        actor=None, workplace=building, inspected_on=today - days(12), union=chengbei,
        inspectors="", appointed=appointed[:1], agencies=["emergency"],
        findings=[
            FindingInput(category="forced_risk", severity="major",
                         description="大风天气仍安排塔吊作业",
                         deadline=today - days(5), responsible_person="项目经理 刘洋",
                         law_cited="《建筑施工塔式起重机安装、使用、拆卸安全技术规程》"),
            FindingInput(category="fire", description="宿舍区电动车室内充电",
                         deadline=today + days(3), responsible_person="后勤 周敏"),
        ],
    )  # fmt: skip
    late = notice_register.notice_issue(
        actor=None, inspection=second, kind="rectification", issued_on=today - days(11),
        reply_due=today - days(4),
    )  # fmt: skip
    notice_register.notice_serve(actor=None, notice=late, served_on=today - days(10))
    accident = accidents.accident_register(
        actor=None, workplace=building, occurred_on=today - days(30), place="3 号楼脚手架",
        category="fall", serious=1, minor=1, cause="unsafe_act", direct_loss="186500",
        description="作业人员未系安全带，从 4 米高处坠落。",
        union_participation="城北区总工会派员参加事故调查组。",
        injured=[accidents.InjuredInput("马某（演示）", lost_workdays=150),
                 accidents.InjuredInput("韩某（演示）", lost_workdays=21)],
    )  # fmt: skip
    # Earlier in the year: a fall at the aluminium plant, closed, and an acute exposure
    # (职业危害事件) with no one hurt, so the quarterly returns have figures to add up.
    if today.month > 3:
        earlier = accidents.accident_register(
            actor=None, workplace=aluminium, occurred_on=today.replace(month=2, day=17),
            place="电解二车间", category="scald", minor=2, cause="unsafe_condition",
            direct_loss="42300",
            description="电解槽出铝时铝液飞溅，两名职工手臂烫伤。",
            injured=[accidents.InjuredInput("李某（演示）", lost_workdays=35),
                     accidents.InjuredInput("赵某（演示）", lost_workdays=12)],
        )  # fmt: skip
        for person in earlier.injured.all():
            accidents.injured_follow_up(
                actor=None, person=person, insurance_claimed_on=today.replace(month=3, day=2)
            )
        accidents.accident_register(
            actor=None, workplace=aluminium, occurred_on=today.replace(month=3, day=8),
            place="铸造车间", category="poisoning", kind="hazard_event",
            description="除尘器故障，铸造车间粉尘浓度超过职业接触限值，停产检修 2 天。",
        )  # fmt: skip
    accidents.accident_check_record(
        actor=None, accident=accident, kind="cause", done_on=today - days(20),
        evidence="事故调查报告：未系安全带、脚手架缺少防护栏杆。",
    )  # fmt: skip
    accidents.accident_check_record(
        actor=None, accident=accident, kind="responsibility", done_on=today - days(12),
        evidence="项目安全员停职检查，班组长罚款。",
    )  # fmt: skip
    hurt = accident.injured.get(injury="serious")
    accidents.injured_follow_up(actor=None, person=hurt, insurance_claimed_on=today - days(25))
    cup = competitions.competition_save(
        actor=None,
        competition=Competition(
            union=union, year=today.year, name="演示：西宁市“安康杯”竞赛",
            scoring_items=[
                {"code": "duty", "label": "安全生产责任制落实", "max": 30},
                {"code": "hazards", "label": "隐患排查治理", "max": 30},
                {"code": "training", "label": "安全教育培训", "max": 20},
                {"code": "groups", "label": "安全型班组建设", "max": 20},
            ],
        ),
    )  # fmt: skip
    first_entry = competitions.competition_enrol(
        actor=None, competition=cup, workplace=aluminium, enrolled_on=today - days(60)
    )
    second_entry = competitions.competition_enrol(
        actor=None, competition=cup, workplace=building, enrolled_on=today - days(55)
    )
    organizing = competitions.competition_enrol(
        actor=None, competition=cup, unit_union=Union.objects.get(code="QH-XN-CB"),
        enrolled_on=today - days(50),
    )  # fmt: skip
    group = competitions.group_register(
        actor=None, entry=first_entry, name="电解一车间甲班", leader="王强", members=14
    )
    competitions.competition_advance(actor=None, competition=cup, status="evaluating")
    for entry, marks in ((first_entry, (27, 26, 18, 17)), (second_entry, (22, 20, 15, 12)),
                         (organizing, (26, 25, 17, 16))):  # fmt: skip
        competitions.entry_evaluate(
            actor=None, entry=entry,
            scores=dict(zip(("duty", "hazards", "training", "groups"), marks, strict=True)),
        )  # fmt: skip
    competitions.group_evaluate(actor=None, group=group, score=95, award="winner_group")
    project = projects.project_save(
        actor=None,
        project=Project(workplace=aluminium, name="电解三车间扩建工程（演示）", kind="expanded",
                        started_on=today - days(120),
                        description="新增 48 台电解槽，配套通风除尘和高温防护设施。"),
    )  # fmt: skip
    projects.project_review(
        actor=None, project=project, milestone="design", reviewed_on=today - days(110),
        compliant=True, opinion="安全设施设计专篇已包含通风除尘、防暑降温设施，符合要求。",
    )  # fmt: skip
    projects.project_review(
        actor=None, project=project, milestone="construction", reviewed_on=today - days(15),
        compliant=False, opinion="除尘管道未与主体工程同步施工。",
        finding=FindingInput(category="occupational", description="除尘管道未与主体工程同步施工",
                             deadline=today + days(30), responsible_person="项目经理 陈刚",
                             law_cited="《职业病防治法》第十八条",
                             requirement="主体工程封顶前完成除尘管道施工"),
    )  # fmt: skip
    inspectors.inspector_save(
        actor=None,
        inspector=SafetyInspector(workplace=aluminium, name="王师傅（演示）",
                                  appointed_on=today - days(400)),
    )  # fmt: skip
    for kind, in_place in (("meeting", True), ("hazardous_work", True), ("emergency", False)):
        workplace_safety.safety_card_record(
            actor=None, workplace=aluminium, kind=kind, in_place=in_place,
            checked_on=today - days(40),
        )  # fmt: skip
    workplace_safety.training_record_save(
        actor=None,
        record=TrainingRecord(union=union, kind="safety_month", title="“安全生产月”宣传咨询日",
                              held_on=today - days(150), reached=1200),
    )  # fmt: skip
