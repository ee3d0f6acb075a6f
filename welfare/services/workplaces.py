"""Workplaces, their hazards and the measurements taken there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Avg, Max
from django.utils.translation import gettext as _

from stations.models import Union
from welfare import cold, rules_tables
from welfare.exceptions import WelfareError
from welfare.models import Hazard, Measurement, Workplace, WorkplaceHazard
from welfare.services._common import KEEP, Keep, correction_reason, require_union, stamp
from welfare.services.health import workplace_schedules_refresh
from welfare.validators import credit_code_normalize

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def workplace_save(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    hazards: Mapping[str, Any] | None = None,
) -> Workplace:
    """Create or update a workplace and, when ``hazards`` is given, replace its hazards.

    ``hazards`` maps hazard type → exposed headcount, or → a mapping with ``exposed`` and
    the exposure level (``noise_dba``, ``dust_grade``); a type left out is removed. The
    workplace row and its hazard rows are written in this one transaction, each with a
    history row naming the actor.
    """
    if workplace.pk:
        previous = Workplace.objects.select_related("union").get(pk=workplace.pk)
        require_union(actor, previous.union)
    if workplace.union_id is None:
        raise WelfareError(_("请选择监督工会。"), field="union")
    require_union(actor, Union.objects.get(pk=workplace.union_id))
    if hazards is not None:
        unknown = set(hazards) - set(Hazard.values)
        if unknown:
            raise WelfareError(
                _("未知的危害类型：%(h)s。") % {"h": ", ".join(sorted(unknown))}, field="hazards"
            )
    workplace.credit_code = credit_code_normalize(workplace.credit_code)
    was_high = previous.is_high_altitude if workplace.pk else False
    workplace.full_clean()
    stamp(workplace, actor)
    workplace.save()
    if workplace.is_high_altitude != was_high:
        workplace_schedules_refresh(actor=actor, workplace=workplace)
    if hazards is not None:
        _workplace_hazards_replace(actor=actor, workplace=workplace, hazards=hazards)
    return workplace


#: Exposed headcount of one hazard at one workplace: a hard upper bound on a typed count.
MAX_EXPOSED = 1_000_000


def _hazard_values(value: Any) -> dict[str, Any]:
    """A hazard's row values from a headcount or a mapping with ``exposed`` and the
    exposure level (``noise_dba``, ``dust_grade``)."""
    if isinstance(value, Mapping):
        noise, grade = value.get("noise_dba"), value.get("dust_grade")
        return {
            "exposed": int(value.get("exposed") or 0),
            "noise_dba": None if noise in (None, "") else Decimal(str(noise)),
            "dust_grade": None if grade in (None, "") else int(grade),
        }
    return {"exposed": int(value)}


def _workplace_hazards_replace(
    *, actor: AbstractBaseUser | None, workplace: Workplace, hazards: Mapping[str, Any]
) -> None:
    """Write only what changed, so each hazard's history shows real changes. A change of
    an exposure level moves the schedule of the workplace's workers (GBZ 188 periods)."""
    existing = {h.hazard: h for h in WorkplaceHazard.objects.filter(workplace=workplace)}
    levels_changed = False
    for hazard, row in existing.items():
        if hazard not in hazards:
            stamp(row, actor)
            row.delete()
            levels_changed = True
    for hazard, raw in hazards.items():
        values = _hazard_values(raw)
        if not 0 <= values["exposed"] <= MAX_EXPOSED:
            raise WelfareError(
                _("接触人数应在 0 到 %(max)d 之间。") % {"max": MAX_EXPOSED}, field="hazards"
            )
        row = existing.get(hazard) or WorkplaceHazard(workplace=workplace, hazard=hazard)
        if row.pk and all(getattr(row, k) == v for k, v in values.items()):
            continue
        levels_changed = levels_changed or any(
            getattr(row, k) != v for k, v in values.items() if k != "exposed"
        )
        for name, value in values.items():
            setattr(row, name, value)
        if row.noise_dba is not None and hazard != Hazard.NOISE:
            raise WelfareError(_("只有噪声危害填写声级。"), field="noise_dba")
        if row.dust_grade is not None and hazard != Hazard.DUST:
            raise WelfareError(_("只有粉尘危害填写粉尘作业分级。"), field="dust_grade")
        row.full_clean(exclude=["workplace"])
        stamp(row, actor)
        row.save()
    if levels_changed:
        workplace_schedules_refresh(actor=actor, workplace=workplace)


@transaction.atomic
def workplace_delete(*, actor: AbstractBaseUser | None, workplace: Workplace) -> None:
    """Remove a workplace with its hazards and measurements; its workers stay registered."""
    workplace = Workplace.objects.select_related("union").get(pk=workplace.pk)
    require_union(actor, workplace.union)
    stamp(workplace, actor)
    workplace.delete()


def wbgt_limit(*, intensity: str, exposure_percent: int) -> Decimal:
    """The WBGT limit for the work's intensity and exposure (``welfare.rules_tables``).

    The table is keyed by exposure-time percentage (100, 75, 50, 25); a percentage between
    rows takes the stricter (higher-exposure) row.
    """
    table: dict[int, dict[str, float]] = rules_tables.table("WBGT_LIMITS")
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
    elif measurement.air_temperature <= Decimal(str(rules_tables.table("COLD_WORK_MAX_MEAN"))):
        measurement.verdict = Measurement.Verdict.COLD
    else:
        measurement.verdict = Measurement.Verdict.OK


def _site_cold_grade_refresh(workplace: Workplace, day: dt.date) -> None:
    """GB/T 14440 grades the site's mean air temperature (作业地点平均气温), not one
    reading: every measurement of ``day`` at the workplace carries the grade of that day's
    mean, at the longest cold-work time rate measured that day."""
    rows = Measurement.objects.filter(workplace=workplace, measured_on=day)
    summary = rows.aggregate(mean=Avg("air_temperature"), exposure=Max("exposure_percent"))
    if summary["mean"] is None:
        return
    mean = Decimal(summary["mean"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    grade = cold.cold_work_grade(temperature=mean, exposure_percent=summary["exposure"])
    rows.exclude(cold_grade=grade).update(cold_grade=grade)


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
    require_union(actor, workplace.union)
    measurement_validate(intensity=intensity, exposure_percent=exposure_percent)
    measurement = Measurement(
        workplace=workplace, measured_on=measured_on, air_temperature=Decimal(air_temperature),
        wbgt=Decimal(wbgt) if wbgt is not None else None, intensity=intensity,
        exposure_percent=exposure_percent, point=point,
    )  # fmt: skip
    _classify(measurement)
    measurement.full_clean()
    stamp(measurement, actor)
    measurement.save()
    _site_cold_grade_refresh(workplace, measurement.measured_on)
    measurement.refresh_from_db(fields=["cold_grade"])
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
    reason = correction_reason(reason)
    current = Measurement.objects.select_for_update().select_related("workplace__union")
    measurement = current.get(pk=measurement.pk)
    require_union(actor, measurement.workplace.union)
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
    was_on = Measurement.objects.get(pk=measurement.pk).measured_on
    measurement_validate(
        intensity=measurement.intensity, exposure_percent=measurement.exposure_percent
    )
    _classify(measurement)
    measurement.full_clean()
    stamp(measurement, actor, reason)
    measurement.save()
    for day in {was_on, measurement.measured_on}:
        _site_cold_grade_refresh(measurement.workplace, day)
    measurement.refresh_from_db(fields=["cold_grade"])
    return measurement
