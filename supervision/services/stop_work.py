"""The union's proposal to evacuate or stop work where workers' lives are at risk
(安全生产法 §60), recorded with its time, place and the person it was made to, and sent at
once to the organizers of the union and every union above the workplace."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.queueing import task_queue_on_commit
from stations.models import Union
from stations.selectors import organizer_emails_above
from supervision.exceptions import SupervisionError
from supervision.models import StopWorkProposal
from supervision.services._common import (
    choice,
    require_union,
    stamp,
    text,
)
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# A proposal recorded afterwards (from a phone without signal) may name an earlier time,
# but not one so far back that it is no longer news for the unions above.
MAX_BACKDATE = dt.timedelta(days=7)


@transaction.atomic
def stop_work_propose(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    kind: str,
    proposed_at: dt.datetime,
    place: str,
    addressed_to: str,
    danger: str,
    union: Union | None = None,
) -> StopWorkProposal:
    """Record a 建议撤离 / 停止作业 made to ``addressed_to`` at ``proposed_at``; the
    organizers above hear of it by e-mail once this commits."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    union = union or workplace.union
    require_union(actor, union)
    if not workplace.union.is_under(union):
        raise SupervisionError(
            _("“%(u)s”不是这个单位所属的工会或其上级工会。") % {"u": union.name}, field="union"
        )
    if not isinstance(proposed_at, dt.datetime) or timezone.is_naive(proposed_at):
        raise SupervisionError(_("请填写提出的日期和时间。"), field="proposed_at")
    now = local_time.now()
    if proposed_at > now + dt.timedelta(minutes=5):
        raise SupervisionError(_("时间不能在将来。"), field="proposed_at")
    if proposed_at < now - MAX_BACKDATE:
        raise SupervisionError(_("只能补记 7 天内提出的建议。"), field="proposed_at")
    proposal = StopWorkProposal(
        workplace=workplace, union=union, kind=choice(kind, StopWorkProposal.Kind, "kind"),
        proposed_at=proposed_at, place=text(place, "place", max_length=300),
        addressed_to=text(addressed_to, "addressed_to", max_length=150),
        danger=text(danger, "danger", max_length=2000), proposed_by=actor,
    )  # fmt: skip
    proposal.full_clean()
    stamp(proposal, actor)
    proposal.save()
    pk = proposal.pk
    task_queue_on_commit("supervision.tasks.stop_work_alert", pk)
    return proposal


@transaction.atomic
def stop_work_alert_send(*, proposal_id: int) -> bool:
    """E-mail the organizers of the proposing union's workplace and every union above it,
    once (``alerted_at``). Answers whether it sent."""
    proposal = (
        StopWorkProposal.objects.select_for_update(of=("self",))
        .select_related("workplace__union")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or proposal.alerted_at is not None:
        return False
    recipients = organizer_emails_above(proposal.workplace.union)
    proposal.alerted_at = local_time.now()
    stamp(proposal, None, "stop-work alert")
    proposal.save(update_fields=["alerted_at"])
    if not recipients:
        return False
    facts = {
        "kind": proposal.get_kind_display(),
        "workplace": proposal.workplace.name,
        "at": local_time.to_local(proposal.proposed_at).strftime("%Y-%m-%d %H:%M"),
        "place": proposal.place,
        "to": proposal.addressed_to,
        "danger": proposal.danger,
    }
    EmailMessage(
        subject=_("【驿站】工会%(kind)s：%(workplace)s") % facts,
        body=_(
            "%(at)s，工会在%(workplace)s（%(place)s）向%(to)s%(kind)s。\n危及生命安全的情况："
            "%(danger)s"
        )
        % facts,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    ).send()
    return True
