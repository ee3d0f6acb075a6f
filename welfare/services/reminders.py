"""The weekly e-mail to each union's organizers: the health checks overdue or due soon."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from core import once
from core import time as local_time
from core.scoping import MANAGING_ROLES
from stations.models import Membership
from welfare.selectors.health import checks_due

DAY = 86400
#: A check due within this many days is "soon" in the reminder.
REMINDER_WITHIN_DAYS = 30


def health_check_reminders_send() -> int:
    """E-mail each organizer and admin (``MANAGING_ROLES``) with an address the workers of
    their union whose check is overdue or due within 30 days; the number of mails sent.

    Once a week per membership, however often it runs: a second run in the same ISO week
    sends nothing (and returns 0).
    """
    sent = 0
    memberships = Membership.objects.filter(role__in=MANAGING_ROLES).select_related("user", "union")
    for membership in memberships:
        if not membership.user.email:
            continue
        due = checks_due(union=membership.union, within_days=REMINDER_WITHIN_DAYS)
        if not due["overdue"] and not due["soon"]:
            continue
        lines = [_("逾期：")] + [f"  {w.name} · {w.next_check_due}" for w in due["overdue"]]
        lines += [_("30 天内到期：")] + [f"  {w.name} · {w.next_check_due}" for w in due["soon"]]
        year, week, _day = local_time.today().isocalendar()
        with once.claim(
            f"mail:health-checks:{membership.pk}:{year}-{week}", seconds=8 * DAY
        ) as mine:
            if not mine:
                continue
            send_mail(
                subject=_("【驿站】%(union)s：职业健康检查提醒") % {"union": membership.union.name},
                message="\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[membership.user.email],
            )
        sent += 1
    return sent
