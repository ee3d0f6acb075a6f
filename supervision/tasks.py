"""Scheduled and queued supervision work: the daily alerts about findings past their
deadline and notices whose written reply is overdue, and the alert upward of a fatal
accident. Each task takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from core import time as local_time
from supervision.services import accidents, finding_alerts, notice_register, stop_work


@shared_task(acks_late=True)
def findings_overdue_daily() -> int:
    """Alert the organizers above each open finding past its deadline (beat, daily). Safe
    to run twice (a finding is alerted once). Answers the number of findings alerted."""
    return finding_alerts.findings_overdue_alert(on=local_time.today())


@shared_task(acks_late=True)
def notices_overdue_daily() -> int:
    """Queue one alert task per notice whose written reply is past due (beat, daily)."""
    ids = notice_register.notices_overdue_ids(on=local_time.today())
    for notice_id in ids:
        notice_overdue_alert.delay(notice_id)
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notice_overdue_alert(notice_id: int) -> bool:
    """Alert the organizer who issued the notice that its reply is overdue. Safe to run
    twice: the notice is marked in the same transaction, and a marked one is skipped."""
    notice = notice_register.notice_mark_overdue(notice_id=notice_id, on=local_time.today())
    if notice is None:
        return False
    email = notice.issued_by.email if notice.issued_by_id else ""
    if email:
        send_mail(
            subject=_("【驿站】书面答复逾期：%(n)s") % {"n": notice.document_number},
            message=_("%(number)s（%(workplace)s）的书面答复期限是 %(due)s，至今未收到答复。")
            % {
                "number": notice.document_number,
                "workplace": notice.inspection.workplace.name,
                "due": notice.reply_due.isoformat(),
            },
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def accident_fatal_alert(accident_id: int) -> bool:
    """E-mail the organizers of every union above a fatal accident's workplace, once."""
    return accidents.accident_fatal_alert_send(accident_id=accident_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def stop_work_alert(proposal_id: int) -> bool:
    """E-mail the organizers above a 建议撤离 / 停止作业 at once (once)."""
    return stop_work.stop_work_alert_send(proposal_id=proposal_id)
