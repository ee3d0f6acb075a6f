"""What workers send from the public map (ratings, facility reports) and its handling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound
from core.identifiers import code_lookup_form
from core.photos import photo_without_metadata
from stations.exceptions import StationsError
from stations.models import FacilityReport, Feedback, Station
from stations.services._common import require_union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _public_station(code: str) -> Station:
    station = Station.objects.active().filter(code=code_lookup_form(code)).first()
    if station is None:
        raise NotFound(
            _("没有编号为 %(code)s 的运行中站点。") % {"code": str(code)[:40]}, field="station"
        )
    return station


@transaction.atomic
def feedback_submit(*, station_code: str, rating: Any, comment: str = "") -> Feedback:
    """A worker rates a station (1–5) and may leave a comment, shown after approval."""
    station = _public_station(station_code)
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        raise StationsError(_("评分必须是 1 到 5 的整数。"), field="rating") from None
    if not 1 <= stars <= 5:
        raise StationsError(_("评分必须是 1 到 5 的整数。"), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise StationsError(_("留言最多 500 字。"), field="comment")
    feedback = Feedback(station=station, rating=stars, comment=comment)
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def report_submit(
    *, station_code: str, kind: str, description: str = "", photo: Any = None
) -> FacilityReport:
    """A worker reports a problem at a station, optionally with a photo."""
    station = _public_station(station_code)
    if kind not in FacilityReport.Kind.values:
        raise StationsError(
            _("未知的问题类型：%(kind)s。") % {"kind": str(kind)[:30]}, field="kind"
        )
    description = (description or "").strip()
    if len(description) > 1000:
        raise StationsError(_("说明最多 1000 字。"), field="description")
    report = FacilityReport(station=station, kind=kind, description=description)
    if photo:
        report.photo = photo_without_metadata(photo)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def feedback_moderate(*, actor: AbstractBaseUser, feedback: Feedback, status: str) -> Feedback:
    """Approve or hide a worker's feedback (organizers above the station)."""
    feedback = (
        Feedback.objects.select_for_update().select_related("station__union").get(pk=feedback.pk)
    )
    require_union(actor, feedback.station.union)
    if status not in (Feedback.Status.APPROVED, Feedback.Status.HIDDEN):
        raise StationsError(_("审核结果只能是通过或隐藏。"), field="status")
    feedback.status = status
    feedback.moderated_by = actor
    feedback.moderated_at = timezone.now()
    feedback._history_user = actor
    feedback.save(update_fields=["status", "moderated_by", "moderated_at"])
    return feedback


@transaction.atomic
def feedback_delete(*, actor: AbstractBaseUser, feedback: Feedback) -> None:
    """Remove a worker's feedback (hiding it is the usual way; this is for abuse)."""
    feedback = (
        Feedback.objects.select_for_update().select_related("station__union").get(pk=feedback.pk)
    )
    require_union(actor, feedback.station.union)
    feedback._history_user = actor
    feedback.delete()


REPORT_TRANSITIONS = {
    FacilityReport.Status.OPEN: {FacilityReport.Status.IN_PROGRESS, FacilityReport.Status.FIXED,
                                 FacilityReport.Status.DISMISSED},
    FacilityReport.Status.IN_PROGRESS: {FacilityReport.Status.FIXED,
                                        FacilityReport.Status.DISMISSED},
    FacilityReport.Status.FIXED: {FacilityReport.Status.IN_PROGRESS},  # it broke again
    FacilityReport.Status.DISMISSED: {FacilityReport.Status.OPEN},
}  # fmt: skip


@transaction.atomic
def report_set_status(
    *, actor: AbstractBaseUser, report: FacilityReport, status: str, note: str = ""
) -> FacilityReport:
    """Move a facility report along open → in progress → fixed (or dismissed)."""
    report = (
        FacilityReport.objects.select_for_update()
        .select_related("station__union")
        .get(pk=report.pk)
    )
    require_union(actor, report.station.union)
    allowed = REPORT_TRANSITIONS.get(report.status, set())
    if status not in allowed:
        raise Conflict(
            _("不能从“%(old)s”改为“%(new)s”。")
            % {"old": report.get_status_display(), "new": status},
            field="status",
        )
    report.status = status
    report.handled_by = actor
    if note:
        report.note = note[:300]
    report._history_user = actor
    report.save(update_fields=["status", "handled_by", "note", "updated_at"])
    return report


@transaction.atomic
def report_set_note(
    *, actor: AbstractBaseUser, report: FacilityReport, note: str
) -> FacilityReport:
    """Write what the organizer did or found about a report (its status stays)."""
    report = (
        FacilityReport.objects.select_for_update()
        .select_related("station__union")
        .get(pk=report.pk)
    )
    require_union(actor, report.station.union)
    note = (note or "").strip()
    if len(note) > 300:
        raise StationsError(_("处理说明最多 300 字。"), field="note")
    if note == report.note:
        return report
    report.note = note
    report.handled_by = actor
    report._history_user = actor
    report.save(update_fields=["note", "handled_by", "updated_at"])
    return report


@transaction.atomic
def report_delete(*, actor: AbstractBaseUser, report: FacilityReport) -> None:
    """Remove a report (spam, or personal data in its photo)."""
    report = (
        FacilityReport.objects.select_for_update()
        .select_related("station__union")
        .get(pk=report.pk)
    )
    require_union(actor, report.station.union)
    report._history_user = actor
    report.delete()
