"""Read official warning signals (CAP 1.2 documents) from files: the same ingest as the
feed poll (``welfare.tasks.poll_official_alerts``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from welfare import cap, services


class Command(BaseCommand):
    help = "Validate and store official warning signals from CAP 1.2 files (or folders of .xml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="CAP 1.2 files, or folders of *.xml")

    def handle(self, *args: Any, paths: list[str], **options: Any) -> None:
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(path.glob("*.xml")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder")
        failed = 0
        for path in files:
            if path.stat().st_size > cap.MAX_BYTES:
                self.stderr.write(f"{path}: rejected: larger than {cap.MAX_BYTES} bytes")
                failed += 1
                continue
            try:
                result = services.official_alert_ingest(
                    data=path.read_bytes(), source=f"file:{path.name}"
                )
            except services.CapRejected as exc:
                self.stderr.write(f"{path}: rejected: {exc}")
                failed += 1
                continue
            extra = f", withdrew {result.withdrew}" if result.withdrew else ""
            self.stdout.write(
                f"{path}: {result.outcome} {result.identifier} ({result.regions} regions{extra})"
            )
        if failed:
            raise CommandError(f"{failed} of {len(files)} files rejected")
