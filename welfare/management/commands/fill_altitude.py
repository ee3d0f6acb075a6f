"""Fill missing altitudes of stations and workplaces from a DEM the operator provides."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dem import DemError
from welfare import services


class Command(BaseCommand):
    help = (
        "Fill stations' and workplaces' missing altitude (metres) from a DEM (a GeoTIFF or any "
        "raster GDAL reads, band 1 in metres, any projection). Altitudes entered by hand are "
        "kept unless --overwrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dem", help="path of the DEM file (e.g. SRTM or ASTER GDEM GeoTIFF)")
        parser.add_argument("--overwrite", action="store_true", help="replace altitudes too")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = services.altitude_fill(
                actor=None, dem=options["dem"], overwrite=options["overwrite"],
                dry_run=options["dry_run"],
            )  # fmt: skip
        except DemError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would fill" if options["dry_run"] else "filled"
        self.stdout.write(
            f"{verb} {len(report.stations)} stations and {len(report.workplaces)} workplaces; "
            f"{len(report.outside)} outside the DEM or on no-data cells"
        )
        for code in report.outside:
            self.stdout.write(f"  outside: {code}")
