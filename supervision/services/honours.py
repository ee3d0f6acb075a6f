"""安康杯 honours for people and enterprises (先进个人, 示范企业): the competition's union
sets each union below it a quota; a union nominates upward within its quota; the
competition's union approves or declines. An enterprise with a fatal accident in the
competition's year is not nominated (the same rule as the unit awards)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import Conflict
from stations.models import Union
from supervision.exceptions import SupervisionError
from supervision.models import Accident, Competition, HonourKind, HonourQuota, Nomination
from supervision.services._common import choice, require_union, stamp, text
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def honour_quota_set(
    *,
    actor: AbstractBaseUser | None,
    competition: Competition,
    union: Union,
    kind: str,
    quota: int,
) -> HonourQuota:
    """The competition's union gives ``union`` (one below it) ``quota`` nominations."""
    require_union(actor, competition.union)
    kind = choice(kind, HonourKind, "kind")
    if union.pk == competition.union_id or not union.is_under(competition.union):
        raise SupervisionError(_("名额只能分配给主办工会的下级工会。"), field="union")
    if isinstance(quota, bool) or not isinstance(quota, int) or not 0 <= quota <= 1000:
        raise SupervisionError(_("名额应为 0 到 1000 的整数。"), field="quota")
    row, _created = HonourQuota.objects.select_for_update().get_or_create(
        competition=competition, union=union, kind=kind, defaults={"quota": quota}
    )
    used = Nomination.objects.filter(competition=competition, union=union, kind=kind).exclude(
        status=Nomination.Status.DECLINED
    )
    if quota < used.count():
        raise Conflict(
            _("已推荐 %(n)d 名，名额不能少于此数。") % {"n": used.count()}, field="quota"
        )
    row.quota = quota
    stamp(row, actor)
    row.save()
    return row


@transaction.atomic
def nomination_submit(
    *,
    actor: AbstractBaseUser | None,
    competition: Competition,
    union: Union,
    kind: str,
    workplace: Workplace,
    deeds: str,
    person_name: str = "",
    nominated_on: dt.date | None = None,
) -> Nomination:
    """``union`` nominates, upward, a person (先进个人, with their unit) or an enterprise
    (示范企业) for ``competition``'s honour, within its quota."""
    require_union(actor, union)
    kind = choice(kind, HonourKind, "kind")
    quota = (
        HonourQuota.objects.select_for_update()
        .filter(competition=competition, union=union, kind=kind)
        .first()
    )
    if quota is None:
        raise Conflict(
            _("“%(c)s”没有给“%(u)s”分配%(k)s名额。")
            % {"c": competition.name, "u": union.name, "k": HonourKind(kind).label},
            field="kind",
        )
    if competition.status == Competition.Status.CLOSED:
        raise Conflict(_("竞赛已结束，不能再推荐。"), field="competition")
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    if not workplace.union.is_under(union):
        raise SupervisionError(_("这个单位不在推荐工会之下。"), field="workplace")
    person_name = text(person_name, "person_name", max_length=50, required=False)
    if kind == HonourKind.ADVANCED_INDIVIDUAL and not person_name:
        raise SupervisionError(_("先进个人请填写姓名。"), field="person_name")
    if kind == HonourKind.MODEL_ENTERPRISE:
        person_name = ""
        fatal = Accident.objects.filter(
            workplace=workplace, occurred_on__year=competition.year, deaths__gt=0
        ).exists()
        if fatal:
            raise Conflict(
                _("%(w)s 在 %(y)d 年发生死亡事故，不能推荐为示范企业。")
                % {"w": workplace.name, "y": competition.year},
                field="workplace",
            )
    used = Nomination.objects.filter(competition=competition, union=union, kind=kind).exclude(
        status=Nomination.Status.DECLINED
    )
    if used.count() >= quota.quota:
        raise Conflict(
            _("%(k)s名额 %(q)d 个已用完。") % {"k": HonourKind(kind).label, "q": quota.quota},
            field="kind",
        )
    day = nominated_on or local_time.today()
    if day > local_time.today():
        raise SupervisionError(_("日期不能在将来。"), field="nominated_on")
    nomination = Nomination(
        competition=competition, union=union, kind=kind, workplace=workplace,
        person_name=person_name, deeds=text(deeds, "deeds", max_length=2000),
        nominated_on=day,
    )  # fmt: skip
    nomination.full_clean()
    stamp(nomination, actor)
    nomination.save()
    return nomination


@transaction.atomic
def nomination_decide(
    *, actor: AbstractBaseUser | None, nomination: Nomination, approve: bool, on: dt.date
) -> Nomination:
    """The competition's union approves or declines a nomination (once)."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("competition__union")
        .get(pk=nomination.pk)
    )
    require_union(actor, nomination.competition.union)
    if nomination.status != Nomination.Status.NOMINATED:
        raise Conflict(_("这项推荐已经审批过。"), field="status")
    if not isinstance(on, dt.date) or on > local_time.today() or on < nomination.nominated_on:
        raise SupervisionError(_("审批日期不对。"), field="on")
    nomination.status = Nomination.Status.APPROVED if approve else Nomination.Status.DECLINED
    nomination.decided_on = on
    stamp(nomination, actor)
    nomination.save()
    return nomination
