"""Loads the JSON files in ``fixtures/`` through the services, by natural key.

Loading twice updates in place and creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from stations.services.regions_unions import region_upsert, union_upsert
from stations.services.stations import ClosureInput, PeriodInput, station_upsert

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class LoadReport:
    regions: int = 0
    unions: int = 0
    stations_created: int = 0
    stations_updated: int = 0


def _read(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    with open((directory or FIXTURES_DIR) / name, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_network(*, directory: Path | None = None) -> LoadReport:
    """Qinghai's divisions and its union tree (real reference data, not demo)."""
    report = LoadReport()
    for row in _read("regions.json", directory):
        region_upsert(
            actor=None,
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            level=row["level"],
            parent_code=row.get("parent"),
            lat=row.get("lat"),
            lng=row.get("lng"),
        )
        report.regions += 1
    for row in _read("unions.json", directory):
        union_upsert(
            actor=None,
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            kind=row["kind"],
            region_code=row["region"],
            parent_code=row.get("parent"),
        )
        report.unions += 1
    return report


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@transaction.atomic
def load_demo_stations(*, directory: Path | None = None) -> LoadReport:
    report = LoadReport()
    for row in _read("demo_stations.json", directory):
        periods = [
            PeriodInput(
                weekday=day,
                opens=_time(p["opens"]),
                closes=_time(p["closes"]),
                overnight=bool(p.get("overnight")),
                season_start=p.get("season_start") or "",
                season_end=p.get("season_end") or "",
            )
            for p in row.get("periods", [])
            for day in p["weekdays"]
        ]
        closures = [
            ClosureInput(
                starts_on=dt.date.fromisoformat(c["starts_on"]),
                ends_on=dt.date.fromisoformat(c["ends_on"]),
                reason=c.get("reason", ""),
            )
            for c in row.get("closures", [])
        ]
        _station, created = station_upsert(
            actor=None,
            code=row["code"],
            union_code=row["union"],
            region_code=row["region"],
            lat=row["lat"],
            lng=row["lng"],
            services=row.get("services", []),
            periods=periods,
            closures=closures,
            name=row["name"],
            name_en=row.get("name_en", ""),
            kind=row["kind"],
            host_organization=row.get("host_organization", ""),
            address=row["address"],
            phone=row.get("phone", ""),
            altitude_m=row.get("altitude_m"),
            seats=row.get("seats", 0),
            step_free=bool(row.get("step_free")),
            accessible_toilet=bool(row.get("accessible_toilet")),
            is_24h=bool(row.get("is_24h")),
            is_demo=True,
        )
        if created:
            report.stations_created += 1
        else:
            report.stations_updated += 1
    return report
