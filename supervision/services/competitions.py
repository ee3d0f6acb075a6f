"""The 安康杯 competition (四(二)): a union's yearly competition moves enrolling →
evaluating → closed. Units (workplaces, or unions for 优秀组织单位) enrol, upload evidence,
are scored against the competition's scoring sheet and given awards; safety-type groups
(安全型班组) are registered and scored under a unit.

A workplace with a fatal accident in the competition's year is excluded from awards, by
``entries_exclude_after_fatal_accident`` (called when such an accident is registered) and
at enrolment; an excluded unit's awards, and its groups', are withdrawn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict
from stations.models import Union
from supervision.exceptions import SupervisionError
from supervision.models import (
    Accident,
    Award,
    Competition,
    CompetitionEntry,
    EntryEvidence,
    SafetyGroup,
)
from supervision.services._common import choice, require_union, stamp, text
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

S = Competition.Status
COMPETITION_TRANSITIONS = {S.ENROLLING: (S.EVALUATING,), S.EVALUATING: (S.CLOSED,), S.CLOSED: ()}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}


def _scoring_items(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise SupervisionError(_("评分表至少要有一项。"), field="scoring_items")
    seen: set[str] = set()
    clean = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise SupervisionError(_("评分项格式不对。"), field=f"scoring_items[{i}]")
        code = text(item.get("code"), f"scoring_items[{i}].code", max_length=30)
        if code in seen:
            raise SupervisionError(_("评分项代码重复。"), field=f"scoring_items[{i}].code")
        seen.add(code)
        top = item.get("max")
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 1000:
            raise SupervisionError(
                _("满分须是 1 到 1000 的整数。"), field=f"scoring_items[{i}].max"
            )
        clean.append({
            "code": code, "max": top,
            "label": text(item.get("label"), f"scoring_items[{i}].label", max_length=200),
        })  # fmt: skip
    return clean


@transaction.atomic
def competition_save(*, actor: AbstractBaseUser | None, competition: Competition) -> Competition:
    """Create a competition, or change its name and scoring sheet before evaluation."""
    require_union(actor, competition.union)
    if competition.pk:
        before = Competition.objects.select_for_update().get(pk=competition.pk)
        if before.status != S.ENROLLING and before.scoring_items != competition.scoring_items:
            raise Conflict(_("评审开始后不能修改评分表。"), field="scoring_items")
        competition.status = before.status  # moves only through competition_advance
    competition.name = text(competition.name, "name", max_length=150)
    competition.scoring_items = _scoring_items(competition.scoring_items)
    if not 2000 <= int(competition.year or 0) <= 2200:
        raise SupervisionError(_("年度不正确。"), field="year")
    competition.full_clean()
    stamp(competition, actor)
    competition.save()
    return competition


def _locked(actor: AbstractBaseUser | None, competition: Competition) -> Competition:
    competition = (
        Competition.objects.select_for_update(of=("self",))
        .select_related("union")
        .get(pk=competition.pk)
    )
    require_union(actor, competition.union)
    return competition


@transaction.atomic
def competition_advance(
    *, actor: AbstractBaseUser | None, competition: Competition, status: str
) -> Competition:
    """Enrolment closes (evaluating), then the competition closes."""
    competition = _locked(actor, competition)
    if status not in COMPETITION_TRANSITIONS[competition.status]:
        raise Conflict(
            _("“%(old)s”的竞赛不能改为“%(new)s”。")
            % {"old": competition.get_status_display(), "new": str(status)[:20]},
            field="status",
        )
    competition.status = status
    stamp(competition, actor)
    competition.save()
    return competition


def _fatal_accident_in(workplace: Workplace, year: int) -> Accident | None:
    return (
        Accident.objects.filter(workplace=workplace, occurred_on__year=year, deaths__gt=0)
        .order_by("occurred_on")
        .first()
    )


def _exclusion_reason(accident: Accident) -> str:
    return _("%(date)s 发生死亡事故（%(n)d 人），取消评奖资格。") % {
        "date": accident.occurred_on.isoformat(),
        "n": accident.deaths,
    }


def _exclude(entry: CompetitionEntry, accident: Accident) -> None:
    entry.excluded = True
    entry.exclusion_reason = _exclusion_reason(accident)
    entry.award = ""
    stamp(entry, None, "fatal accident")
    entry.save()
    for group in entry.groups.exclude(award=""):
        group.award = ""
        stamp(group, None, "fatal accident")
        group.save()


@transaction.atomic
def competition_enrol(
    *,
    actor: AbstractBaseUser | None,
    competition: Competition,
    workplace: Workplace | None = None,
    unit_union: Union | None = None,
    enrolled_on: dt.date | None = None,
) -> CompetitionEntry:
    """Enrol a workplace (or a union) under the competition's union."""
    competition = _locked(actor, competition)
    if competition.status != S.ENROLLING:
        raise Conflict(_("报名已经截止。"), field="status")
    if (workplace is None) == (unit_union is None):
        raise SupervisionError(_("请选择一个参赛单位或参赛工会。"), field="workplace")
    unit_path = workplace.union.path if workplace is not None else unit_union.path  # type: ignore[union-attr]
    if not unit_path.startswith(competition.union.path):
        raise SupervisionError(
            _("参赛单位须在“%(u)s”之下。") % {"u": competition.union.name}, field="workplace"
        )
    entry = CompetitionEntry(
        competition=competition, workplace=workplace, unit_union=unit_union,
        enrolled_on=enrolled_on or local_time.today(),
    )  # fmt: skip
    if workplace is not None:
        accident = _fatal_accident_in(workplace, competition.year)
        if accident is not None:
            entry.excluded, entry.exclusion_reason = True, _exclusion_reason(accident)
    stamp(entry, actor)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise Conflict(_("这个单位已经报名。"), field="workplace") from None
    return entry


def _entry_locked(actor: AbstractBaseUser | None, entry: CompetitionEntry) -> CompetitionEntry:
    entry = (
        CompetitionEntry.objects.select_for_update(of=("self",))
        .select_related("competition__union", "workplace", "unit_union")
        .get(pk=entry.pk)
    )
    require_union(actor, entry.competition.union)
    return entry


@transaction.atomic
def entry_evidence_add(
    *, actor: AbstractBaseUser | None, entry: CompetitionEntry, upload: Any, note: str = ""
) -> EntryEvidence:
    """Attach evidence (PDF, PNG or JPEG, judged by content) while enrolling or evaluating."""
    entry = _entry_locked(actor, entry)
    if entry.competition.status == S.CLOSED:
        raise Conflict(_("竞赛已经结束。"), field="status")
    if upload is None or upload.size > EVIDENCE_MAX_BYTES:
        raise SupervisionError(_("请上传不超过 10 MB 的材料。"), field="file")
    head = upload.read(4)
    upload.seek(0)
    kind = next((ext for magic, ext in EVIDENCE_MAGIC.items() if head.startswith(magic)), None)
    if kind is None:
        raise SupervisionError(_("材料只能是 PDF、PNG 或 JPEG。"), field="file")
    upload.name = f"evidence.{kind}"
    evidence = EntryEvidence(
        entry=entry, file=upload, note=text(note, "note", max_length=300, required=False)
    )
    evidence.save()
    return evidence


@transaction.atomic
def entry_evaluate(
    *,
    actor: AbstractBaseUser | None,
    entry: CompetitionEntry,
    scores: dict[str, Any],
    evaluated_on: dt.date | None = None,
) -> CompetitionEntry:
    """Score a unit on every item of the scoring sheet (0 to the item's maximum)."""
    entry = _entry_locked(actor, entry)
    competition = entry.competition
    if competition.status != S.EVALUATING:
        raise Conflict(_("竞赛不在评审阶段。"), field="status")
    if not isinstance(scores, dict):
        raise SupervisionError(_("请逐项打分。"), field="scores")
    clean: dict[str, str] = {}
    total = Decimal(0)
    for item in competition.scoring_items:
        code = item["code"]
        try:
            value = Decimal(str(scores[code]))
        except (KeyError, InvalidOperation):
            raise SupervisionError(_("请为此项打分。"), field=f"scores.{code}") from None
        if not value.is_finite() or not 0 <= value <= item["max"]:
            raise SupervisionError(
                _("得分须在 0 到 %(m)d 之间。") % {"m": item["max"]}, field=f"scores.{code}"
            )
        value = value.quantize(Decimal("0.1"))
        clean[code] = str(value)
        total += value
    unknown = set(scores) - {item["code"] for item in competition.scoring_items}
    if unknown:
        raise SupervisionError(_("评分表里没有这一项。"), field=f"scores.{sorted(unknown)[0]}")
    entry.scores, entry.total = clean, total
    entry.evaluated_on = evaluated_on or local_time.today()
    stamp(entry, actor)
    entry.save()
    return entry


@transaction.atomic
def entry_award(
    *, actor: AbstractBaseUser | None, entry: CompetitionEntry, award: str
) -> CompetitionEntry:
    """Give a unit 优胜单位 (or, a union, 优秀组织单位); ``""`` withdraws the award."""
    entry = _entry_locked(actor, entry)
    if entry.competition.status != S.EVALUATING:
        raise Conflict(_("竞赛不在评审阶段。"), field="status")
    if award:
        choice(award, Award, "award")
        if entry.excluded:
            raise Conflict(entry.exclusion_reason, field="award")
        if entry.total is None:
            raise Conflict(_("请先评分。"), field="award")
        expected = Award.ORGANIZER if entry.unit_union_id else Award.WINNER_UNIT
        if award != expected:
            raise SupervisionError(
                _("这个参赛单位只能评为“%(a)s”。") % {"a": Award(expected).label}, field="award"
            )
    entry.award = award
    stamp(entry, actor)
    entry.save()
    return entry


@transaction.atomic
def group_register(
    *, actor: AbstractBaseUser | None, entry: CompetitionEntry, name: str, leader: str,
    members: int = 0,
) -> SafetyGroup:  # fmt: skip
    """Register a safety-type group (安全型班组) under a workplace's entry."""
    entry = _entry_locked(actor, entry)
    if entry.workplace_id is None:
        raise SupervisionError(_("班组只能登记在参赛企业之下。"), field="entry")
    if entry.competition.status == S.CLOSED:
        raise Conflict(_("竞赛已经结束。"), field="status")
    if isinstance(members, bool) or not isinstance(members, int) or not 0 <= members <= 10000:
        raise SupervisionError(_("人数不正确。"), field="members")
    group = SafetyGroup(
        entry=entry, name=text(name, "name", max_length=100),
        leader=text(leader, "leader", max_length=50), members=members,
    )  # fmt: skip
    stamp(group, actor)
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise Conflict(_("这个班组已经登记。"), field="name") from None
    return group


@transaction.atomic
def group_evaluate(
    *, actor: AbstractBaseUser | None, group: SafetyGroup, score: Any, award: str = ""
) -> SafetyGroup:
    """Score a group (0–100) and, optionally, make it a 优胜班组."""
    group = SafetyGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    entry = _entry_locked(actor, group.entry)
    if entry.competition.status != S.EVALUATING:
        raise Conflict(_("竞赛不在评审阶段。"), field="status")
    try:
        value = Decimal(str(score))
    except InvalidOperation:
        raise SupervisionError(_("得分须在 0 到 100 之间。"), field="score") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise SupervisionError(_("得分须在 0 到 100 之间。"), field="score")
    if award:
        if award != Award.WINNER_GROUP:
            raise SupervisionError(_("班组只能评为“优胜班组”。"), field="award")
        if entry.excluded:
            raise Conflict(entry.exclusion_reason, field="award")
    group.score, group.award = value.quantize(Decimal("0.1")), award
    stamp(group, actor)
    group.save()
    return group


def entries_exclude_after_fatal_accident(*, accident: Accident) -> list[CompetitionEntry]:
    """Exclude the accident's workplace from the awards of its year's competitions
    (inside the caller's transaction, ``accident_register``)."""
    if not accident.deaths:
        return []
    entries = list(
        CompetitionEntry.objects.select_for_update(of=("self",)).filter(
            workplace=accident.workplace_id, competition__year=accident.occurred_on.year,
            excluded=False,
        )
    )  # fmt: skip
    for entry in entries:
        _exclude(entry, accident)
    return entries
