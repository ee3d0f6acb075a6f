"""Scheduled supervision work: the daily alert about findings past their deadline."""

from __future__ import annotations

from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from core import time as local_time
from stations.models import Membership
from supervision.services import inspections


@shared_task(acks_late=True)
def findings_overdue_daily() -> int:
    """Mark open findings past their deadline and e-mail the organizers of every union
    above each one. Safe to run twice: a finding is alerted once (until it is reopened
    with a new deadline). Answers the number of findings alerted."""
    due = inspections.findings_mark_overdue(on=local_time.today())
    if not due:
        return 0
    by_email: dict[str, list[str]] = defaultdict(list)
    memberships = Membership.objects.filter(role__in=("organizer", "admin")).select_related(
        "user", "union"
    )
    for membership in memberships:
        if not membership.user.email:
            continue
        for finding in due:
            if finding.workplace.union.is_under(membership.union):
                by_email[membership.user.email].append(
                    f"  {finding.workplace.name} · {finding.get_category_display()} · "
                    f"{_('整改期限')} {finding.deadline.isoformat()}"
                )
    for email, lines in by_email.items():
        send_mail(
            subject=_("【驿站】整改逾期提醒：%(n)d 个问题") % {"n": len(lines)},
            message="\n".join([_("以下问题已过整改期限，尚未整改："), *lines]),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    return len(due)
