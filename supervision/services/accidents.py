"""Casualty accidents (三(四)): registration, the four checks of 四不放过 and the close gate,
and the follow-up of the injured (work-injury insurance, placement).

The organizer who registers an accident handles it: only they see the names of the people
hurt (``injured_names_visible``). A case closes only when all four checks are done, each
with evidence and a date; a closed case takes no more checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.dates import check_past_day
from core.errors import Conflict
from core.queueing import task_queue_on_commit
from stations.selectors import organizer_emails_above
from supervision.exceptions import SupervisionError
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AccidentCheck,
    AccidentGrade,
    InjuredPerson,
)
from supervision.services._common import (
    choice,
    require_union,
    stamp,
    text,
)
from supervision.services.competitions import entries_exclude_after_fatal_accident
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_PEOPLE = 1000
MAX_LOSS = Decimal("999999999999.99")

# 生产安全事故报告和调查处理条例 §3: (grade, deaths, serious injuries, direct loss in 元),
# highest first; each figure is the grade's lower bound (“以上包括本数”).
GRADE_THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    (AccidentGrade.EXTRAORDINARY, 30, 100, Decimal("100000000")),
    (AccidentGrade.MAJOR, 10, 50, Decimal("50000000")),
    (AccidentGrade.LARGER, 3, 10, Decimal("10000000")),
)

# GB 6441-86 §4 (伤害程度分类): a disabling injury of fewer than 105 lost workdays is
# 轻伤, of 105 or more 重伤.
SERIOUS_FROM_WORKDAYS = 105
MAX_WORKDAYS = 6000  # GB 6441-86: a death counts 6000 lost workdays, the most any injury does


def accident_grade(*, deaths: int, serious: int, direct_loss: Decimal) -> str:
    """The grade under 条例 §3: the highest that any of the three figures reaches."""
    for grade, min_deaths, min_serious, min_loss in GRADE_THRESHOLDS:
        if deaths >= min_deaths or serious >= min_serious or direct_loss >= min_loss:
            return grade
    return AccidentGrade.GENERAL


def injury_from_workdays(lost_workdays: int) -> str:
    """轻伤 or 重伤 by GB 6441-86's 105 days."""
    if lost_workdays >= SERIOUS_FROM_WORKDAYS:
        return InjuredPerson.Injury.SERIOUS
    return InjuredPerson.Injury.MINOR


@dataclass(frozen=True)
class InjuredInput:
    name: str
    injury: str = ""
    lost_workdays: int | None = None


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise SupervisionError(_("请填写金额（元）。"), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_LOSS:
        raise SupervisionError(_("请填写 0 或以上的金额（元）。"), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise SupervisionError(_("金额最多精确到分。"), field=field)
    return amount


def _injury(person: InjuredInput, i: int) -> tuple[str, int | None]:
    """The person's injury, from the lost workdays where they are given (GB 6441-86)."""
    days = person.lost_workdays
    field = f"injured[{i}]"
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_WORKDAYS
    ):
        raise SupervisionError(
            _("损失工作日应为 0 到 %(n)d 的整数。") % {"n": MAX_WORKDAYS},
            field=f"{field}.lost_workdays",
        )
    if person.injury == InjuredPerson.Injury.DEATH:
        return InjuredPerson.Injury.DEATH, MAX_WORKDAYS
    if days is None:
        return choice(person.injury, InjuredPerson.Injury, f"{field}.injury"), None
    derived = injury_from_workdays(days)
    if person.injury and person.injury != derived:
        raise SupervisionError(
            _("损失 %(d)d 个工作日按 GB 6441 属于%(i)s（105 日及以上为重伤）。")
            % {"d": days, "i": InjuredPerson.Injury(derived).label},
            field=f"{field}.injury",
        )
    return derived, days


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PEOPLE:
        raise SupervisionError(_("请填写 0 到 %(n)d 之间的整数。") % {"n": MAX_PEOPLE}, field=field)
    return value


def _past_day(value: Any, field: str, not_before: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date):
        raise SupervisionError(_("请填写日期。"), field=field)
    check_past_day(value, field=field, error=SupervisionError)
    if not_before is not None and value < not_before:
        raise SupervisionError(
            _("日期不能早于 %(d)s。") % {"d": not_before.isoformat()}, field=field
        )
    return value


@transaction.atomic
def accident_register(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    occurred_on: dt.date,
    place: str,
    category: str,
    deaths: int = 0,
    serious: int = 0,
    minor: int = 0,
    cause: str = AccidentCause.UNKNOWN,
    description: str = "",
    union_participation: str = "",
    injured: Sequence[InjuredInput] = (),
    direct_loss: Decimal | int | str = 0,
    kind: str = Accident.Kind.ACCIDENT,
) -> Accident:
    """Register an accident (or an occupational-hazard event) and grade it under 条例 §3;
    the registering organizer becomes its handler. With deaths, the organizers of every
    union above hear of it by e-mail once the registration commits."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    require_union(actor, workplace.union)
    counts = {
        "deaths": _count(deaths, "deaths"),
        "serious": _count(serious, "serious"),
        "minor": _count(minor, "minor"),
    }
    kind = choice(kind, Accident.Kind, "kind")
    if not any(counts.values()) and kind == Accident.Kind.ACCIDENT:
        raise SupervisionError(_("伤亡事故至少要有一名伤亡人员。"), field="deaths")
    loss = _money(direct_loss, "direct_loss")
    accident = Accident(
        kind=kind, direct_loss=loss,
        grade=accident_grade(deaths=counts["deaths"], serious=counts["serious"], direct_loss=loss),
        workplace=workplace, occurred_on=_past_day(occurred_on, "occurred_on"),
        place=text(place, "place", max_length=300),
        category=choice(category, AccidentCategory, "category"),
        cause=choice(cause, AccidentCause, "cause"),
        description=text(description, "description", max_length=4000, required=False),
        union_participation=text(
            union_participation, "union_participation", max_length=2000, required=False
        ),
        handler=actor, **counts,
    )  # fmt: skip
    accident.full_clean()
    stamp(accident, actor)
    accident.save()
    per_injury = {"death": 0, "serious": 0, "minor": 0}
    for i, person in enumerate(injured):
        injury, days = _injury(person, i)
        per_injury[injury] += 1
        InjuredPerson.objects.create(
            accident=accident, injury=injury, lost_workdays=days,
            name=text(person.name, f"injured[{i}].name", max_length=50),
        )  # fmt: skip
    for injury, field in (("death", "deaths"), ("serious", "serious"), ("minor", "minor")):
        if per_injury[injury] > counts[field]:
            raise SupervisionError(_("登记的伤亡人员多于伤亡人数。"), field="injured")
    # 安康杯: a unit with a fatal accident in the year is excluded from awards.
    entries_exclude_after_fatal_accident(accident=accident)
    if accident.deaths:
        pk = accident.pk
        task_queue_on_commit("supervision.tasks.accident_fatal_alert", pk)
    return accident


@transaction.atomic
def accident_fatal_alert_send(*, accident_id: int) -> bool:
    """E-mail the organizers of the workplace's union and every union above it about a
    fatal accident: one message, once (``fatal_alerted_at``). Answers whether it sent."""
    accident = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("workplace__union")
        .filter(pk=accident_id)
        .first()
    )
    if accident is None or not accident.deaths or accident.fatal_alerted_at is not None:
        return False
    recipients = organizer_emails_above(accident.workplace.union)
    accident.fatal_alerted_at = local_time.now()
    stamp(accident, None, "fatal accident alert")
    accident.save(update_fields=["fatal_alerted_at"])
    if not recipients:
        return False
    facts = {
        "workplace": accident.workplace.name,
        "date": accident.occurred_on.isoformat(),
        "place": accident.place,
        "deaths": accident.deaths,
        "serious": accident.serious,
        "grade": accident.get_grade_display(),
    }
    EmailMessage(
        subject=_("【驿站】死亡事故：%(workplace)s，死亡 %(deaths)d 人") % facts,
        body=_(
            "%(workplace)s 于 %(date)s 在 %(place)s 发生事故，死亡 %(deaths)d 人，重伤 "
            "%(serious)d 人（%(grade)s）。"
        )
        % facts,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    ).send()
    return True


def _locked(actor: AbstractBaseUser | None, accident: Accident) -> Accident:
    accident = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("workplace__union")
        .get(pk=accident.pk)
    )
    require_union(actor, accident.workplace.union)
    return accident


@transaction.atomic
def accident_set_cause(
    *, actor: AbstractBaseUser | None, accident: Accident, cause: str
) -> Accident:
    """The investigation named the main cause (for the statistics by cause)."""
    accident = _locked(actor, accident)
    if accident.status == Accident.Status.CLOSED:
        raise Conflict(_("事故已结案，不能再修改。"), field="status")
    accident.cause = choice(cause, AccidentCause, "cause")
    stamp(accident, actor)
    accident.save()
    return accident


@transaction.atomic
def accident_check_record(
    *,
    actor: AbstractBaseUser | None,
    accident: Accident,
    kind: str,
    done_on: dt.date,
    evidence: str,
) -> AccidentCheck:
    """Close one of the four checks of 四不放过 with its evidence and date."""
    accident = _locked(actor, accident)
    kind = choice(kind, AccidentCheck.Kind, "kind")
    if accident.status == Accident.Status.CLOSED:
        raise Conflict(_("事故已结案，不能再登记。"), field="status")
    if accident.checks.filter(kind=kind).exists():
        raise Conflict(
            _("“%(k)s”已经登记过。") % {"k": AccidentCheck.Kind(kind).label}, field="kind"
        )
    if kind == AccidentCheck.Kind.CAUSE and accident.cause == AccidentCause.UNKNOWN:
        raise Conflict(_("请先填写查明的事故主要原因。"), field="cause")
    check = AccidentCheck(
        accident=accident, kind=kind,
        done_on=_past_day(done_on, "done_on", not_before=accident.occurred_on),
        evidence=text(evidence, "evidence", max_length=2000), recorded_by=actor,
    )  # fmt: skip
    check.full_clean()
    stamp(check, actor)
    check.save()
    return check


@transaction.atomic
def accident_close(
    *, actor: AbstractBaseUser | None, accident: Accident, closed_on: dt.date
) -> Accident:
    """Close the case: only when all four checks of 四不放过 are done."""
    accident = _locked(actor, accident)
    if accident.status == Accident.Status.CLOSED:
        raise Conflict(_("事故已经结案。"), field="status")
    done = {c.kind: c.done_on for c in accident.checks.all()}
    missing = [str(label) for kind, label in AccidentCheck.Kind.choices if kind not in done]
    if missing:
        raise Conflict(_("四不放过尚未完成：%(m)s。") % {"m": "、".join(missing)}, field="checks")
    accident.closed_on = _past_day(closed_on, "closed_on", not_before=max(done.values()))
    accident.status = Accident.Status.CLOSED
    stamp(accident, actor)
    accident.save()
    return accident


@transaction.atomic
def injured_follow_up(
    *,
    actor: AbstractBaseUser | None,
    person: InjuredPerson,
    insurance_claimed_on: dt.date | None = None,
    insurance_granted_on: dt.date | None = None,
    placement: str | None = None,
) -> InjuredPerson:
    """Record the work-injury claim, its grant and the placement of a person hurt.
    A field not given stays as it was; a grant needs a claim before it."""
    person = InjuredPerson.objects.select_for_update(of=("self",)).get(pk=person.pk)
    _locked(actor, person.accident)
    if insurance_claimed_on is not None:
        person.insurance_claimed_on = _past_day(
            insurance_claimed_on, "insurance_claimed_on", not_before=person.accident.occurred_on
        )
    if insurance_granted_on is not None:
        if person.insurance_claimed_on is None:
            raise Conflict(_("请先登记工伤认定申请。"), field="insurance_granted_on")
        person.insurance_granted_on = _past_day(
            insurance_granted_on, "insurance_granted_on", not_before=person.insurance_claimed_on
        )
    if placement is not None:
        person.placement = text(placement, "placement", max_length=300, required=False)
    stamp(person, actor)
    person.save()
    return person
