"""The base of every ``manage.py import_<kind> FILE`` command: a progress bar, a preview
of the rows in error, a final summary; ``--dry-run`` writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from core.datum import CRS_CHOICES
from core.errors import DomainError
from core.importing import ImportReport, TabularResource, import_table
from core.tabular import TabularError, open_table

SHOW_ERRORS = 50


class ImportCommand(BaseCommand):
    resource_class: type[TabularResource]
    help = "Import a spreadsheet (XLSX or CSV); all rows or none."
    #: Kinds with coordinates accept --crs; rosters need --consent.
    takes_crs = False
    takes_consent = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="judge every row, write nothing")
        parser.add_argument("--union", help="the union code the rows belong under")
        if self.takes_crs:
            parser.add_argument("--crs", choices=CRS_CHOICES, default="wgs84",
                                help="the datum of the file's coordinates")  # fmt: skip
        if self.takes_consent:
            parser.add_argument("--consent", action="store_true",
                                help="the employer holds every worker's consent")  # fmt: skip
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        resource = self.resource_class(
            actor=None,
            options={"crs": options.get("crs") or "wgs84", "union": options.get("union"),
                     "consent": bool(options.get("consent"))},
        )  # fmt: skip
        console = Console(file=self.stdout, highlight=False)
        try:
            with open_table(path, filename=path.name) as table:
                progress = Progress(
                    TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, disable=options["no_progress"],
                )  # fmt: skip
                with progress:
                    task = progress.add_task(path.name, total=table.estimated_rows)
                    report = import_table(
                        resource, table, dry_run=options["dry_run"],
                        progress=lambda n: progress.advance(task, n),
                    )  # fmt: skip
                    progress.update(task, total=report.total, completed=report.total)
        except TabularError as exc:
            raise CommandError(exc.message) from None
        except DomainError as exc:
            raise CommandError(f"{exc.field or ''}: {exc.message}") from None
        self.summarise(report)
        if not report.ok:
            raise CommandError("nothing was written")

    def summarise(self, report: ImportReport) -> None:
        for row in [r for r in report.rows if r["action"] == "error"][:SHOW_ERRORS]:
            for error in row["errors"]:
                self.stdout.write(
                    f"line {row['line']} {row['key']} [{error['column']}] {error['message']}"
                )
        for error in report.errors:
            self.stdout.write(f"file: {error}")
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        for unknown in report.unknown:
            self.stdout.write(
                f"unknown [{unknown['column']}] {unknown['value']}: {unknown['rows']} rows "
                f"(kept without it; add an alias: {unknown['action']['url']})"
            )
        counts = report.counts
        state = (
            "dry run, nothing written"
            if report.dry_run
            else ("written" if report.written else "NOT written")
        )
        self.stdout.write(
            f"{report.total} rows: {counts['new']} new, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['error']} in error — {state}"
        )
