"""Imports too big to run inside a web request; the heartbeat; daily housekeeping."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from core.heartbeat import heartbeat_record
from core.import_jobs import import_files_purge, job_run
from core.services import housekeeping_run


@shared_task(acks_late=True, max_retries=0)
def import_file_run(job_id: str, dry_run: bool = False) -> dict[str, Any]:
    """Run an uploaded import (all rows or none; running it again finds them unchanged)."""
    state = job_run(job_id, dry_run=dry_run)
    return {
        "status": state["status"],
        "counts": state["report"]["counts"],
        "ok": state["report"]["ok"],
    }


@shared_task(max_retries=0)
def import_files_purge_hourly() -> int:
    """Import uploads and states past their retention period (docs/privacy.md) deleted."""
    return import_files_purge()


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every minute, run by a worker: both are alive (core.heartbeat)."""
    heartbeat_record(kind="worker")


@shared_task(acks_late=True, max_retries=0, ignore_result=True)
def housekeeping_daily() -> dict[str, int]:
    """Expired sessions and old import files (docs/operations.md); safe to run twice."""
    return housekeeping_run()
