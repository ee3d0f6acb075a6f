"""一会三卡 per workplace (四(五)) and safety education and publicity (四(一))."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from supervision.exceptions import SupervisionError
from supervision.models import (
    ProtectionCommittee,
    SafetyCard,
    TeamSafetyMeeting,
    TrainingRecord,
)
from supervision.services._common import choice, require_union, stamp, text
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def safety_card_record(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    kind: str,
    in_place: bool,
    checked_on: dt.date,
    note: str = "",
) -> SafetyCard:
    """Record a check of one of 一会三卡 at ``workplace`` (the latest check is kept; the
    history keeps the earlier ones)."""
    require_union(actor, workplace.union)
    kind = choice(kind, SafetyCard.Kind, "kind")
    if not isinstance(checked_on, dt.date) or checked_on > local_time.today():
        raise SupervisionError(_("检查日期不能在将来。"), field="checked_on")
    card = SafetyCard.objects.select_for_update().filter(
        workplace=workplace, kind=kind
    ).first() or SafetyCard(workplace=workplace, kind=kind)
    if card.pk and checked_on < card.checked_on:
        raise SupervisionError(_("已有更近的检查记录。"), field="checked_on")
    card.in_place, card.checked_on = bool(in_place), checked_on
    card.note = text(note, "note", max_length=300, required=False)
    stamp(card, actor)
    card.save()
    return card


@transaction.atomic
def training_record_save(
    *, actor: AbstractBaseUser | None, record: TrainingRecord
) -> TrainingRecord:
    """A training or publicity event of a union (at a workplace under it, or its own)."""
    require_union(actor, record.union)
    if record.workplace_id and not record.workplace.union.is_under(record.union):
        raise SupervisionError(_("这个单位不在该工会之下。"), field="workplace")
    choice(record.kind, TrainingRecord.Kind, "kind")
    record.title = text(record.title, "title", max_length=200)
    if not isinstance(record.held_on, dt.date) or record.held_on > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="held_on")
    if record.hours is None or record.hours < 0 or record.hours > 1000:
        raise SupervisionError(_("学时应在 0 到 1000 之间。"), field="hours")
    if (record.migrant_workers or 0) > (record.reached or 0):
        raise SupervisionError(_("农民工人数不能多于覆盖职工人数。"), field="migrant_workers")
    record.full_clean()
    stamp(record, actor)
    record.save()
    return record


@transaction.atomic
def committee_save(
    *, actor: AbstractBaseUser | None, committee: ProtectionCommittee
) -> ProtectionCommittee:
    """Set up (or change) a labour-protection supervision committee of a union."""
    require_union(actor, committee.union)
    if committee.workplace_id and not committee.workplace.union.is_under(committee.union):
        raise SupervisionError(_("这个单位不在该工会之下。"), field="workplace")
    if not isinstance(committee.established_on, dt.date) or (
        committee.established_on > local_time.today()
    ):
        raise SupervisionError(_("成立日期不能在将来。"), field="established_on")
    if committee.dissolved_on and committee.dissolved_on < committee.established_on:
        raise SupervisionError(_("撤销日期不能早于成立日期。"), field="dissolved_on")
    committee.full_clean()
    stamp(committee, actor)
    committee.save()
    return committee


@transaction.atomic
def team_meeting_record(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    team: str,
    held_on: dt.date,
    attendees: int = 0,
    hazardous_work_cards: int = 0,
    emergency_cards: int = 0,
    checkup_cards: int = 0,
    note: str = "",
) -> TeamSafetyMeeting:
    """一会三卡 per team: a team's 班前会 on ``held_on`` and the cards issued at it."""
    require_union(actor, workplace.union)
    team = text(team, "team", max_length=100)
    if not isinstance(held_on, dt.date) or held_on > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="held_on")
    counts = {"attendees": attendees, "hazardous_work_cards": hazardous_work_cards,
              "emergency_cards": emergency_cards, "checkup_cards": checkup_cards}  # fmt: skip
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10000:
            raise SupervisionError(_("请填写 0 到 10000 的整数。"), field=name)
    if TeamSafetyMeeting.objects.filter(workplace=workplace, team=team, held_on=held_on).exists():
        raise SupervisionError(_("这个班组当天的班前会已经登记过。"), field="held_on")
    meeting = TeamSafetyMeeting(
        workplace=workplace, team=team, held_on=held_on,
        note=text(note, "note", max_length=300, required=False), **counts,
    )  # fmt: skip
    meeting.full_clean()
    stamp(meeting, actor)
    meeting.save()
    return meeting


def team_cards_summary(*, workplace: Workplace, year: int) -> list[dict[str, object]]:
    """Per team in ``year``: meetings held, the last one, and the cards issued."""
    rows: dict[str, dict[str, object]] = {}
    for m in TeamSafetyMeeting.objects.filter(workplace=workplace, held_on__year=year):
        row = rows.setdefault(m.team, {"team": m.team, "meetings": 0, "last": m.held_on,
                                       "hazardous_work_cards": 0, "emergency_cards": 0,
                                       "checkup_cards": 0})  # fmt: skip
        row["meetings"] += 1  # type: ignore[operator]
        row["last"] = max(row["last"], m.held_on)  # type: ignore[type-var]
        for key in ("hazardous_work_cards", "emergency_cards", "checkup_cards"):
            row[key] += getattr(m, key)  # type: ignore[operator]
    return sorted(rows.values(), key=lambda r: str(r["team"]))
