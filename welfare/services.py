"""Every write of the welfare app: workplaces, measurements, health surveillance, hazard
reports and weather alerts. Permission is checked here through ``core.scoping``; each
write of a model with history names its actor (``history_user``) and, for corrections,
the reason (``history_change_reason``)."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.categories import WorkerCategory
from core.errors import Conflict, NotFound, PermissionDenied
from core.identity import worker_key
from core.photos import photo_without_metadata
from core.scoping import scope_for
from core.spatial import is_postgis
from stations.models import Region, Union
from welfare.exceptions import WelfareError
from welfare.models import (
    Forecast,
    Hazard,
    HazardReport,
    HazardReportStep,
    HealthCheck,
    Measurement,
    WeatherAlert,
    Worker,
    Workplace,
    WorkplaceHazard,
)
from welfare.weather import DayForecast, evaluate

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _require_union(actor: AbstractBaseUser | None, union: Union) -> None:
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


def _stamp(instance: Any, actor: AbstractBaseUser | None, reason: str | None = None) -> None:
    """Name who made the change (and why) in the history row the next save writes.

    Without an actor (commands, loaders) simple-history falls back to the request's user.
    """
    if actor is not None:
        instance._history_user = actor
    instance._change_reason = reason


class Keep(enum.Enum):
    """A correction leaves a field it is not given as it was (``None`` may be a value)."""

    KEEP = "keep"


KEEP = Keep.KEEP
REASON_MAX_LENGTH = 100  # simple-history's history_change_reason column


def _correction_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WelfareError(_("请说明更正的原因。"), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise WelfareError(_("更正原因最多 %(n)d 字。") % {"n": REASON_MAX_LENGTH}, field="reason")
    return reason


# Workplaces -------------------------------------------------------------------------------


@transaction.atomic
def workplace_save(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    hazards: Mapping[str, int] | None = None,
) -> Workplace:
    """Create or update a workplace and, when ``hazards`` is given, replace its hazards.

    ``hazards`` maps hazard type → exposed headcount; a type left out is removed. The
    workplace row and its hazard rows are written in this one transaction, each with a
    history row naming the actor.
    """
    if workplace.pk:
        previous = Workplace.objects.select_related("union").get(pk=workplace.pk)
        _require_union(actor, previous.union)
    if workplace.union_id is None:
        raise WelfareError(_("请选择监督工会。"), field="union")
    _require_union(actor, Union.objects.get(pk=workplace.union_id))
    if hazards is not None:
        unknown = set(hazards) - set(Hazard.values)
        if unknown:
            raise WelfareError(
                _("未知的危害类型：%(h)s。") % {"h": ", ".join(sorted(unknown))}, field="hazards"
            )
    workplace.credit_code = (workplace.credit_code or "").strip().upper()
    workplace.full_clean()
    _stamp(workplace, actor)
    workplace.save()
    if hazards is not None:
        _workplace_hazards_replace(actor=actor, workplace=workplace, hazards=hazards)
    return workplace


def _workplace_hazards_replace(
    *, actor: AbstractBaseUser | None, workplace: Workplace, hazards: Mapping[str, int]
) -> None:
    """Write only what changed, so each hazard's history shows real changes."""
    existing = {h.hazard: h for h in WorkplaceHazard.objects.filter(workplace=workplace)}
    for hazard, row in existing.items():
        if hazard not in hazards:
            _stamp(row, actor)
            row.delete()
    for hazard, count in hazards.items():
        exposed = max(0, int(count))
        row = existing.get(hazard) or WorkplaceHazard(workplace=workplace, hazard=hazard)
        if row.pk and row.exposed == exposed:
            continue
        row.exposed = exposed
        _stamp(row, actor)
        row.save()


@transaction.atomic
def workplace_delete(*, actor: AbstractBaseUser | None, workplace: Workplace) -> None:
    """Remove a workplace with its hazards and measurements; its workers stay registered."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    _require_union(actor, workplace.union)
    _stamp(workplace, actor)
    workplace.delete()


def wbgt_limit(*, intensity: str, exposure_percent: int) -> Decimal:
    """The WBGT limit for the work's intensity and exposure (settings.WBGT_LIMITS).

    The table is keyed by exposure-time percentage (100, 75, 50, 25); a percentage between
    rows takes the stricter (higher-exposure) row.
    """
    table: dict[int, dict[str, float]] = settings.WBGT_LIMITS
    rows = sorted(table, reverse=True)
    row = next((r for r in reversed(rows) if exposure_percent <= r), rows[0])
    return Decimal(str(table[row][intensity]))


def measurement_validate(*, intensity: str, exposure_percent: int) -> None:
    """Refuse values the limit table cannot judge (also used by the admin's form)."""
    if intensity not in Measurement.Intensity.values:
        raise WelfareError(_("未知的劳动强度：%(v)s。") % {"v": intensity}, field="intensity")
    if not 1 <= exposure_percent <= 100:
        raise WelfareError(_("接触时间率必须在 1 到 100 之间。"), field="exposure_percent")


def _classify(measurement: Measurement) -> None:
    """Set the limit and the verdict from the measured values."""
    measurement.limit = wbgt_limit(
        intensity=measurement.intensity, exposure_percent=measurement.exposure_percent
    )
    if measurement.wbgt is not None and measurement.wbgt > measurement.limit:
        measurement.verdict = Measurement.Verdict.HEAT_OVER
    elif measurement.air_temperature <= Decimal(str(settings.COLD_WORK_MAX_MEAN)):
        measurement.verdict = Measurement.Verdict.COLD
    else:
        measurement.verdict = Measurement.Verdict.OK


@transaction.atomic
def measurement_record(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    measured_on: dt.date,
    air_temperature: Decimal,
    intensity: str,
    wbgt: Decimal | None = None,
    exposure_percent: int = 100,
    point: Point | None = None,
) -> Measurement:
    """Record a measurement and classify it against the configured limits."""
    _require_union(actor, workplace.union)
    measurement_validate(intensity=intensity, exposure_percent=exposure_percent)
    measurement = Measurement(
        workplace=workplace, measured_on=measured_on, air_temperature=Decimal(air_temperature),
        wbgt=Decimal(wbgt) if wbgt is not None else None, intensity=intensity,
        exposure_percent=exposure_percent, point=point,
    )  # fmt: skip
    _classify(measurement)
    measurement.full_clean()
    _stamp(measurement, actor)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_correct(
    *,
    actor: AbstractBaseUser | None,
    measurement: Measurement,
    reason: str,
    measured_on: dt.date | Keep = KEEP,
    air_temperature: Decimal | Keep = KEEP,
    intensity: str | Keep = KEEP,
    wbgt: Decimal | Keep | None = KEEP,
    exposure_percent: int | Keep = KEEP,
    point: Point | Keep | None = KEEP,
) -> Measurement:
    """Correct a recorded measurement in place and judge it again.

    The row keeps its id; its history keeps the old values, with the actor and ``reason``
    on the new history row. The workplace of a measurement is not corrected: a reading
    taken elsewhere is recorded there and this one corrected or removed.
    """
    reason = _correction_reason(reason)
    current = Measurement.objects.select_for_update().select_related("workplace__union")
    measurement = current.get(pk=measurement.pk)
    _require_union(actor, measurement.workplace.union)
    changes: dict[str, Any] = {
        "measured_on": measured_on,
        "air_temperature": air_temperature if isinstance(air_temperature, Keep)
        else Decimal(air_temperature),
        "intensity": intensity,
        "wbgt": wbgt if wbgt is None or isinstance(wbgt, Keep) else Decimal(wbgt),
        "exposure_percent": exposure_percent,
        "point": point,
    }  # fmt: skip
    changed = False
    for name, value in changes.items():
        if value is not KEEP and value != getattr(measurement, name):
            setattr(measurement, name, value)
            changed = True
    if not changed:
        return measurement
    measurement_validate(
        intensity=measurement.intensity, exposure_percent=measurement.exposure_percent
    )
    _classify(measurement)
    measurement.full_clean()
    _stamp(measurement, actor, reason)
    measurement.save()
    return measurement


# Health surveillance ----------------------------------------------------------------------


def next_check_due(*, checked_on: dt.date, kind: str, hazards: Sequence[str]) -> dt.date | None:
    """When the next periodic check is due (settings: HEALTH_CHECK_*).

    Periodic checks every ``HEALTH_CHECK_INTERVAL_MONTHS``; workers exposed to high
    temperature are due before the hot season (``HOT_SEASON_START``, MM-DD): the first
    season start more than 90 days after the check, if that is sooner. No check is due
    after the leaving check.
    """
    if kind == HealthCheck.Kind.LEAVING:
        return None
    months = settings.HEALTH_CHECK_INTERVAL_MONTHS
    year, month = divmod(checked_on.month - 1 + months, 12)
    last_day = [31, 29 if (checked_on.year + year) % 4 == 0 else 28, 31, 30, 31, 30, 31, 31,
                30, 31, 30, 31][month]  # fmt: skip
    due = dt.date(checked_on.year + year, month + 1, min(checked_on.day, last_day))
    if "high_temperature" in hazards:
        m, d = (int(x) for x in settings.HOT_SEASON_START.split("-"))
        season = dt.date(checked_on.year, m, d)
        while season <= checked_on + dt.timedelta(days=90):
            season = dt.date(season.year + 1, m, d)
        due = min(due, season)
    return due


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
) -> Worker:
    """Register a worker for surveillance; only with their recorded consent."""
    _require_union(actor, union)
    if not consent:
        raise WelfareError(_("登记需要劳动者本人同意。"), field="consent")
    if category not in WorkerCategory.values:
        raise WelfareError(_("未知的劳动者类别：%(c)s。") % {"c": category}, field="category")
    if workplace is not None:
        _require_union(actor, workplace.union)
    worker = Worker(
        name=name.strip(), category=category, union=union, workplace=workplace,
        phone_key=worker_key(phone) if phone else "", hazards=list(hazards),
        consent_at=timezone.now(),
    )  # fmt: skip
    worker.full_clean()
    _stamp(worker, actor)
    worker.save()
    return worker


def health_check_validate(*, kind: str, checked_on: dt.date, result: str) -> None:
    """Refuse a check the schedule cannot use (also used by the admin's form)."""
    if kind not in HealthCheck.Kind.values:
        raise WelfareError(_("未知的体检类型：%(k)s。") % {"k": kind}, field="kind")
    if result not in HealthCheck.Result.values:
        raise WelfareError(_("未知的体检结论：%(r)s。") % {"r": result}, field="result")
    if checked_on > local_time.today():
        raise WelfareError(_("体检日期不能在将来。"), field="checked_on")


def _worker_schedule_refresh(
    worker: Worker, actor: AbstractBaseUser | None, reason: str | None = None
) -> None:
    """The worker's next check is the one due after their latest check."""
    latest = worker.checks.order_by("-checked_on", "-pk").first()
    worker.next_check_due = latest.next_due if latest is not None else None
    _stamp(worker, actor, reason)
    worker.save(update_fields=["next_check_due", "needs_reassignment"])


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
    """Record a check; set the worker's next due date; flag a contraindication."""
    worker = Worker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    _require_union(actor, worker.union)
    health_check_validate(kind=kind, checked_on=checked_on, result=result)
    check = HealthCheck(
        worker=worker, kind=kind, checked_on=checked_on, result=result, notes=notes,
        next_due=next_check_due(checked_on=checked_on, kind=kind, hazards=worker.hazards),
        recorded_by=actor,
    )  # fmt: skip
    _stamp(check, actor)
    check.save()
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
    """Correct a recorded check in place: its due date and the worker's follow up.

    The row keeps its id; its history keeps the old values, with the actor and ``reason``
    on the new history row. A check is not moved to another worker. A contraindication
    corrected away clears the worker's reassignment flag unless another check has one.
    """
    reason = _correction_reason(reason)
    check = HealthCheck.objects.select_for_update().get(pk=check.pk)
    worker = Worker.objects.select_for_update().select_related("union").get(pk=check.worker_id)
    _require_union(actor, worker.union)
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
        checked_on=check.checked_on, kind=check.kind, hazards=worker.hazards
    )
    check.full_clean()
    _stamp(check, actor, reason)
    check.save()
    if check.result == HealthCheck.Result.CONTRAINDICATION:
        worker.needs_reassignment = True
    elif was_contraindication:
        worker.needs_reassignment = worker.checks.filter(
            result=HealthCheck.Result.CONTRAINDICATION
        ).exists()
    _worker_schedule_refresh(worker, actor, reason)
    return check


# Hazard reports ---------------------------------------------------------------------------

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

HAZARD_TRANSITIONS = {
    HazardReport.Status.RECEIVED: HazardReport.Status.VERIFIED,
    HazardReport.Status.VERIFIED: HazardReport.Status.PASSED_ON,
    HazardReport.Status.PASSED_ON: HazardReport.Status.RECTIFIED,
    HazardReport.Status.RECTIFIED: HazardReport.Status.CLOSED,
}


def _responsible_union(point: Point | None) -> tuple[Region | None, Union]:
    """The county (else prefecture, else province) union nearest the reported place."""
    region = None
    if point is not None:
        counties = Region.objects.filter(level=Region.Level.COUNTY, reference_point__isnull=False)
        # A few thousand counties at most: KNN on PostGIS, a plain distance sort elsewhere.
        nearest = GeometryDistance if is_postgis() else Distance
        region = counties.annotate(d=nearest("reference_point", point)).order_by("d").first()
    candidates = []
    walk = region
    while walk is not None:
        candidates.append(walk)
        walk = walk.parent
    for candidate in candidates:
        union = (
            Union.objects.filter(region=candidate)
            .exclude(kind="grassroots")
            .order_by("depth")
            .first()
        )
        if union is not None:
            return region, union
    union = Union.objects.filter(parent__isnull=True).order_by("path").first()
    if union is None:
        raise WelfareError(_("系统里还没有工会，暂时无法受理。"), field="location")
    return region, union


@transaction.atomic
def hazard_report_submit(
    *,
    category: str,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    contact: str = "",
    photo: Any = None,
) -> HazardReport:
    """A worker reports a hazard (no login). Answers a tracking code for status look-ups."""
    if category not in HazardReport.Category.values:
        raise WelfareError(
            _("未知的隐患类别：%(c)s。") % {"c": str(category)[:30]}, field="category"
        )
    description = (description or "").strip()
    if not description:
        raise WelfareError(_("请描述隐患。"), field="description")
    if len(description) > 2000:
        raise WelfareError(_("描述最多 2000 字。"), field="description")
    point = None
    if lat is not None or lng is not None:
        try:
            lat_f, lng_f = float(lat), float(lng)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise WelfareError(_("lat 和 lng 必须都是数字。"), field="lat") from None
        if not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
            raise WelfareError(_("经纬度超出范围。"), field="lat")
        point = Point(lng_f, lat_f, srid=4326)
    if point is None and not address.strip():
        raise WelfareError(_("请在地图上选择位置或填写地址。"), field="address")
    region, union = _responsible_union(point)
    report = HazardReport(
        tracking_code="".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10)),
        location=point, address=address.strip()[:300], region=region, union=union,
        category=category, description=description, contact=(contact or "").strip()[:100],
    )  # fmt: skip
    if photo:
        report.photo = photo_without_metadata(photo)
    report.full_clean()
    report.save()
    HazardReportStep.objects.create(report=report, status=report.status)
    return report


@transaction.atomic
def hazard_report_advance(
    *,
    actor: AbstractBaseUser,
    report: HazardReport,
    status: str,
    note: str = "",
    grade: str = "",
) -> HazardReport:
    """Move a report one step: received → verified (graded) → passed on → rectified → closed.

    The organizer who verifies a report becomes its handler; only they move it on and
    only they see the reporter's contact. Closing records the reward decision by grade.
    """
    report = HazardReport.objects.select_for_update().select_related("union").get(pk=report.pk)
    _require_union(actor, report.union)
    if report.handler_id and report.handler_id != actor.pk:
        raise PermissionDenied(_("这条举报由其他组织者处理。"))
    expected = HAZARD_TRANSITIONS.get(report.status)
    if status != expected:
        raise Conflict(
            _("“%(old)s”之后只能是“%(new)s”。")
            % {"old": report.get_status_display(),
               "new": HazardReport.Status(expected).label if expected else "—"},
            field="status",
        )  # fmt: skip
    if status == HazardReport.Status.VERIFIED:
        if grade not in HazardReport.Grade.values:
            raise WelfareError(_("核实时请定级：一般隐患或重大隐患。"), field="grade")
        report.grade = grade
        report.handler = actor
    if status == HazardReport.Status.CLOSED:
        report.reward = settings.HAZARD_REWARDS.get(report.grade, "")
    report.status = status
    _stamp(report, actor)
    report.save()
    HazardReportStep.objects.create(report=report, status=status, actor=actor, note=note[:500])
    return report


def hazard_report_contact(*, actor: AbstractBaseUser, report: HazardReport) -> str:
    """The reporter's contact, for the handling organizer only."""
    report = HazardReport.objects.get(pk=report.pk)  # never trust a stale copy's handler
    if report.handler_id is None or report.handler_id != actor.pk:
        raise PermissionDenied(_("只有处理这条举报的组织者能看到举报人的联系方式。"))
    return report.contact


def hazard_report_status(*, tracking_code: str) -> dict[str, Any]:
    """What a reporter may see with their code: the status and its dates, nothing more."""
    report = HazardReport.objects.filter(
        tracking_code=str(tracking_code).strip().upper()[:16]
    ).first()
    if report is None:
        raise NotFound(_("没有这个查询码。"), field="tracking_code")
    return {
        "tracking_code": report.tracking_code,
        "status": report.status,
        "status_label": report.get_status_display(),
        "steps": [
            {"status": s.status, "at": s.at.isoformat()} for s in report.steps.order_by("at", "pk")
        ],
    }


# Weather ----------------------------------------------------------------------------------


@transaction.atomic
def weather_apply(
    *, region: Region, days: Sequence[DayForecast], fetched_at: dt.datetime
) -> list[WeatherAlert]:
    """Store a good forecast for ``region`` and rebuild its alerts for those days."""
    province = region
    while province.parent_id:
        province = province.parent
    alerts = []
    for day in days:
        Forecast.objects.update_or_create(
            region=region,
            day=day.day,
            defaults={
                "t_max": day.t_max,
                "t_min": day.t_min,
                "fetched_at": fetched_at,
                "stale": False,
            },
        )
        WeatherAlert.objects.filter(region=region, day=day.day).delete()
        for rule in evaluate(t_max=day.t_max, t_min=day.t_min, province=province.code):
            alerts.append(
                WeatherAlert.objects.create(
                    region=region,
                    day=day.day,
                    kind=rule.kind,
                    level=rule.level,
                    temperature=rule.temperature,
                    advice=rule.advice,
                    advice_en=rule.advice_en,
                )
            )
    return alerts


@transaction.atomic
def weather_mark_stale(*, region: Region) -> int:
    """The provider failed: keep the last good forecast and alerts, marked stale."""
    since = local_time.today()
    Forecast.objects.filter(region=region, day__gte=since).update(stale=True)
    return WeatherAlert.objects.filter(region=region, day__gte=since).update(stale=True)
