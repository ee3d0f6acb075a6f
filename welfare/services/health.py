"""Health surveillance: registered workers, their checks, follow-ups and leaving.

The schedule rules (GBZ 188-2014 per hazard) live in ``welfare.surveillance``; this module
keeps each worker's ``next_check_due`` equal to what those rules say about their checks,
in the same transaction as every change of a check or of the worker.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.categories import WorkerCategory
from core.dates import check_past_day
from core.errors import Conflict, DomainError
from core.identifiers import DIGITS, normalize_identifier
from core.identity import worker_key
from stations.models import Union
from welfare import rules, surveillance
from welfare.exceptions import WelfareError
from welfare.models import Hazard, HealthCheck, HealthFollowUp, Worker, Workplace
from welfare.services._common import KEEP, Keep, correction_reason, require_union, stamp

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
PHONE_KEY = re.compile(r"[0-9a-f]{64}")


def next_check_due(
    *, checked_on: dt.date, kind: str, hazards: Sequence[str], worker: Worker | None = None
) -> dt.date | None:
    """When the next periodic check is due after this one (``welfare.surveillance``): with
    ``worker``, by their workplace's exposure levels and their region's seasons."""
    if worker is None:
        return surveillance.next_periodic_due(checked_on=checked_on, kind=kind, hazards=hazards)
    workplace = worker.workplace
    region = workplace.region if workplace is not None else worker.union.region
    return surveillance.next_periodic_due(
        checked_on=checked_on, kind=kind, hazards=hazards,
        exposures=surveillance.exposures_of(workplace), seasons=rules.seasons(region=region),
    )  # fmt: skip


def _hazards(worker: Worker) -> list[str]:
    """The worker's hazards, with high-altitude work when their workplace is that high."""
    return surveillance.surveillance_hazards(hazards=worker.hazards, workplace=worker.workplace)


def clean_id_last4(value: str) -> str:
    """The last four characters of an ID card (digits, the last may be X); never more."""
    try:
        value = normalize_identifier(
            value, field="id_last4", label=_("身份证后四位"), alphabet=DIGITS + "X", max_length=18
        )
    except DomainError as exc:
        raise WelfareError(exc.message, field="id_last4") from None
    if not value:
        return ""
    if len(value) > 4:
        raise WelfareError(_("身份证号只填后四位，不要填完整号码。"), field="id_last4")
    if not ID_LAST4.fullmatch(value):
        raise WelfareError(_("身份证后四位应为 4 位数字（最后一位可以是 X）。"), field="id_last4")
    return value


def phone_key_of(phone: str) -> str:
    """The phone's HMAC (``core.identity.worker_key``), or "" for no phone."""
    if not (phone or "").strip():
        return ""
    try:
        return worker_key(phone)
    except DomainError as exc:
        raise WelfareError(exc.message, field="phone") from None


def clean_hazards(hazards: Sequence[str]) -> list[str]:
    unknown = [h for h in hazards if h not in Hazard.values]
    if unknown:
        raise WelfareError(
            _("未知的危害因素：%(h)s。") % {"h": "、".join(map(str, unknown))[:60]}, field="hazards"
        )
    return sorted(set(hazards), key=list(Hazard.values).index)


def _duplicate(*, workplace: Workplace | None, union: Union, phone_key: str, exclude: int | None):
    if not phone_key:
        return None
    workers = Worker.objects.filter(phone_key=phone_key, left_on__isnull=True)
    workers = workers.filter(workplace=workplace) if workplace else workers.filter(union=union)
    if exclude is not None:
        workers = workers.exclude(pk=exclude)
    return workers.first()


@transaction.atomic
def worker_register(
    *,
    actor: AbstractBaseUser | None,
    name: str,
    category: str,
    union: Union,
    consent: bool,
    workplace: Workplace | None = None,
    phone: str = "",
    hazards: Sequence[str] = (),
    id_last4: str = "",
    job: str = "",
    phone_key: str = "",
) -> Worker:
    """Register a worker for surveillance; only with their recorded consent.

    The phone is kept only as its HMAC (``phone``, or ``phone_key`` when the HMAC was
    taken earlier, as a roster preview does). A worker already registered with the same
    phone at the same workplace (and not left) is a conflict, not a second registration.
    """
    require_union(actor, union)
    if not consent:
        raise WelfareError(_("登记需要劳动者本人同意。"), field="consent")
    if category not in WorkerCategory.values:
        raise WelfareError(_("未知的劳动者类别：%(c)s。") % {"c": category}, field="category")
    if workplace is not None:
        require_union(actor, workplace.union)
    name = (name or "").strip()
    if not name:
        raise WelfareError(_("请填写姓名。"), field="name")
    key = phone_key_of(phone)
    if not key and phone_key:
        if not PHONE_KEY.fullmatch(phone_key):
            raise WelfareError(_("手机号摘要格式不对。"), field="phone")
        key = phone_key
    if _duplicate(workplace=workplace, union=union, phone_key=key, exclude=None):
        raise Conflict(_("这个手机号的劳动者已经登记在这里。"), field="phone")
    worker = Worker(
        name=name, category=category, union=union, workplace=workplace, phone_key=key,
        hazards=clean_hazards(hazards), consent_at=timezone.now(),
        id_last4=clean_id_last4(id_last4), job=(job or "").strip(),
    )  # fmt: skip
    worker.full_clean()
    stamp(worker, actor)
    worker.save()
    return worker


@transaction.atomic
def worker_update(
    *,
    actor: AbstractBaseUser | None,
    worker: Worker,
    name: str | Keep = KEEP,
    id_last4: str | Keep = KEEP,
    job: str | Keep = KEEP,
    hazards: Sequence[str] | Keep = KEEP,
    phone: str | Keep = KEEP,
    reason: str = "",
) -> Worker:
    """Change a registered worker's details; new hazards move the next check's date."""
    worker = Worker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    require_union(actor, worker.union)
    changes: dict[str, object] = {}
    if name is not KEEP:
        if not str(name).strip():
            raise WelfareError(_("请填写姓名。"), field="name")
        changes["name"] = str(name).strip()
    if id_last4 is not KEEP:
        changes["id_last4"] = clean_id_last4(str(id_last4))
    if job is not KEEP:
        changes["job"] = str(job).strip()
    if hazards is not KEEP:
        changes["hazards"] = clean_hazards(hazards)
    if phone is not KEEP and str(phone).strip():
        key = phone_key_of(str(phone))
        if _duplicate(
            workplace=worker.workplace, union=worker.union, phone_key=key, exclude=worker.pk
        ):
            raise Conflict(_("这个手机号的劳动者已经登记在这里。"), field="phone")
        changes["phone_key"] = key
    changed = [f for f, v in changes.items() if getattr(worker, f) != v]
    if not changed:
        return worker
    for field_name in changed:
        setattr(worker, field_name, changes[field_name])
    worker.full_clean()
    stamp(worker, actor, reason or None)
    worker.save()
    if "hazards" in changed:
        _worker_schedule_refresh(worker, actor, reason or None)
    return worker


@transaction.atomic
def worker_mark_left(*, actor: AbstractBaseUser | None, worker: Worker, left_on: dt.date) -> Worker:
    """The worker leaves the exposed post on ``left_on``: their leaving check (离岗时体检)
    is due by that day, unless a periodic check in the 90 days before it counts as one
    (GBZ 188-2014 §4.6.3)."""
    worker = Worker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    require_union(actor, worker.union)
    if worker.left_on is not None:
        raise Conflict(
            _("这位劳动者已于 %(d)s 离岗。") % {"d": worker.left_on.isoformat()}, field="left_on"
        )
    if left_on > local_time.today() + dt.timedelta(days=366):
        raise WelfareError(_("离岗日期不能晚于一年以后。"), field="left_on")
    worker.left_on = left_on
    stamp(worker, actor)
    worker.save(update_fields=["left_on"])
    _worker_schedule_refresh(worker, actor)
    return worker


def health_check_validate(*, kind: str, checked_on: dt.date, result: str) -> None:
    """Refuse a check the schedule cannot use (also used by the admin's form)."""
    if kind not in HealthCheck.Kind.values:
        raise WelfareError(_("未知的体检类型：%(k)s。") % {"k": kind}, field="kind")
    if result not in HealthCheck.Result.values:
        raise WelfareError(_("未知的体检结论：%(r)s。") % {"r": result}, field="result")
    if checked_on > local_time.today():
        raise WelfareError(_("体检日期不能在将来。"), field="checked_on")
    check_past_day(checked_on, field="checked_on", error=WelfareError)


def _schedule_due(worker: Worker) -> dt.date | None:
    """The worker's next due check, from their checks and their leaving date.

    Emergency checks and rechecks do not move the periodic schedule. After leaving, only
    the leaving check is due, by the leaving day.
    """
    checks = worker.checks.exclude(kind__in=surveillance.OFF_SCHEDULE_KINDS)
    latest = checks.order_by("-checked_on", "-pk").first()
    if worker.left_on is not None:
        if checks.filter(kind=HealthCheck.Kind.LEAVING).exists():
            return None
        cover_from = worker.left_on - dt.timedelta(days=surveillance.LEAVING_CHECK_COVER_DAYS)
        if latest is not None and cover_from <= latest.checked_on <= worker.left_on:
            return None
        return worker.left_on
    if latest is None:
        return None
    return next_check_due(
        checked_on=latest.checked_on, kind=latest.kind, hazards=_hazards(worker), worker=worker
    )


def _worker_schedule_refresh(
    worker: Worker, actor: AbstractBaseUser | None, reason: str | None = None
) -> None:
    worker.next_check_due = _schedule_due(worker)
    stamp(worker, actor, reason)
    worker.save(update_fields=["next_check_due", "needs_reassignment"])


def workplace_schedules_refresh(*, actor: AbstractBaseUser | None, workplace: Workplace) -> int:
    """Recompute the next check of the workplace's current workers (after its altitude
    changed: high-altitude work brings its own rule). Returns how many changed."""
    changed = 0
    workers = Worker.objects.select_for_update().filter(workplace=workplace, left_on=None)
    for worker in workers.select_related("workplace"):
        due = _schedule_due(worker)
        if due != worker.next_check_due:
            _worker_schedule_refresh(worker, actor, _("作业场所海拔或接触水平变更"))
            changed += 1
    return changed


def _follow_up_sync(check: HealthCheck, actor: AbstractBaseUser | None, reason: str | None):
    """The check's follow-up matches its result: created, moved, or removed."""
    wanted = surveillance.follow_up_for(result=check.result, checked_on=check.checked_on)
    current = HealthFollowUp.objects.filter(health_check=check).first()
    if wanted is None:
        if current is not None and current.done_on is None:
            stamp(current, actor, reason)
            current.delete()
        return
    follow_reason, due_on = wanted
    if current is None:
        current = HealthFollowUp(worker=check.worker, health_check=check)
    elif current.reason == follow_reason and current.due_on == due_on:
        return
    current.reason, current.due_on = follow_reason, due_on
    current.full_clean()
    stamp(current, actor, reason)
    current.save()


def _follow_ups_close(check: HealthCheck, actor: AbstractBaseUser | None) -> None:
    """A later check answers the open follow-ups of earlier checks."""
    open_ones = HealthFollowUp.objects.filter(
        worker=check.worker,
        done_on__isnull=True,
        health_check__checked_on__lte=check.checked_on,
    ).exclude(health_check=check)
    for follow_up in open_ones:
        follow_up.done_on, follow_up.done_by = check.checked_on, check
        stamp(follow_up, actor)
        follow_up.save(update_fields=["done_on", "done_by"])


@transaction.atomic
def health_check_record(
    *,
    actor: AbstractBaseUser | None,
    worker: Worker,
    kind: str,
    checked_on: dt.date,
    result: str,
    notes: str = "",
) -> HealthCheck:
    """Record a check: the worker's next due date, a follow-up when the result asks for
    one (复查, 疑似职业病), earlier follow-ups answered, a contraindication flagged."""
    worker = Worker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    require_union(actor, worker.union)
    health_check_validate(kind=kind, checked_on=checked_on, result=result)
    check = HealthCheck(
        worker=worker, kind=kind, checked_on=checked_on, result=result, notes=notes,
        next_due=next_check_due(checked_on=checked_on, kind=kind, hazards=_hazards(worker),
                                worker=worker),
        recorded_by=actor,
    )  # fmt: skip
    check.full_clean()
    stamp(check, actor)
    check.save()
    _follow_ups_close(check, actor)
    _follow_up_sync(check, actor, None)
    if result == HealthCheck.Result.CONTRAINDICATION:
        worker.needs_reassignment = True
    _worker_schedule_refresh(worker, actor)
    return check


@transaction.atomic
def health_check_correct(
    *,
    actor: AbstractBaseUser | None,
    check: HealthCheck,
    reason: str,
    kind: str | Keep = KEEP,
    checked_on: dt.date | Keep = KEEP,
    result: str | Keep = KEEP,
    notes: str | Keep = KEEP,
) -> HealthCheck:
    """Correct a recorded check in place: its due date, its follow-up and the worker's
    schedule.

    The row keeps its id; its history keeps the old values, with the actor and ``reason``
    on the new history row. A check is not moved to another worker. A contraindication
    corrected away clears the worker's reassignment flag unless another check has one.
    """
    reason = correction_reason(reason)
    check = HealthCheck.objects.select_for_update().get(pk=check.pk)
    worker = Worker.objects.select_for_update().select_related("union").get(pk=check.worker_id)
    require_union(actor, worker.union)
    was_contraindication = check.result == HealthCheck.Result.CONTRAINDICATION
    changed = False
    for name, value in (("kind", kind), ("checked_on", checked_on), ("result", result),
                        ("notes", notes)):  # fmt: skip
        if value is not KEEP and value != getattr(check, name):
            setattr(check, name, value)
            changed = True
    if not changed:
        return check
    health_check_validate(kind=check.kind, checked_on=check.checked_on, result=check.result)
    check.next_due = next_check_due(
        checked_on=check.checked_on, kind=check.kind, hazards=_hazards(worker), worker=worker
    )
    check.full_clean()
    stamp(check, actor, reason)
    check.save()
    _follow_up_sync(check, actor, reason)
    if check.result == HealthCheck.Result.CONTRAINDICATION:
        worker.needs_reassignment = True
    elif was_contraindication:
        worker.needs_reassignment = worker.checks.filter(
            result=HealthCheck.Result.CONTRAINDICATION
        ).exists()
    _worker_schedule_refresh(worker, actor, reason)
    return check
