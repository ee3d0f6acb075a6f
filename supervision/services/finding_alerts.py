"""The daily alert about findings past their rectification deadline: each is marked once
(``inspections.findings_mark_overdue``), then the organizers of its union and of every
union above it receive one message listing theirs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from stations.selectors import organizer_emails_above
from supervision.services.inspections import findings_mark_overdue


def findings_overdue_alert(*, on: dt.date) -> int:
    """Mark the open findings past their deadline on ``on`` and e-mail each organizer the
    list of those under their unions. Safe to run twice: a finding is alerted once (until
    it is reopened with a new deadline). Answers the number of findings alerted."""
    due = findings_mark_overdue(on=on)
    if not due:
        return 0
    emails_of_union: dict[int, list[str]] = {}
    by_email: dict[str, list[str]] = defaultdict(list)
    for finding in due:
        union = finding.workplace.union
        if union.pk not in emails_of_union:
            emails_of_union[union.pk] = organizer_emails_above(union)
        for email in emails_of_union[union.pk]:
            by_email[email].append(
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
