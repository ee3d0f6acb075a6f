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
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import check_past_day
from core.errors import Conflict
from supervision.exceptions import SupervisionError
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AccidentCheck,
    InjuredPerson,
)
from supervision.services._common import choice, require_union, stamp, text
from supervision.services.competitions import entries_exclude_after_fatal_accident
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_PEOPLE = 1000


@dataclass(frozen=True)
class InjuredInput:
    name: str
    injury: str


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
) -> Accident:
    """Register an accident; the registering organizer becomes its handler."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    require_union(actor, workplace.union)
    counts = {
        "deaths": _count(deaths, "deaths"),
        "serious": _count(serious, "serious"),
        "minor": _count(minor, "minor"),
    }
    if not any(counts.values()):
        raise SupervisionError(_("伤亡事故至少要有一名伤亡人员。"), field="deaths")
    accident = Accident(
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
        injury = choice(person.injury, InjuredPerson.Injury, f"injured[{i}].injury")
        per_injury[injury] += 1
        InjuredPerson.objects.create(
            accident=accident, injury=injury,
            name=text(person.name, f"injured[{i}].name", max_length=50),
        )  # fmt: skip
    for injury, field in (("death", "deaths"), ("serious", "serious"), ("minor", "minor")):
        if per_injury[injury] > counts[field]:
            raise SupervisionError(_("登记的伤亡人员多于伤亡人数。"), field="injured")
    # 安康杯: a unit with a fatal accident in the year is excluded from awards.
    entries_exclude_after_fatal_accident(accident=accident)
    return accident


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
