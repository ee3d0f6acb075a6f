"""A whole file of stations written at once on PostGIS: COPY into a staging table, then one
set-based merge.

The rows arrive judged and cleaned by ``stations.resources.stations.StationResource`` (the same
checks as ``station_upsert``: code, lengths, union and region, scope, bounds, services,
hours). They are streamed with COPY into a temporary table batch by batch, so memory does
not grow with the file; at the end one INSERT (new codes) and one UPDATE (known codes)
write the stations, services and periods are replaced for the rows that name them, the
read-side copies (``schedule``, ``service_codes``) are set, and a history row (with its
services) is written for every station touched — all in the caller's transaction.

A value the file leaves empty (NULL in the stage) keeps the station's current value.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from stations import hours
from stations.models import Closure, DayHours, OpeningPeriod, Service, Station
from stations.services.stations import station_refresh_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

OPTIONAL_TEXT = ("name_en", "host_organization", "phone")
STAGE_COLUMNS = (
    ("line", "integer"), ("code", "varchar(40)"), ("is_new", "boolean"), ("union_id", "bigint"),
    ("region_id", "bigint"), ("lng", "double precision"), ("lat", "double precision"),
    ("name", "varchar(150)"), ("name_en", "varchar(200)"), ("kind", "varchar(20)"),
    ("host_organization", "varchar(200)"), ("address", "varchar(300)"), ("phone", "varchar(40)"),
    ("status", "varchar(10)"), ("seats", "integer"), ("step_free", "boolean"),
    ("accessible_toilet", "boolean"), ("is_24h", "boolean"), ("services", "jsonb"),
    ("service_codes", "jsonb"), ("periods", "jsonb"), ("schedule", "jsonb"),
    ("altitude_m", "integer"),
)  # fmt: skip


@dataclass
class StagedStation:
    line: int
    code: str
    new: bool
    union_id: int
    region_id: int
    lng: float
    lat: float
    fields: dict[str, Any] = field(default_factory=dict)
    services: Sequence[str] | None = None  # None: keep the station's services
    is_24h: bool | None = None
    periods: Sequence[hours.Period] | None = None  # None: keep its hours


class StationStage:
    """A temporary table holding one file's cleaned rows until the merge."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.rows = 0
        self._service_order = dict(Service.objects.values_list("code", "sort_order"))

    @classmethod
    def create(cls) -> StationStage:
        table = f"station_stage_{uuid.uuid4().hex[:12]}"
        columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP")
        return cls(table)

    def add(self, rows: Iterable[StagedStation]) -> None:
        names = ", ".join(name for name, _kind in STAGE_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(self._values(row))
                self.rows += 1

    def _values(self, row: StagedStation) -> tuple[Any, ...]:
        f = row.fields
        periods = None
        schedule = None
        if row.periods is not None:
            periods = json.dumps([
                {"weekday": p.weekday, "opens": f"{p.opens:%H:%M:%S}",
                 "closes": f"{p.closes:%H:%M:%S}", "overnight": p.overnight,
                 "season_start": p.season_start, "season_end": p.season_end}
                for p in row.periods
            ])  # fmt: skip
            schedule = json.dumps(hours.build_schedule(periods=row.periods, closures=()))
        services = codes = None
        if row.services is not None:
            services = json.dumps(list(row.services))
            codes = json.dumps(
                sorted(row.services, key=lambda c: (self._service_order.get(c, 0), c))
            )
        return (
            row.line, row.code, row.new, row.union_id, row.region_id, row.lng, row.lat,
            f.get("name"), f.get("name_en"), f.get("kind"), f.get("host_organization"),
            f.get("address"), f.get("phone"), f.get("status"), f.get("seats"), f.get("step_free"),
            f.get("accessible_toilet"), row.is_24h, services, codes, periods, schedule,
            f.get("altitude_m"),
        )  # fmt: skip

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def _history_columns() -> list[str]:
    skip = {"schedule", "service_codes"}
    return [f.column for f in Station._meta.concrete_fields if f.name not in skip]


@transaction.atomic
def stations_merge_staged(*, actor: AbstractBaseUser | None, stage: StationStage) -> dict[str, int]:
    """Write the staged stations (permission and validation were checked row by row when
    they were staged, against ``actor``'s scope)."""
    t = stage.table
    station, through = Station._meta.db_table, Station.services.through._meta.db_table
    period = OpeningPeriod._meta.db_table
    keep = ", ".join(f"{c} = COALESCE(st.{c}, s.{c})" for c in
                     ("name_en", "kind", "host_organization", "phone", "status", "seats",
                      "step_free", "accessible_toilet", "is_24h", "altitude_m"))  # fmt: skip
    user_id = actor.pk if actor is not None else None
    with connection.cursor() as c:
        try:
            c.execute(
                f"""INSERT INTO {station} (code, name, name_en, kind, host_organization, union_id,
                    region_id, location, address, phone, status, seats, step_free,
                    accessible_toilet, altitude_m,
                    is_24h, is_demo, schedule, service_codes, created_at, updated_at)
                SELECT code, name, COALESCE(name_en, ''), COALESCE(kind, 'other'),
                    COALESCE(host_organization, ''), union_id, region_id,
                    ST_SetSRID(ST_MakePoint(lng, lat), 4326), address, COALESCE(phone, ''),
                    COALESCE(status, 'active'), COALESCE(seats, 0), COALESCE(step_free, false),
                    COALESCE(accessible_toilet, false), altitude_m, COALESCE(is_24h, false), false,
                    COALESCE(schedule, '{{"periods": [], "closures": []}}'::jsonb),
                    COALESCE(service_codes, '[]'::jsonb), now(), now()
                FROM {t} WHERE is_new ORDER BY line"""
            )
        except IntegrityError:
            raise Conflict(
                _("导入期间有人新建了同编号的站点，请重新导入。"), field="code"
            ) from None
        created = c.rowcount
        c.execute(
            f"""UPDATE {station} s SET name = st.name, address = st.address, union_id = st.union_id,
                region_id = st.region_id, location = ST_SetSRID(ST_MakePoint(st.lng, st.lat), 4326),
                {keep}, updated_at = now()
            FROM {t} st WHERE st.code = s.code AND NOT st.is_new"""
        )
        updated = c.rowcount
        # Services and periods of the rows that name them.
        c.execute(
            f"""DELETE FROM {through} x USING {station} s, {t} st
            WHERE x.station_id = s.id AND s.code = st.code AND st.services IS NOT NULL
              AND NOT st.is_new"""
        )
        c.execute(
            f"""INSERT INTO {through} (station_id, service_id)
            SELECT s.id, sv.id FROM {t} st JOIN {station} s ON s.code = st.code
            CROSS JOIN LATERAL jsonb_array_elements_text(st.services) AS code(value)
            JOIN {Service._meta.db_table} sv ON sv.code = code.value
            WHERE st.services IS NOT NULL"""
        )
        c.execute(
            f"""UPDATE {station} s SET service_codes = st.service_codes FROM {t} st
            WHERE s.code = st.code AND st.services IS NOT NULL AND NOT st.is_new"""
        )
        c.execute(
            f"""DELETE FROM {period} p USING {station} s, {t} st
            WHERE p.station_id = s.id AND s.code = st.code AND st.periods IS NOT NULL
              AND NOT st.is_new"""
        )
        period_cols = "weekday, opens, closes, overnight, season_start, season_end"
        c.execute(
            f"""WITH added AS (
                INSERT INTO {period} (station_id, {period_cols})
                SELECT s.id, p.weekday, p.opens, p.closes, p.overnight, p.season_start, p.season_end
                FROM {t} st JOIN {station} s ON s.code = st.code
                CROSS JOIN LATERAL jsonb_to_recordset(st.periods) AS p(weekday smallint, opens time,
                    closes time, overnight boolean, season_start varchar, season_end varchar)
                WHERE st.periods IS NOT NULL
                RETURNING id, station_id, {period_cols})
            INSERT INTO {OpeningPeriod.history.model._meta.db_table}
                (id, station_id, {period_cols}, history_date, history_type, history_user_id,
                 history_change_reason)
            SELECT id, station_id, {period_cols}, now(), '+', %s, %s FROM added""",
            [user_id, "import"],
        )
        # A station with closures or one-day hours gets its schedule rebuilt below; the
        # others take the schedule built from the file's periods.
        c.execute(
            f"""UPDATE {station} s SET schedule = st.schedule FROM {t} st
            WHERE s.code = st.code AND st.periods IS NOT NULL AND NOT st.is_new
              AND NOT EXISTS (SELECT 1 FROM {Closure._meta.db_table} x WHERE x.station_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM {DayHours._meta.db_table} d
                              WHERE d.station_id = s.id)"""
        )
        c.execute(
            f"""SELECT s.id FROM {station} s JOIN {t} st ON st.code = s.code
            WHERE st.periods IS NOT NULL AND NOT st.is_new AND (
                EXISTS (SELECT 1 FROM {Closure._meta.db_table} x WHERE x.station_id = s.id)
                OR EXISTS (SELECT 1 FROM {DayHours._meta.db_table} d WHERE d.station_id = s.id))"""
        )
        refresh = [row[0] for row in c.fetchall()]
        columns = ", ".join(_history_columns())
        history = Station.history.model._meta.db_table
        m2m_history = apps.get_model("stations", "HistoricalStation_services")._meta.db_table
        c.execute(
            f"""WITH h AS (
                INSERT INTO {history} ({columns}, history_date, history_type, history_user_id,
                    history_change_reason)
                SELECT {", ".join(f"s.{col}" for col in _history_columns())}, now(),
                    CASE WHEN st.is_new THEN '+' ELSE '~' END, %s, %s
                FROM {station} s JOIN {t} st ON st.code = s.code
                RETURNING history_id, id)
            INSERT INTO {m2m_history} (id, history_id, station_id, service_id)
            SELECT x.id, h.history_id, x.station_id, x.service_id
            FROM h JOIN {through} x ON x.station_id = h.id""",
            [user_id, "import"],
        )
    for station_obj in Station.objects.filter(pk__in=refresh):
        station_refresh_cache(station=station_obj)
    return {"new": created, "update": updated}
