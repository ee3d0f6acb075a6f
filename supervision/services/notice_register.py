"""The notice register: issuing an inspection's notice under the union's 发文字号, its
service on the enterprise, the enterprise's written reply (书面答复), and the alert when
the reply is overdue.

Numbers run per issuing union and year from 1 (``宁工劳保〔2026〕1号``), allocated on a
locked counter row so two organizers issuing at once never share one; a unique constraint
on (union, year, number) is the backstop. The PDF is rendered once, at issue, and kept: a
reprint is the document that was served, with its date, not today's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict
from stations.models import Union
from supervision import notices as notice_pdf
from supervision.exceptions import SupervisionError
from supervision.models import Inspection, Notice, NoticeCounter, NoticeSeries
from supervision.services._common import choice, require_union, stamp, text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def document_number(*, prefix: str, year: int, number: int) -> str:
    """``宁工劳保〔2026〕1号``: 机关代字, the year in 六角括号, the sequence, 号 (GB/T
    9704-2012 §7.2.4; no leading zeros, no spaces)."""
    return f"{prefix}〔{year}〕{number}号"


def _next_number(union: Union, year: int) -> int:
    NoticeCounter.objects.get_or_create(union=union, year=year)
    counter = NoticeCounter.objects.select_for_update().get(union=union, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _date(value: object, field: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise SupervisionError(_("请填写日期。"), field=field)
    return value


@transaction.atomic
def notice_issue(
    *,
    actor: AbstractBaseUser | None,
    inspection: Inspection,
    kind: str,
    issued_on: dt.date,
    reply_due: dt.date,
) -> Notice:
    """Issue ``inspection``'s notice of ``kind`` under its inspecting union's 发文字号."""
    inspection = Inspection.objects.select_related("workplace__union", "union").get(
        pk=inspection.pk
    )
    union = inspection.inspecting_union
    require_union(actor, union)
    kind = choice(kind, Notice.Kind, "kind")
    issued_on = _date(issued_on, "issued_on")
    if issued_on > local_time.today():
        raise SupervisionError(_("发文日期不能在将来。"), field="issued_on")
    if issued_on < inspection.inspected_on:
        raise SupervisionError(_("发文日期不能早于检查日期。"), field="issued_on")
    reply_due = _date(reply_due, "reply_due")
    if reply_due < issued_on:
        raise SupervisionError(_("答复期限不能早于发文日期。"), field="reply_due")
    series = NoticeSeries.objects.filter(union=union).first()
    if series is None:
        raise Conflict(
            _("“%(u)s”还没有设置发文字号前缀，请在管理后台“发文字号”中设置。") % {"u": union.name},
            field="union",
        )
    year = issued_on.year
    number = _next_number(union, year)
    code = document_number(prefix=series.prefix, year=year, number=number)
    pdf = notice_pdf.inspection_notice_pdf(
        inspection=inspection, kind=kind, union=union, document_number=code,
        issued_on=issued_on, reply_due=reply_due,
    )  # fmt: skip
    notice = Notice(
        inspection=inspection, kind=kind, union=union, year=year, number=number,
        document_number=code, issued_on=issued_on, reply_due=reply_due, pdf=pdf,
        issued_by=actor,
    )  # fmt: skip
    notice.full_clean(exclude=["pdf"])
    stamp(notice, actor)
    notice.save()
    return notice


@transaction.atomic
def notice_series_save(*, actor: AbstractBaseUser | None, series: NoticeSeries) -> NoticeSeries:
    """Set a union's 发文字号 prefix (e.g. 宁工劳保). Numbers already given keep theirs."""
    require_union(actor, series.union)
    series.prefix = text(series.prefix, "prefix", max_length=20)
    if any(c in series.prefix for c in "〔〕[]()（）0123456789 "):
        raise SupervisionError(
            _("前缀只写机关代字（如“宁工劳保”），年份和序号由系统编排。"), field="prefix"
        )
    series.full_clean()
    stamp(series, actor)
    series.save()
    return series


def _locked(actor: AbstractBaseUser | None, notice: Notice) -> Notice:
    notice = (
        Notice.objects.select_for_update(of=("self",)).select_related("union").get(pk=notice.pk)
    )
    require_union(actor, notice.union)
    return notice


@transaction.atomic
def notice_serve(*, actor: AbstractBaseUser | None, notice: Notice, served_on: dt.date) -> Notice:
    """The notice was served on (送达) the enterprise ``served_on``."""
    notice = _locked(actor, notice)
    if notice.served_on is not None:
        raise Conflict(_("已经登记过送达。"), field="served_on")
    served_on = _date(served_on, "served_on")
    if served_on > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="served_on")
    if served_on < notice.issued_on:
        raise SupervisionError(_("送达日期不能早于发文日期。"), field="served_on")
    notice.served_on = served_on
    stamp(notice, actor)
    notice.save(update_fields=["served_on"])
    return notice


@transaction.atomic
def notice_reply_record(
    *, actor: AbstractBaseUser | None, notice: Notice, received_on: dt.date, note: str
) -> Notice:
    """The enterprise's written reply came ``received_on``; ``note`` sums it up."""
    notice = _locked(actor, notice)
    if notice.reply_received is not None:
        raise Conflict(_("已经登记过书面答复。"), field="received_on")
    received_on = _date(received_on, "received_on")
    if received_on > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="received_on")
    if received_on < notice.issued_on:
        raise SupervisionError(_("答复日期不能早于发文日期。"), field="received_on")
    notice.reply_received = received_on
    notice.reply_note = text(note, "note", max_length=2000)
    stamp(notice, actor)
    notice.save(update_fields=["reply_received", "reply_note"])
    return notice


def notices_overdue_ids(*, on: dt.date) -> list[int]:
    """Notices whose reply is past due on ``on`` and not yet alerted."""
    return list(
        Notice.objects.filter(
            reply_received__isnull=True, reply_due__lt=on, overdue_alerted_on__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def notice_mark_overdue(*, notice_id: int, on: dt.date) -> Notice | None:
    """Mark one notice's reply overdue ``on`` and answer it, or ``None`` when there is
    nothing to alert (replied meanwhile, not yet due, or alerted already): run twice, the
    second run answers ``None``, so the organizer hears once."""
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("issued_by", "inspection__workplace")
        .filter(pk=notice_id)
        .first()
    )
    if (
        notice is None
        or notice.reply_received is not None
        or notice.overdue_alerted_on is not None
        or notice.reply_due >= on
    ):
        return None
    notice.overdue_alerted_on = on
    stamp(notice, None, "reply overdue alert")
    notice.save(update_fields=["overdue_alerted_on"])
    return notice
