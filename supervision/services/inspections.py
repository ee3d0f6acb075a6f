"""Inspections of workplaces (三(三)) and the rectification of what they find.

A finding moves open → rectified (with evidence) → verified; a rectification that does
not hold is sent back to open with a reason. Nothing else: every other move is refused
(409). For a major finding the union records the enterprise's two reports (双报告, to the
government department and to the workers' congress), verifies them, and sees them overdue.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.dates import check_deadline, check_past_day
from core.errors import Conflict, DomainError
from core.photos import photo_without_metadata
from stations.models import Union
from supervision.exceptions import SupervisionError
from supervision.models import (
    Agency,
    AppointedInspector,
    ChecklistTemplate,
    Finding,
    FindingPhoto,
    Inspection,
)
from supervision.services._common import choice, require_union, stamp, text
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

S = Finding.Status
MAX_PHOTOS = 5
MAX_CHECKLIST_ITEMS = 100

# Where a finding may go from each status.
FINDING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OPEN: (S.RECTIFIED,),
    S.RECTIFIED: (S.VERIFIED, S.OPEN),
    S.VERIFIED: (),
}


@dataclass(frozen=True)
class FindingInput:
    """One finding as an organizer or an inspector writes it down."""

    category: str
    description: str
    deadline: dt.date
    responsible_person: str
    severity: str = Finding.Severity.GENERAL
    law_cited: str = ""
    requirement: str = ""
    photos: Sequence[Any] = field(default_factory=tuple)


@transaction.atomic
def checklist_template_save(
    *, actor: AbstractBaseUser | None, template: ChecklistTemplate
) -> ChecklistTemplate:
    """Create or change a checklist template of a union: a list of 1–100 item texts."""
    require_union(actor, template.union)
    text(template.name, "name", max_length=100)
    items = template.items
    if not isinstance(items, list) or not items:
        raise SupervisionError(_("检查表至少要有一项。"), field="items")
    if len(items) > MAX_CHECKLIST_ITEMS:
        raise SupervisionError(
            _("检查表最多 %(n)d 项。") % {"n": MAX_CHECKLIST_ITEMS}, field="items"
        )
    template.items = [text(item, f"items[{i}]", max_length=300) for i, item in enumerate(items)]
    template.full_clean()
    stamp(template, actor)
    template.save()
    return template


def _checklist(
    template: ChecklistTemplate | None, answers: Sequence[Any] | None
) -> list[dict[str, Any]]:
    """The template's items with their answers (``{"ok": bool, "note": str}`` in order)."""
    if template is None:
        if answers:
            raise SupervisionError(_("没有选择检查表，不能填写检查项。"), field="checklist")
        return []
    answers = list(answers or [])
    if len(answers) != len(template.items):
        raise SupervisionError(
            _("检查表“%(t)s”有 %(n)d 项，请逐项填写。")
            % {"t": template.name, "n": len(template.items)},
            field="checklist",
        )
    rows = []
    for i, (item, answer) in enumerate(zip(template.items, answers, strict=True)):
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            raise SupervisionError(_("请说明此项是否符合。"), field=f"checklist[{i}].ok")
        note = text(answer.get("note"), f"checklist[{i}].note", max_length=300, required=False)
        rows.append({"item": item, "ok": answer["ok"], "note": note})
    return rows


def appointed_inspector_check(
    person: AppointedInspector, *, workplace: Workplace, on: dt.date, field: str
) -> None:
    """An appointed inspector may inspect ``workplace`` on ``on``: appointed by its union or
    one above it, with a certificate valid that day (《工会劳动保护监督检查员工作条例》:
    the inspector acts on the certificate the appointing union issues)."""
    if not workplace.union.is_under(person.union):
        raise SupervisionError(
            _("%(n)s 由“%(u)s”聘任，不能检查这个单位。")
            % {"n": person.name, "u": person.union.name},
            field=field,
        )
    if on > person.valid_until:
        raise SupervisionError(
            _("%(n)s 的监督检查员证书（%(c)s）已于 %(d)s 过期，不能参加这次检查；请先换证。")
            % {"n": person.name, "c": person.certificate_number,
               "d": person.valid_until.isoformat()},
            field=field,
        )  # fmt: skip
    if on < person.valid_from:
        raise SupervisionError(
            _("%(n)s 的监督检查员证书（%(c)s）自 %(d)s 起有效。")
            % {"n": person.name, "c": person.certificate_number,
               "d": person.valid_from.isoformat()},
            field=field,
        )  # fmt: skip


def finding_build(
    *, workplace: Workplace, data: FindingInput, prefix: str, not_before: dt.date
) -> Finding:
    category = choice(data.category, Finding.Category, f"{prefix}category")
    severity = choice(data.severity, Finding.Severity, f"{prefix}severity")
    if not isinstance(data.deadline, dt.date):
        raise SupervisionError(_("请填写整改期限。"), field=f"{prefix}deadline")
    if data.deadline < not_before:
        raise SupervisionError(_("整改期限不能早于发现问题的日期。"), field=f"{prefix}deadline")
    check_deadline(data.deadline, field=f"{prefix}deadline", error=SupervisionError)
    if len(data.photos) > MAX_PHOTOS:
        raise SupervisionError(
            _("每个问题最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field=f"{prefix}photos"
        )
    return Finding(
        workplace=workplace, category=category, severity=severity,
        description=text(data.description, f"{prefix}description", max_length=2000),
        law_cited=text(data.law_cited, f"{prefix}law_cited", max_length=300, required=False),
        requirement=text(data.requirement, f"{prefix}requirement", max_length=2000, required=False),
        deadline=data.deadline,
        responsible_person=text(
            data.responsible_person, f"{prefix}responsible_person", max_length=100
        ),
    )  # fmt: skip


def _photos_add(finding: Finding, photos: Sequence[Any], kind: str, field_name: str) -> None:
    for photo in photos:
        try:
            clean = photo_without_metadata(photo)
        except DomainError as exc:
            raise SupervisionError(exc.message, field=field_name) from None
        FindingPhoto.objects.create(finding=finding, kind=kind, photo=clean)


def finding_save_new(
    *, actor: AbstractBaseUser | None, finding: Finding, photos: Sequence[Any], prefix: str = ""
) -> Finding:
    """Write a built finding and its photos (inside the caller's transaction)."""
    finding.reported_by = actor
    finding.full_clean()
    stamp(finding, actor)
    finding.save()
    _photos_add(finding, photos, FindingPhoto.Kind.FINDING, f"{prefix}photos")
    return finding


@transaction.atomic
def inspection_record(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    inspected_on: dt.date,
    inspectors: str,
    agencies: Sequence[str] = (),
    template: ChecklistTemplate | None = None,
    checklist: Sequence[Any] | None = None,
    notes: str = "",
    findings: Sequence[FindingInput] = (),
    client_uuid: uuid.UUID | None = None,
    union: Union | None = None,
    appointed: Sequence[AppointedInspector] = (),
) -> Inspection:
    """Record an inspection of ``workplace`` with its checklist and its findings.

    ``union`` is the inspecting union that signs the notices: the workplace's own (the
    default) or one above it, organized by the actor. ``appointed`` are the union's
    appointed inspectors who took part; each needs a certificate valid on the day.

    With ``client_uuid`` (made on the phone) it is idempotent: sent again (an offline
    queue replaying after a lost answer), the inspection already recorded is answered.
    """
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    require_union(actor, workplace.union)
    if client_uuid is not None:
        known = Inspection.objects.filter(client_uuid=client_uuid).first()
        if known is not None:
            if known.workplace_id != workplace.pk:
                raise Conflict(_("这个编号已用于另一次检查。"), field="client_uuid")
            return known
    check_past_day(inspected_on, field="inspected_on", error=SupervisionError)
    union = union or workplace.union
    require_union(actor, union)
    if not workplace.union.is_under(union):
        raise SupervisionError(
            _("“%(u)s”不是受检单位所属的工会或其上级工会。") % {"u": union.name}, field="union"
        )
    appointed = list(dict.fromkeys(appointed))
    for i, person in enumerate(appointed):
        appointed_inspector_check(person, workplace=workplace, on=inspected_on,
                                  field=f"appointed[{i}]")  # fmt: skip
    if not (inspectors or "").strip() and appointed:
        inspectors = "、".join(p.name for p in appointed)
    agencies = list(dict.fromkeys(agencies))
    for i, agency in enumerate(agencies):
        choice(agency, Agency, f"agencies[{i}]")
    if template is not None:
        if not template.active:
            raise SupervisionError(_("这个检查表已停用。"), field="template")
        if not workplace.union.is_under(template.union):
            raise SupervisionError(_("这个检查表不属于本单位的上级工会。"), field="template")
    inspection = Inspection(
        workplace=workplace, inspected_on=inspected_on, union=union,
        inspectors=text(inspectors, "inspectors", max_length=300), agencies=agencies,
        template=template, checklist=_checklist(template, checklist),
        notes=text(notes, "notes", max_length=4000, required=False),
        recorded_by=actor, client_uuid=client_uuid,
    )  # fmt: skip
    inspection.full_clean(exclude=["client_uuid"])
    stamp(inspection, actor)
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        # The same phone's two sends crossed: the other one recorded it.
        known = Inspection.objects.filter(client_uuid=client_uuid).first()
        if client_uuid is None or known is None:
            raise
        return known
    inspection.appointed.set(appointed)
    for i, data in enumerate(findings):
        prefix = f"findings[{i}]."
        finding = finding_build(
            workplace=workplace, data=data, prefix=prefix, not_before=inspected_on
        )
        finding.inspection = inspection
        finding_save_new(actor=actor, finding=finding, photos=data.photos, prefix=prefix)
    return inspection


@transaction.atomic
def finding_add(
    *, actor: AbstractBaseUser | None, inspection: Inspection, data: FindingInput
) -> Finding:
    """Add a finding to an inspection already recorded."""
    inspection = Inspection.objects.select_related("workplace__union").get(pk=inspection.pk)
    require_union(actor, inspection.workplace.union)
    finding = finding_build(
        workplace=inspection.workplace, data=data, prefix="", not_before=inspection.inspected_on
    )
    finding.inspection = inspection
    return finding_save_new(actor=actor, finding=finding, photos=data.photos)


def _locked(actor: AbstractBaseUser | None, finding: Finding) -> Finding:
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("workplace__union")
        .get(pk=finding.pk)
    )
    require_union(actor, finding.workplace.union)
    return finding


def _move(finding: Finding, to: str) -> None:
    allowed = FINDING_TRANSITIONS.get(finding.status, ())
    if to not in allowed:
        raise Conflict(
            _("“%(old)s”的问题不能改为“%(new)s”。")
            % {"old": finding.get_status_display(), "new": S(to).label},
            field="status",
        )
    finding.status = to


def _day(value: Any, field_name: str, *, not_before: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date):
        raise SupervisionError(_("请填写日期。"), field=field_name)
    check_past_day(value, field=field_name, error=SupervisionError)
    if not_before is not None and value < not_before:
        raise SupervisionError(
            _("日期不能早于 %(d)s。") % {"d": not_before.isoformat()}, field=field_name
        )
    return value


def _found_on(finding: Finding) -> dt.date:
    """The day the problem was found: the inspection's, the 三同时 review's, or the day an
    inspector reported it."""
    if finding.inspection_id:
        return finding.inspection.inspected_on
    review = getattr(finding, "project_review", None) if finding.project_id else None
    if review is not None:
        return review.reviewed_on
    return local_time.to_local(finding.created_at).date()


@transaction.atomic
def finding_rectify(
    *,
    actor: AbstractBaseUser | None,
    finding: Finding,
    rectified_on: dt.date,
    evidence: str,
    photos: Sequence[Any] = (),
) -> Finding:
    """The enterprise has rectified an open finding; ``evidence`` says how (photos too)."""
    finding = _locked(actor, finding)
    _move(finding, S.RECTIFIED)
    finding.rectified_on = _day(rectified_on, "rectified_on", not_before=_found_on(finding))
    finding.rectification_evidence = text(evidence, "evidence", max_length=4000)
    if len(photos) > MAX_PHOTOS:
        raise SupervisionError(_("最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    finding.full_clean()
    stamp(finding, actor)
    finding.save()
    _photos_add(finding, photos, FindingPhoto.Kind.EVIDENCE, "photos")
    return finding


@transaction.atomic
def finding_verify(
    *, actor: AbstractBaseUser | None, finding: Finding, verified_on: dt.date, note: str = ""
) -> Finding:
    """The union has checked the rectification on site and accepts it (``note``: what it
    saw, printed beside the finding in the notices)."""
    finding = _locked(actor, finding)
    _move(finding, S.VERIFIED)
    finding.verified_on = _day(verified_on, "verified_on", not_before=finding.rectified_on)
    finding.verification_note = text(note, "note", max_length=2000, required=False)
    finding.verified_by = actor
    finding.full_clean()
    stamp(finding, actor)
    finding.save()
    return finding


@transaction.atomic
def finding_reopen(
    *,
    actor: AbstractBaseUser | None,
    finding: Finding,
    reason: str,
    deadline: dt.date | None = None,
) -> Finding:
    """The rectification does not hold: the finding is open again (with a new deadline)."""
    finding = _locked(actor, finding)
    reason = text(reason, "reason", max_length=100)
    _move(finding, S.OPEN)
    finding.rectified_on = None
    if deadline is not None:
        if not isinstance(deadline, dt.date) or deadline < local_time.today():
            raise SupervisionError(_("新的整改期限不能早于今天。"), field="deadline")
        check_deadline(deadline, field="deadline", error=SupervisionError)
        finding.deadline = deadline
        finding.overdue_alerted_on = None
    finding.full_clean()
    stamp(finding, actor, reason)
    finding.save()
    return finding


def _require_major(finding: Finding) -> None:
    if finding.severity != Finding.Severity.MAJOR:
        raise Conflict(_("只有重大问题需要报告。"), field="severity")


def dual_report_due(finding: Finding) -> dt.date:
    """The day by which the enterprise should have made both reports of a major hazard.
    安全生产法 §41 asks for them 及时; how many days that is is the province's working
    rule (``SUPERVISION_DUAL_REPORT_DAYS``, 7 unless set), counted from the day after the
    hazard was found."""
    days = int(getattr(settings, "SUPERVISION_DUAL_REPORT_DAYS", 7))
    return _found_on(finding) + dt.timedelta(days=days)


def dual_report_overdue(finding: Finding, *, on: dt.date) -> bool:
    """A major finding whose enterprise has not made both reports by the due day."""
    return (
        finding.severity == Finding.Severity.MAJOR
        and (finding.government_reported_on is None or finding.congress_reported_on is None)
        and on > dual_report_due(finding)
    )


@transaction.atomic
def finding_report_government(
    *, actor: AbstractBaseUser | None, finding: Finding, reported_on: dt.date, recipient: str
) -> Finding:
    """双报告 (安全生产法 §41), first half: the enterprise reported the major hazard to the
    government department ``recipient`` on ``reported_on``; the union records it."""
    finding = _locked(actor, finding)
    _require_major(finding)
    if finding.government_reported_on is not None:
        raise Conflict(_("已经登记过企业向政府部门的报告。"), field="reported_on")
    finding.government_reported_on = _day(reported_on, "reported_on", not_before=_found_on(finding))
    finding.government_recipient = text(recipient, "recipient", max_length=150)
    stamp(finding, actor)
    finding.save()
    return finding


@transaction.atomic
def finding_report_congress(
    *,
    actor: AbstractBaseUser | None,
    finding: Finding,
    reported_on: dt.date,
    recipient: str = "",
    note: str = "",
) -> Finding:
    """双报告, second half: the enterprise reported the major hazard (and how it is being
    dealt with) to its workers' congress (职工大会或者职工代表大会) — at any stage, not only
    after rectification."""
    finding = _locked(actor, finding)
    _require_major(finding)
    if finding.congress_reported_on is not None:
        raise Conflict(_("已经登记过企业向职代会的报告。"), field="reported_on")
    finding.congress_reported_on = _day(reported_on, "reported_on", not_before=_found_on(finding))
    finding.congress_recipient = text(recipient, "recipient", max_length=150, required=False)
    finding.congress_note = text(note, "note", max_length=300, required=False)
    stamp(finding, actor)
    finding.save()
    return finding


@transaction.atomic
def finding_dual_report_verify(
    *, actor: AbstractBaseUser | None, finding: Finding, verified_on: dt.date
) -> Finding:
    """The union has checked both of the enterprise's reports (with the department and
    the congress) and confirms them."""
    finding = _locked(actor, finding)
    _require_major(finding)
    if finding.government_reported_on is None or finding.congress_reported_on is None:
        raise Conflict(_("企业的两份报告都登记后才能核实。"), field="dual_report")
    if finding.dual_verified_on is not None:
        raise Conflict(_("双报告已经核实过。"), field="verified_on")
    finding.dual_verified_on = _day(
        verified_on, "verified_on",
        not_before=max(finding.government_reported_on, finding.congress_reported_on),
    )  # fmt: skip
    finding.dual_verified_by = actor
    stamp(finding, actor)
    finding.save()
    return finding


@transaction.atomic
def findings_mark_overdue(*, on: dt.date) -> list[Finding]:
    """Open findings past their deadline not yet alerted: mark them alerted ``on`` and
    answer them. Run twice on a day, the second run answers nothing (no double alert)."""
    due = list(
        Finding.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status=S.OPEN, deadline__lt=on, overdue_alerted_on__isnull=True)
        .select_related("workplace__union")
        .order_by("pk")
    )
    for finding in due:
        finding.overdue_alerted_on = on
        stamp(finding, None, "overdue alert")
        finding.save(update_fields=["overdue_alerted_on"])
    return due
