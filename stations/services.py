"""Every change of state in the station network goes through a function here.

Each function takes keyword arguments, checks the actor's permission through
``stations.scoping``, validates with ``full_clean()`` and writes inside one transaction.
``actor=None`` means the system itself (management commands, data loads) and is never
passed from a request.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.categories import WorkerCategory
from core.errors import Conflict, NotFound, PermissionDenied
from core.photos import photo_without_metadata
from core.scoping import forget_scope, scope_for
from stations import hours
from stations.exceptions import StationsError
from stations.models import (
    Closure,
    FacilityReport,
    Feedback,
    Inspection,
    Membership,
    OpeningPeriod,
    Region,
    Service,
    Station,
    Union,
    Visit,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# A period to write: the same shape the hours rules read.
PeriodInput = hours.Period


@dataclass(frozen=True)
class ClosureInput:
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


def _require_union(actor: AbstractBaseUser | None, union: Union | None) -> None:
    if actor is None:
        return
    scope = scope_for(actor)
    if union is None:
        if not scope.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以创建顶级工会。"))
        return
    if not scope.covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


# Regions ---------------------------------------------------------------------------------


def region_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    level: str,
    name_en: str = "",
    parent_code: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> Region:
    """Create or update a region by its GB/T 2260 code. Only the system and superusers."""
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied(_("只有系统管理员可以修改行政区划。"))
    parent = Region.objects.get(code=parent_code) if parent_code else None
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name = name
    region.name_en = name_en
    region.level = level
    region.parent = parent
    if lat is not None and lng is not None:
        region.reference_point = Point(float(lng), float(lat), srid=4326)
    region.full_clean()
    region.save()
    return region


# Unions ----------------------------------------------------------------------------------


@transaction.atomic
def union_save(*, actor: AbstractBaseUser | None, union: Union) -> Union:
    """Create or update a union, keeping the materialized paths of its subtree right.

    The actor must cover the new parent and, for an existing union, the union itself.
    """
    old_path = ""
    if union.pk:
        current = Union.objects.select_for_update().get(pk=union.pk)
        _require_union(actor, current)
        old_path = current.path
    _require_union(actor, union.parent)
    if union.parent_id and union.pk:
        parent_path = Union.objects.get(pk=union.parent_id).path
        if old_path and parent_path.startswith(old_path):
            raise StationsError(_("不能把工会移到它自己的下级工会之下。"), field="parent")
    union.path = union.build_path()
    union.depth = union.path.count("/") - 1
    union.full_clean()
    union.save()
    if old_path and old_path != union.path:
        # Re-root the whole subtree in one statement.
        Union.objects.filter(path__startswith=old_path).exclude(pk=union.pk).update(
            path=Concat(Value(union.path), Substr("path", len(old_path) + 1))
        )
        for child in Union.objects.filter(path__startswith=union.path).exclude(pk=union.pk):
            depth = child.path.count("/") - 1
            if child.depth != depth:
                Union.objects.filter(pk=child.pk).update(depth=depth)
    return union


def union_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    kind: str,
    region_code: str,
    name_en: str = "",
    parent_code: str | None = None,
) -> Union:
    union = Union.objects.filter(code=code).first() or Union(code=code)
    union.name = name
    union.name_en = name_en
    union.kind = kind
    union.region = Region.objects.get(code=region_code)
    union.parent = Union.objects.get(code=parent_code) if parent_code else None
    return union_save(actor=actor, union=union)


# Memberships -----------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    union: Union,
    role: str,
    stations: Iterable[Station] = (),
) -> Membership:
    """Give ``user`` a role in ``union``; staff are tied to ``stations`` under it."""
    _require_union(actor, union)
    if role not in Membership.Role.values:
        raise StationsError(_("未知角色：%(role)s") % {"role": role}, field="role")
    station_list = list(stations)
    if role != Membership.Role.STATION_STAFF and station_list:
        raise StationsError(_("只有站点工作人员需要指定站点。"), field="stations")
    for station in station_list:
        if not station.union.is_under(union):
            raise StationsError(
                _("站点 %(code)s 不属于 %(union)s。") % {"code": station.code, "union": union},
                field="stations",
            )
    membership, _created = Membership.objects.get_or_create(user=user, union=union, role=role)
    if station_list:
        membership.stations.add(*station_list)
    forget_scope(user)
    return membership


# Stations --------------------------------------------------------------------------------


@transaction.atomic
def station_save(
    *,
    actor: AbstractBaseUser | None,
    station: Station,
    services: Iterable[str] | None = None,
    periods: Sequence[PeriodInput] | None = None,
    closures: Sequence[ClosureInput] | None = None,
) -> Station:
    """Create or update a station; optionally replace its services, periods and closures.

    The actor must cover the station's union, and for a station moved between unions,
    the union it came from too. ``services`` are codes; an unknown code is refused.
    """
    if station.pk:
        previous = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
        _require_union(actor, previous.union)
    if station.union_id is None:
        raise StationsError(_("请选择运营工会。"), field="union")
    _require_union(actor, Union.objects.get(pk=station.union_id))
    station.full_clean()
    station.save()

    if services is not None:
        codes = sorted(set(services))
        found = list(Service.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in found})
        if missing:
            raise StationsError(
                _("未知的服务项目代码：%(codes)s") % {"codes": ", ".join(missing)},
                field="services",
            )
        station.services.set(found)

    if periods is not None:
        new_periods = [
            OpeningPeriod(
                station=station,
                weekday=p.weekday,
                opens=p.opens,
                closes=p.closes,
                overnight=p.overnight,
                season_start=p.season_start,
                season_end=p.season_end,
            )
            for p in periods
        ]
        _validate_all(new_periods, "periods")
        station.periods.all().delete()
        OpeningPeriod.objects.bulk_create(new_periods)

    if closures is not None:
        new_closures = [
            Closure(station=station, starts_on=c.starts_on, ends_on=c.ends_on, reason=c.reason)
            for c in closures
        ]
        _validate_all(new_closures, "closures")
        station.closures.all().delete()
        Closure.objects.bulk_create(new_closures)
    station_refresh_cache(station=station)
    return station


def station_refresh_cache(*, station: Station) -> Station:
    """Rebuild the read-side copies (``schedule``, ``service_codes``) from the tables.

    Called by every write that changes a station's hours, closures or services (the
    service functions here and the admin after its inlines are saved).
    """
    schedule = hours.build_schedule(
        periods=OpeningPeriod.objects.filter(station=station),
        closures=Closure.objects.filter(station=station),
    )
    codes = list(
        Service.objects.filter(stations=station)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    Station.objects.filter(pk=station.pk).update(schedule=schedule, service_codes=codes)
    station.schedule, station.service_codes = schedule, codes
    return station


def _validate_all(objects: Sequence[Any], field: str) -> None:
    for index, obj in enumerate(objects):
        try:
            obj.full_clean(exclude=["station"])
        except ValidationError as exc:
            messages = "; ".join(
                f"{name}: {' '.join(str(m) for m in msgs)}"
                for name, msgs in exc.message_dict.items()
            )
            raise StationsError(f"{field}[{index}] {messages}", field=field) from exc


@transaction.atomic
def station_set_status(*, actor: AbstractBaseUser | None, station: Station, status: str) -> Station:
    station = Station.objects.select_for_update().select_related("union").get(pk=station.pk)
    _require_union(actor, station.union)
    if status not in Station.Status.values:
        raise StationsError(_("未知状态：%(status)s") % {"status": status}, field="status")
    station.status = status
    station.save(update_fields=["status", "updated_at"])
    return station


def station_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    union_code: str,
    region_code: str,
    lat: float,
    lng: float,
    services: Iterable[str] | None = None,
    periods: Sequence[PeriodInput] | None = None,
    closures: Sequence[ClosureInput] | None = None,
    **fields: Any,
) -> tuple[Station, bool]:
    """Create or update the station with ``code`` (imports, demo data).

    Returns ``(station, created)``.
    """
    station = Station.objects.filter(code=code).first()
    created = station is None
    if station is None:
        station = Station(code=code)
    try:
        station.union = Union.objects.get(code=union_code)
    except Union.DoesNotExist:
        raise StationsError(
            _("未知的工会编号：%(code)s") % {"code": union_code}, field="union"
        ) from None
    try:
        station.region = Region.objects.get(code=region_code)
    except Region.DoesNotExist:
        raise StationsError(
            _("未知的行政区划代码：%(code)s") % {"code": region_code}, field="region"
        ) from None
    station.location = Point(float(lng), float(lat), srid=4326)
    allowed = {f.name for f in Station._meta.concrete_fields}
    for name, value in fields.items():
        if name not in allowed:
            raise StationsError(_("未知字段：%(name)s") % {"name": name}, field=name)
        setattr(station, name, value)
    station = station_save(
        actor=actor, station=station, services=services, periods=periods, closures=closures
    )
    return station, created


# Visits ----------------------------------------------------------------------------------

#: A phone's clock may run a little fast; visits further in the future are refused.
VISIT_CLOCK_SKEW = dt.timedelta(minutes=5)
VISIT_MAX_AGE = dt.timedelta(days=7)
VISIT_BATCH_LIMIT = 500
VISIT_UNDO_WINDOW = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class VisitInput:
    uuid: str
    station: str  # station code
    occurred_at: str  # ISO 8601 with offset
    category: str
    services: Sequence[str] = ()


@dataclass(frozen=True)
class VisitOutcome:
    uuid: str
    status: str  # created | duplicate | rejected
    reason: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"uuid": self.uuid, "status": self.status, "reason": self.reason}


def _visit_problem(
    item: VisitInput,
    *,
    stations: dict[str, Station],
    scope: Any,
    now: dt.datetime,
) -> tuple[str | None, dict[str, Any]]:
    """Why ``item`` cannot be stored (a message), or None and its clean values."""
    try:
        parsed_uuid = uuid_module.UUID(str(item.uuid))
    except (ValueError, AttributeError, TypeError):
        return _("uuid 不是有效的 UUID。"), {}
    station = stations.get(str(item.station))
    if station is None:
        return _("没有编号为 %(code)s 的站点。") % {"code": str(item.station)[:40]}, {}
    if not scope.may_staff_station(station):
        return _("您不负责站点 %(code)s，不能为它记录到访。") % {"code": station.code}, {}
    if station.status != Station.Status.ACTIVE:
        return _("站点 %(code)s 目前未运行。") % {"code": station.code}, {}
    try:
        occurred = dt.datetime.fromisoformat(str(item.occurred_at))
    except ValueError:
        return _("occurred_at 不是 ISO 8601 时间（例如 2027-07-14T10:30:00+08:00）。"), {}
    if occurred.tzinfo is None:
        return _("occurred_at 必须带时区，例如 +08:00。"), {}
    if occurred > now + VISIT_CLOCK_SKEW:
        return _("到访时间在将来；请检查手机时间。"), {}
    if occurred < now - VISIT_MAX_AGE:
        return _("到访时间早于 7 天前，不能再补录。"), {}
    if item.category not in WorkerCategory.values:
        return _("未知的劳动者类别：%(category)s。") % {"category": str(item.category)[:30]}, {}
    if not isinstance(item.services, list | tuple):
        return _("services 必须是服务项目代码的列表。"), {}
    codes = [str(code) for code in item.services]
    offered = set(station.service_codes)
    missing = [code for code in codes if code not in offered]
    if missing:
        return (
            _("站点 %(code)s 不提供这些服务：%(services)s。")
            % {"code": station.code, "services": ", ".join(missing[:5])},
            {},
        )
    return None, {
        "uuid": parsed_uuid,
        "station": station,
        "occurred_at": occurred,
        "category": item.category,
        "services": list(dict.fromkeys(codes)),
    }


def visit_record_batch(
    *, actor: AbstractBaseUser, visits: Sequence[VisitInput], now: dt.datetime | None = None
) -> list[VisitOutcome]:
    """Store a batch of visits; answer per item, in order.

    Items already stored (same uuid) are ``duplicate``; items that break a rule are
    ``rejected`` with the reason; the others are stored even when some are rejected.
    Sending the same batch again stores nothing new. The actor must be staff of, or an
    organizer above, at least one station — anyone else is refused outright.
    """
    scope = scope_for(actor)
    if scope.is_empty:
        raise PermissionDenied(_("只有站点工作人员和组织者可以记录到访。"))
    if len(visits) > VISIT_BATCH_LIMIT:
        raise StationsError(
            _("一次最多上传 %(n)d 条到访记录。") % {"n": VISIT_BATCH_LIMIT}, field="visits"
        )
    now = now or timezone.now()
    codes = {str(v.station) for v in visits}
    stations = {s.code: s for s in Station.objects.filter(code__in=codes).select_related("union")}
    outcomes: list[VisitOutcome | None] = []
    clean: list[dict[str, Any]] = []
    seen: set[uuid_module.UUID] = set()
    for item in visits:
        problem, values = _visit_problem(item, stations=stations, scope=scope, now=now)
        if problem is not None:
            outcomes.append(VisitOutcome(str(item.uuid), "rejected", problem))
        elif values["uuid"] in seen:
            outcomes.append(VisitOutcome(str(item.uuid), "duplicate"))
        else:
            seen.add(values["uuid"])
            outcomes.append(None)
            clean.append(values)

    batch = uuid_module.uuid4()
    with transaction.atomic():
        Visit.objects.bulk_create(
            [Visit(batch=batch, recorded_by=actor, **values) for values in clean],
            ignore_conflicts=True,  # a concurrent or earlier upload stored it: a duplicate
        )
    mine = set(Visit.objects.filter(batch=batch).values_list("uuid", flat=True))
    clean_iter = iter(clean)
    answer = []
    for _item, outcome in zip(visits, outcomes, strict=True):
        if outcome is not None:
            answer.append(outcome)
            continue
        values = next(clean_iter)
        status = "created" if values["uuid"] in mine else "duplicate"
        answer.append(VisitOutcome(str(values["uuid"]), status))
    return answer


@transaction.atomic
def visit_undo(*, actor: AbstractBaseUser, uuid: str, now: dt.datetime | None = None) -> None:
    """Take back a visit tapped by mistake: only its recorder, only shortly after."""
    now = now or timezone.now()
    try:
        visit = Visit.objects.select_for_update().get(uuid=uuid)
    except (Visit.DoesNotExist, ValidationError, ValueError):
        raise NotFound(_("没有这条到访记录。"), field="uuid") from None
    if visit.recorded_by_id != actor.pk:
        raise PermissionDenied(_("只能撤销自己记录的到访。"))
    if visit.received_at < now - VISIT_UNDO_WINDOW:
        raise Conflict(_("记录超过 30 分钟，不能再撤销。"), field="uuid")
    visit.delete()


# Feedback and facility reports (public) ---------------------------------------------------


def _public_station(code: str) -> Station:
    station = Station.objects.filter(code=str(code)[:40], status=Station.Status.ACTIVE).first()
    if station is None:
        raise NotFound(
            _("没有编号为 %(code)s 的运行中站点。") % {"code": str(code)[:40]}, field="station"
        )
    return station


@transaction.atomic
def feedback_submit(*, station_code: str, rating: Any, comment: str = "") -> Feedback:
    """A worker rates a station (1–5) and may leave a comment, shown after approval."""
    station = _public_station(station_code)
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        raise StationsError(_("评分必须是 1 到 5 的整数。"), field="rating") from None
    if not 1 <= stars <= 5:
        raise StationsError(_("评分必须是 1 到 5 的整数。"), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise StationsError(_("留言最多 500 字。"), field="comment")
    feedback = Feedback(station=station, rating=stars, comment=comment)
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def report_submit(
    *, station_code: str, kind: str, description: str = "", photo: Any = None
) -> FacilityReport:
    """A worker reports a problem at a station, optionally with a photo."""
    station = _public_station(station_code)
    if kind not in FacilityReport.Kind.values:
        raise StationsError(
            _("未知的问题类型：%(kind)s。") % {"kind": str(kind)[:30]}, field="kind"
        )
    description = (description or "").strip()
    if len(description) > 1000:
        raise StationsError(_("说明最多 1000 字。"), field="description")
    report = FacilityReport(station=station, kind=kind, description=description)
    if photo:
        report.photo = photo_without_metadata(photo)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def feedback_moderate(*, actor: AbstractBaseUser, feedback: Feedback, status: str) -> Feedback:
    """Approve or hide a worker's feedback (organizers above the station)."""
    feedback = (
        Feedback.objects.select_for_update().select_related("station__union").get(pk=feedback.pk)
    )
    _require_union(actor, feedback.station.union)
    if status not in (Feedback.Status.APPROVED, Feedback.Status.HIDDEN):
        raise StationsError(_("审核结果只能是通过或隐藏。"), field="status")
    feedback.status = status
    feedback.moderated_by = actor
    feedback.moderated_at = timezone.now()
    feedback.save(update_fields=["status", "moderated_by", "moderated_at"])
    return feedback


REPORT_TRANSITIONS = {
    FacilityReport.Status.OPEN: {FacilityReport.Status.IN_PROGRESS, FacilityReport.Status.FIXED,
                                 FacilityReport.Status.DISMISSED},
    FacilityReport.Status.IN_PROGRESS: {FacilityReport.Status.FIXED,
                                        FacilityReport.Status.DISMISSED},
    FacilityReport.Status.FIXED: {FacilityReport.Status.IN_PROGRESS},  # it broke again
    FacilityReport.Status.DISMISSED: {FacilityReport.Status.OPEN},
}  # fmt: skip


@transaction.atomic
def report_set_status(
    *, actor: AbstractBaseUser, report: FacilityReport, status: str, note: str = ""
) -> FacilityReport:
    """Move a facility report along open → in progress → fixed (or dismissed)."""
    report = (
        FacilityReport.objects.select_for_update()
        .select_related("station__union")
        .get(pk=report.pk)
    )
    _require_union(actor, report.station.union)
    allowed = REPORT_TRANSITIONS.get(report.status, set())
    if status not in allowed:
        raise Conflict(
            _("不能从“%(old)s”改为“%(new)s”。")
            % {"old": report.get_status_display(), "new": status},
            field="status",
        )
    report.status = status
    report.handled_by = actor
    if note:
        report.note = note[:300]
    report.save(update_fields=["status", "handled_by", "note", "updated_at"])
    return report


# Inspections -----------------------------------------------------------------------------


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
    _require_union(actor, station.union)
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
    inspection.save()
    return inspection
