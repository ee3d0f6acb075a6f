"""Inspections of stations against the "六有" standard."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core import time as local_time
from stations.exceptions import StationsError
from stations.models import Inspection, Station
from stations.services._common import require_union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def inspection_record(
    *,
    actor: AbstractBaseUser,
    station: Station,
    inspected_on: dt.date,
    checks: dict[str, tuple[bool, str]],
    stars: int,
    notes: str = "",
) -> Inspection:
    """Record a "六有" inspection: each check passed or not with a note, and 1–5 stars."""
    station = Station.objects.select_related("union").get(pk=station.pk)
    require_union(actor, station.union)
    codes = [code for code, _label in Inspection.CHECKS]
    missing = [code for code in codes if code not in checks]
    if missing:
        raise StationsError(
            _("缺少检查项：%(items)s。") % {"items": ", ".join(missing)}, field="checks"
        )
    if inspected_on > local_time.today():
        raise StationsError(_("检查日期不能在将来。"), field="inspected_on")
    inspection = Inspection(
        station=station, inspected_on=inspected_on, inspector=actor, stars=stars, notes=notes
    )
    for code in codes:
        passed, note = checks[code]
        setattr(inspection, f"{code}_ok", bool(passed))
        setattr(inspection, f"{code}_note", (note or "")[:300])
    inspection.full_clean()
    inspection._history_user = actor
    inspection.save()
    return inspection


@transaction.atomic
def inspection_delete(*, actor: AbstractBaseUser, inspection: Inspection) -> None:
    """Remove an inspection recorded by mistake (the history keeps it)."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("station__union")
        .get(pk=inspection.pk)
    )
    require_union(actor, inspection.station.union)
    inspection._history_user = actor
    inspection.delete()
