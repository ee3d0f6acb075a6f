"""Hazard reports from workers (隐患举报): submission, the handling workflow and its
outcomes, the rewards due for verified reports and the unions' yearly reward budgets."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.dates import check_past_day
from core.errors import Conflict, NotFound, PermissionDenied
from core.photos import photo_without_metadata
from core.spatial import is_postgis
from stations.models import Region, Union
from welfare import rules
from welfare.exceptions import WelfareError
from welfare.models import HazardReport, HazardReportStep, HazardReward, RewardBudget
from welfare.selectors.rewards import budget_for, budget_paid
from welfare.services._common import require_union, stamp

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
S = HazardReport.Status

# Where a report may go from each status. The three outcomes of checking a received
# report are: verified (graded; a reward is due), unfounded, referred to the authority.
HAZARD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.VERIFIED, S.UNFOUNDED, S.REFERRED),
    S.VERIFIED: (S.PASSED_ON,),
    S.PASSED_ON: (S.RECTIFIED,),
    S.RECTIFIED: (S.CLOSED,),
}
FINAL_STATUSES = frozenset({S.UNFOUNDED, S.REFERRED, S.CLOSED})


def province_of(region: Region | None) -> Region | None:
    while region is not None and region.parent_id is not None:
        region = region.parent
    return region


def reward_amount(*, grade: str, region: Region | None) -> Decimal:
    """The reward for a verified report of ``grade`` in ``region`` (province rule
    ``reward_amounts``, ``welfare.rules``)."""
    amounts = rules.rule_value(key=rules.Key.REWARD_AMOUNTS, region=region)
    if grade not in amounts:
        raise WelfareError(_("未知的隐患等级：%(g)s。") % {"g": grade}, field="grade")
    return Decimal(str(amounts[grade]))


def report_contacts(*, region: Region | None) -> dict[str, str]:
    """The union's report phone and e-mail for ``region`` (province rule
    ``report_contacts``)."""
    contacts = rules.rule_value(key=rules.Key.REPORT_CONTACTS, region=region)
    return {"phone": contacts.get("phone", ""), "email": contacts.get("email", "")}


def _union_for_region(region: Region | None) -> Union | None:
    """The union of ``region`` or of the nearest division above it (not a grassroots one)."""
    walk = region
    while walk is not None:
        union = (
            Union.objects.filter(region=walk).exclude(kind="grassroots").order_by("depth").first()
        )
        if union is not None:
            return union
        walk = walk.parent
    return None


def _responsible_union(
    point: Point | None, region: Region | None = None
) -> tuple[Region | None, Union]:
    """The union nearest the reported place: by the point (nearest county), else by the
    region the reporter picked; the province union only when neither finds one."""
    if point is not None:
        counties = Region.objects.filter(level=Region.Level.COUNTY, reference_point__isnull=False)
        # A few thousand counties at most: KNN on PostGIS, a plain distance sort elsewhere.
        nearest = GeometryDistance if is_postgis() else Distance
        region = counties.annotate(d=nearest("reference_point", point)).order_by("d").first()
    union = _union_for_region(region)
    if union is None:
        union = Union.objects.filter(parent__isnull=True).order_by("path").first()
    if union is None:
        raise WelfareError(_("系统里还没有工会，暂时无法受理。"), field="location")
    return region, union


@transaction.atomic
def hazard_report_submit(
    *,
    category: str,
    description: str,
    lat: float | str | None = None,
    lng: float | str | None = None,
    address: str = "",
    region: Region | str | None = None,
    contact: str = "",
    photo: Any = None,
) -> HazardReport:
    """A worker reports a hazard (no login). Answers a tracking code for status look-ups.

    A point goes to the union of the nearest county; a report with only an address goes
    to the union of the region the reporter picked (``region``, a county or city).
    """
    if category not in HazardReport.Category.values:
        raise WelfareError(
            _("未知的隐患类别：%(c)s。") % {"c": str(category)[:30]}, field="category"
        )
    description = (description or "").strip()
    if not description:
        raise WelfareError(_("请描述隐患。"), field="description")
    if len(description) > 2000:
        raise WelfareError(_("描述最多 2000 字。"), field="description")
    point = None
    if lat is not None or lng is not None:
        try:
            lat_f, lng_f = float(lat), float(lng)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise WelfareError(_("lat 和 lng 必须都是数字。"), field="lat") from None
        if not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
            raise WelfareError(_("经纬度超出范围。"), field="lat")
        point = Point(lng_f, lat_f, srid=4326)
    if isinstance(region, str):
        code = region.strip()
        region = Region.objects.filter(code=code).first() if code else None
        if code and region is None:
            raise WelfareError(_("未知的行政区划代码：%(c)s。") % {"c": code[:10]}, field="region")
    if point is None and not address.strip():
        raise WelfareError(_("请在地图上选择位置或填写地址。"), field="address")
    if point is None and region is None:
        raise WelfareError(
            _("只填地址时，请选择所在的区县，举报才能转到当地工会。"), field="region"
        )
    region, union = _responsible_union(point, region)
    report = HazardReport(
        tracking_code="".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10)),
        location=point, address=address.strip()[:300], region=region, union=union,
        category=category, description=description, contact=(contact or "").strip()[:100],
    )  # fmt: skip
    if photo:
        report.photo = photo_without_metadata(photo)
    report.full_clean()
    report.save()
    HazardReportStep.objects.create(report=report, status=report.status)
    return report


@transaction.atomic
def hazard_report_advance(
    *,
    actor: AbstractBaseUser,
    report: HazardReport,
    status: str,
    note: str = "",
    grade: str = "",
) -> HazardReport:
    """Move a report one step. A received report is checked and ends in one of three
    outcomes: verified (graded; then passed on → rectified → closed), unfounded, or
    referred to the authority. Verifying makes the reward due (``HazardReward``).

    The organizer who checks a report becomes its handler; only they move it on and only
    they see the reporter's contact.
    """
    report = HazardReport.objects.select_for_update().select_related("union").get(pk=report.pk)
    require_union(actor, report.union)
    if report.handler_id and report.handler_id != actor.pk:
        raise PermissionDenied(_("这条举报由其他组织者处理。"))
    allowed = HAZARD_TRANSITIONS.get(report.status, ())
    if status not in allowed:
        raise Conflict(
            _("“%(old)s”之后只能是：%(new)s。")
            % {"old": report.get_status_display(),
               "new": "、".join(str(S(s).label) for s in allowed) or "—"},
            field="status",
        )  # fmt: skip
    if status == S.VERIFIED:
        if grade not in HazardReport.Grade.values:
            raise WelfareError(_("核实时请定级：一般隐患或重大隐患。"), field="grade")
        report.grade = grade
    if report.status == S.RECEIVED:
        report.handler = actor
    note = (note or "").strip()
    if status in (S.UNFOUNDED, S.REFERRED) and not note:
        raise WelfareError(
            _("请写明不属实的理由或转交的部门，举报人会看到这段说明。"), field="note"
        )
    report.status = status
    stamp(report, actor)
    report.save()
    HazardReportStep.objects.create(report=report, status=status, actor=actor, note=note[:500])
    if status == S.VERIFIED:
        _reward_create(report=report, actor=actor)
    return report


def _reward_create(*, report: HazardReport, actor: AbstractBaseUser | None) -> HazardReward:
    reward = HazardReward(
        report=report, union=report.union, year=local_time.today().year, grade=report.grade,
        amount=reward_amount(grade=report.grade, region=report.region or report.union.region),
    )  # fmt: skip
    reward.full_clean()
    stamp(reward, actor)
    reward.save()
    return reward


def hazard_report_contact(*, actor: AbstractBaseUser, report: HazardReport) -> str:
    """The reporter's contact, for the handling organizer only."""
    report = HazardReport.objects.get(pk=report.pk)  # never trust a stale copy's handler
    if report.handler_id is None or report.handler_id != actor.pk:
        raise PermissionDenied(_("只有处理这条举报的组织者能看到举报人的联系方式。"))
    return report.contact


def outcome_text(report: HazardReport, note: str = "") -> str:
    """What happened to a report, in words for the reporter."""
    status = report.status
    if status == S.RECEIVED:
        return _("工会已收到您的举报，正在核查。")
    if status == S.UNFOUNDED:
        text = _("经工会核查，举报的情况不属实。")
    elif status == S.REFERRED:
        text = _("这个问题由政府主管部门负责，工会已把举报转交给他们处理。")
    else:
        text = _("经工会核查，举报属实（%(grade)s）。") % {"grade": report.get_grade_display()}
        text += {
            S.VERIFIED: _("工会正在督促整改。"),
            S.PASSED_ON: _("已交给企业整改，工会跟踪整改情况。"),
            S.RECTIFIED: _("隐患已整改。"),
            S.CLOSED: _("隐患已整改，举报已办结。"),
        }[status]
        text += _("按规定，您可以获得举报奖励，请联系处理工会领取。")
    if note:
        text += " " + _("说明：%(note)s") % {"note": note}
    return text


def hazard_report_status(*, tracking_code: str) -> dict[str, Any]:
    """What a reporter may see with their code: the status, the outcome in words and the
    dates of each step (local time), nothing about the report or its handler."""
    report = HazardReport.objects.filter(
        tracking_code=str(tracking_code).strip().upper()[:16]
    ).first()
    if report is None:
        raise NotFound(_("没有这个查询码。"), field="tracking_code")
    steps = list(report.steps.order_by("at", "pk"))
    final_note = steps[-1].note if steps and steps[-1].status in FINAL_STATUSES else ""
    return {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "status_label": report.get_status_display(),
        "outcome": outcome_text(report, final_note),
        "final": report.status in FINAL_STATUSES,
        "steps": [
            {
                "status": s.status,
                "label": str(S(s.status).label),
                "at": local_time.to_local(s.at).isoformat(timespec="minutes"),
            }
            for s in steps
        ],
    }


# Rewards and budgets ---------------------------------------------------------------------


def _amount(value: Decimal | int | str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise WelfareError(_("金额必须是数字。"), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise WelfareError(_("金额必须在 0 到 99 亿元之间。"), field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def reward_budget_set(
    *, actor: AbstractBaseUser | None, union: Union, year: int, amount: Decimal | int | str
) -> RewardBudget:
    """Set ``union``'s reward budget for ``year``; never below what it has paid."""
    require_union(actor, union)
    if not 2000 <= int(year) <= 2100:
        raise WelfareError(_("年份不正确。"), field="year")
    amount = _amount(amount, "amount")
    budget = RewardBudget.objects.select_for_update().filter(union=union, year=year).first()
    if budget is None:
        budget = RewardBudget(union=union, year=year, amount=amount)
    else:
        paid = budget_paid(budget)
        if amount < paid:
            raise Conflict(_("预算不能少于已发放的 %(paid)s 元。") % {"paid": paid}, field="amount")
        budget.amount = amount
    budget.full_clean(validate_unique=False)
    stamp(budget, actor)
    budget.save()
    return budget


@transaction.atomic
def reward_mark_paid(
    *, actor: AbstractBaseUser | None, reward: HazardReward, paid_on: dt.date
) -> HazardReward:
    """Record that a reward was paid, from the budget of its union (or the one above).

    Refused when no budget is set for the year or when paying would exceed it.
    """
    reward = HazardReward.objects.select_for_update().select_related("union").get(pk=reward.pk)
    require_union(actor, reward.union)
    if reward.paid_on is not None:
        raise Conflict(
            _("这笔奖励已于 %(d)s 发放。") % {"d": reward.paid_on.isoformat()}, field="paid_on"
        )
    if paid_on > local_time.today():
        raise WelfareError(_("发放日期不能在将来。"), field="paid_on")
    check_past_day(
        paid_on, field="paid_on", error=WelfareError, earliest=dt.date(reward.year, 1, 1)
    )
    budget = budget_for(union=reward.union, year=reward.year)
    if budget is None:
        raise Conflict(
            _("%(union)s %(year)s 年还没有举报奖励预算，请先设置预算。")
            % {"union": reward.union.name, "year": reward.year},
            field="budget",
        )
    budget = RewardBudget.objects.select_for_update().get(pk=budget.pk)  # one payer at a time
    left = budget.amount - budget_paid(budget)
    if reward.amount > left:
        raise Conflict(
            _("预算不足：%(union)s %(year)s 年预算还剩 %(left)s 元，这笔奖励 %(amount)s 元。")
            % {"union": budget.union.name, "year": budget.year, "left": left,
               "amount": reward.amount},
            field="budget",
        )  # fmt: skip
    reward.paid_on = paid_on
    reward.paid_by = actor
    stamp(reward, actor)
    reward.save(update_fields=["paid_on", "paid_by"])
    return reward
