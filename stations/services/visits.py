"""Visits logged at the station desk: idempotent by the client's UUID, undone only shortly after."""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_module
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, connections, router, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.categories import WorkerCategory
from core.errors import Conflict, NotFound, PermissionDenied
from core.identifiers import code_lookup_form
from core.scoping import Scope, scope_for
from stations.exceptions import StationsError
from stations.models import Station, Visit, VisitDaily

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


#: A phone's clock may run a little fast; visits further in the future are refused.
VISIT_CLOCK_SKEW = dt.timedelta(minutes=5)
VISIT_MAX_AGE = dt.timedelta(days=7)
VISIT_BATCH_LIMIT = 500
VISIT_UNDO_WINDOW = dt.timedelta(minutes=30)
CATEGORIES = frozenset(WorkerCategory.values)  # ``.values`` builds a new list per call


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
    scope: Scope,
    now: dt.datetime,
) -> tuple[str | None, dict[str, Any]]:
    """Why ``item`` cannot be stored (a message), or None and its clean values."""
    try:
        parsed_uuid = uuid_module.UUID(str(item.uuid))
    except (ValueError, AttributeError, TypeError):
        return _("uuid 不是有效的 UUID。"), {}
    station = stations.get(code_lookup_form(item.station))
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
    if item.category not in CATEGORIES:
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
    codes = {code_lookup_form(v.station) for v in visits}
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
    mine: set[uuid_module.UUID] = set()
    if clean:
        with transaction.atomic():
            mine = _visits_insert(clean, batch=batch, actor=actor, now=now)
            _rollup_add(
                Counter(
                    _cell(v["station"].pk, v["occurred_at"], v["category"])
                    for v in clean
                    if v["uuid"] in mine
                )
            )
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
    Visit.objects.filter(pk=visit.pk, occurred_at=visit.occurred_at).delete()
    station_id, day, category = _cell(visit.station_id, visit.occurred_at, visit.category)
    VisitDaily.objects.filter(
        station_id=station_id, day=day, category=category, visits__gt=0
    ).update(visits=F("visits") - 1)


VISIT_COLUMNS = (
    "uuid", "station", "occurred_at", "category", "services", "recorded_by", "batch",
    "received_at",
)  # fmt: skip


POSTGRES_ARRAY_TYPES = {
    "uuid": "uuid", "station": "bigint", "occurred_at": "timestamptz", "category": "varchar",
    "services": "jsonb", "recorded_by": "integer", "batch": "uuid", "received_at": "timestamptz",
}  # fmt: skip


def _visits_insert(
    clean: list[dict[str, Any]], *, batch: uuid_module.UUID, actor: Any, now: dt.datetime
) -> set[uuid_module.UUID]:
    """Insert the visits, skipping uuids already stored; answer the uuids this call created.

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING uuid`` per chunk (PostgreSQL, and
    SQLite ≥ 3.35): the rows come back only when this statement created them, so no second
    read is needed to tell created from duplicate. Values are prepared by the model's own
    fields, so each backend gets its own formats (SQLite's UUIDs and datetimes are text).
    """
    # The router's choice (the primary) also marks the request as one that wrote.
    db = connections[router.db_for_write(Visit)]
    fields = [Visit._meta.get_field(name) for name in VISIT_COLUMNS]
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    holders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = min(500, (db.features.max_query_params or 10**6) // len(fields))
    actor_id = getattr(actor, "pk", None)
    created: set[uuid_module.UUID] = set()
    table = quote(Visit._meta.db_table)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # One array per column: a short statement whatever the batch size (psycopg
            # re-parses a long one, with thousands of placeholders, on every call).
            columns_of = {field.name: [] for field in fields}
            for values in clean:
                row = {**values, "station": values["station"].pk, "recorded_by": actor_id,
                       "batch": batch, "received_at": now}  # fmt: skip
                for field in fields:
                    columns_of[field.name].append(row[field.name])
            columns_of["services"] = [json.dumps(v) for v in columns_of["services"]]
            casts = ", ".join(f"%s::{POSTGRES_ARRAY_TYPES[field.name]}[]" for field in fields)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts}) "  # noqa: S608
                f"ON CONFLICT DO NOTHING RETURNING {quote('uuid')}",
                [columns_of[field.name] for field in fields],
            )
            created.update(value for (value,) in cursor.fetchall())
            return created
        for start in range(0, len(clean), per_statement):
            chunk = clean[start : start + per_statement]
            params: list[Any] = []
            for values in chunk:
                row = {**values, "station": values["station"].pk, "recorded_by": actor_id,
                       "batch": batch, "received_at": now}  # fmt: skip
                params += [field.get_db_prep_save(row[field.name], db) for field in fields]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([holders] * len(chunk))} "
                f"ON CONFLICT DO NOTHING RETURNING {quote('uuid')}",
                params,
            )
            created.update(uuid_module.UUID(str(value)) for (value,) in cursor.fetchall())
    return created


# The daily rollup ---------------------------------------------------------------------

Cell = tuple[int, dt.date, str]  # station id, local day, category


def _cell(station_id: int, occurred_at: dt.datetime, category: str) -> Cell:
    return station_id, local_time.to_local(occurred_at).date(), category


def _rollup_add(deltas: Counter[Cell]) -> None:
    """Add ``deltas`` (positive) to the rollup in one upsert, in the caller's transaction.

    Only the visits the caller's transaction created (or deleted) are counted, so a
    retried batch adds nothing. Rows are sent in key order: two batches touching the same
    cells lock them in the same order and cannot deadlock. The SQL (``INSERT … ON
    CONFLICT … DO UPDATE``) is the same on PostgreSQL and SQLite.
    """
    cells = sorted((cell, n) for cell, n in deltas.items() if n > 0)
    if not cells:
        return
    table = connection.ops.quote_name(VisitDaily._meta.db_table)
    for start in range(0, len(cells), 200):
        chunk = cells[start : start + 200]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for (station_id, day, category), n in chunk:
            params += [station_id, day, category, n]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (station_id, day, category, visits) VALUES {values} "  # noqa: S608
                "ON CONFLICT (station_id, day, category) "
                f"DO UPDATE SET visits = {table}.visits + excluded.visits",
                params,
            )


@transaction.atomic
def visit_rollup_rebuild(*, start: dt.date, end: dt.date) -> int:
    """Recompute the rollup of local days ``start``..``end`` from the visits (a repair;
    idempotent). Answers the number of rollup rows written."""
    first, _ = local_time.local_day_bounds(start)
    _, last = local_time.local_day_bounds(end)
    rows = (
        Visit.objects.filter(occurred_at__gte=first, occurred_at__lt=last)
        .annotate(day=TruncDate("occurred_at", tzinfo=local_time.local_tz()))
        .values("station_id", "day", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    VisitDaily.objects.filter(day__gte=start, day__lte=end).delete()
    made = VisitDaily.objects.bulk_create(
        [
            VisitDaily(station_id=r["station_id"], day=r["day"], category=r["category"],
                       visits=r["n"])
            for r in rows.iterator(chunk_size=5000)
        ],
        batch_size=5000,
    )  # fmt: skip
    return len(made)
