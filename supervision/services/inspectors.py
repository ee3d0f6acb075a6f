"""Workers' safety inspectors (职工安全监督检查员, 五(二)): the roster with training and
yearly assessment, and the findings they report from their phone, which enter the same
rectification path as an organizer's."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from supervision.exceptions import SupervisionError
from supervision.models import (
    AppointedInspector,
    Finding,
    InspectorAssessment,
    InspectorIncentive,
    InspectorTraining,
    SafetyInspector,
)
from supervision.services._common import choice, require_union, stamp, text
from supervision.services.inspections import FindingInput, finding_build, finding_save_new
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def inspector_save(
    *, actor: AbstractBaseUser | None, inspector: SafetyInspector
) -> SafetyInspector:
    """Appoint (or change) a unit's safety inspector."""
    require_union(actor, inspector.workplace.union)
    inspector.name = text(inspector.name, "name", max_length=50)
    if inspector.appointed_on and inspector.appointed_on > local_time.today():
        raise SupervisionError(_("聘任日期不能在将来。"), field="appointed_on")
    inspector.full_clean()
    stamp(inspector, actor)
    inspector.save()
    return inspector


@transaction.atomic
def inspector_training_add(
    *, actor: AbstractBaseUser | None, inspector: SafetyInspector, held_on: dt.date, topic: str,
    hours: Any,
) -> InspectorTraining:  # fmt: skip
    require_union(actor, inspector.workplace.union)
    try:
        value = Decimal(str(hours))
    except InvalidOperation:
        raise SupervisionError(_("学时须在 0.5 到 200 之间。"), field="hours") from None
    if not value.is_finite() or not Decimal("0.5") <= value <= 200:
        raise SupervisionError(_("学时须在 0.5 到 200 之间。"), field="hours")
    if not isinstance(held_on, dt.date) or held_on > local_time.today():
        raise SupervisionError(_("培训日期不能在将来。"), field="held_on")
    training = InspectorTraining(
        inspector=inspector, held_on=held_on, topic=text(topic, "topic", max_length=200),
        hours=value.quantize(Decimal("0.1")),
    )  # fmt: skip
    stamp(training, actor)
    training.save()
    return training


@transaction.atomic
def inspector_assess(
    *, actor: AbstractBaseUser | None, inspector: SafetyInspector, year: int, result: str,
    note: str = "",
) -> InspectorAssessment:  # fmt: skip
    """The yearly assessment, once a year."""
    require_union(actor, inspector.workplace.union)
    if not isinstance(year, int) or not 2000 <= year <= local_time.today().year:
        raise SupervisionError(_("年度不正确。"), field="year")
    assessment = InspectorAssessment(
        inspector=inspector, year=year, result=choice(result, InspectorAssessment.Result, "result"),
        note=text(note, "note", max_length=300, required=False),
    )  # fmt: skip
    stamp(assessment, actor)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise Conflict(_("这一年已经考核过。"), field="year") from None
    return assessment


@transaction.atomic
def inspector_report_finding(
    *,
    actor: AbstractBaseUser,
    workplace: Workplace,
    data: FindingInput,
    photos: Sequence[Any] = (),
) -> Finding:
    """A safety inspector (or an organizer above the unit) reports a finding or hazard at
    the unit. It is open and follows the rectification path like any finding."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    is_inspector = SafetyInspector.objects.filter(
        user=actor, workplace=workplace, active=True
    ).exists()
    if not is_inspector and not scope_for(actor).covers_union(workplace.union):
        raise PermissionDenied(_("您不是这个单位的职工安全监督检查员。"))
    finding = finding_build(
        workplace=workplace, data=data, prefix="", not_before=local_time.today()
    )
    finding.source = Finding.Source.INSPECTOR
    return finding_save_new(actor=actor, finding=finding, photos=photos or data.photos)


@transaction.atomic
def appointed_inspector_save(
    *, actor: AbstractBaseUser | None, inspector: AppointedInspector
) -> AppointedInspector:
    """Appoint (or change) a union's 工会劳动保护监督检查员 with their certificate."""
    require_union(actor, inspector.union)
    inspector.name = text(inspector.name, "name", max_length=50)
    # Identifiers are compared normalised (NFKC: full-width digits typed on a phone).
    inspector.certificate_number = unicodedata.normalize(
        "NFKC", text(inspector.certificate_number, "certificate_number", max_length=40)
    ).replace(" ", "")
    if (
        inspector.valid_from
        and inspector.valid_until
        and inspector.valid_until < (inspector.valid_from)
    ):
        raise SupervisionError(_("有效期的结束日期不能早于开始日期。"), field="valid_until")
    inspector.full_clean()
    stamp(inspector, actor)
    inspector.save()
    return inspector


@transaction.atomic
def inspector_incentive_save(
    *, actor: AbstractBaseUser | None, incentive: InspectorIncentive
) -> InspectorIncentive:
    """Record a commendation or reward of a workers' safety inspector, given by a union
    over the inspector's unit."""
    require_union(actor, incentive.inspector.workplace.union)
    require_union(actor, incentive.awarded_by)
    if not incentive.inspector.workplace.union.is_under(incentive.awarded_by):
        raise SupervisionError(_("奖励工会应是检查员所在单位的上级工会。"), field="awarded_by")
    choice(incentive.kind, InspectorIncentive.Kind, "kind")
    incentive.reason = text(incentive.reason, "reason", max_length=300)
    if not isinstance(incentive.awarded_on, dt.date) or incentive.awarded_on > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="awarded_on")
    if incentive.amount is None or incentive.amount < 0:
        raise SupervisionError(_("金额不能为负数。"), field="amount")
    if incentive.kind == InspectorIncentive.Kind.BONUS and not incentive.amount:
        raise SupervisionError(_("奖金奖励请填写金额。"), field="amount")
    incentive.full_clean()
    stamp(incentive, actor)
    incentive.save()
    return incentive
