"""Uploaded import files and the state of their imports, kept in the private storage
(``core.private_files``: outside the web root, never served by the web server).

An upload is saved as ``imports/<id><ext>`` (``id``: 128 random bits) and its state as
``imports/<id>.json`` —
status, rows done, the report — so the page, the admin process that made it and the
Celery worker that runs it (another process, maybe another machine) all read the same
thing. Only the user who uploaded a file may see or run its import.

The uploaded file (names, phones, ID digits in plain text) is deleted as soon as its
import has run; a file whose import never runs, and every job's state, is deleted after
``IMPORT_FILE_RETENTION_HOURS`` by :func:`import_files_purge` (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.module_loading import import_string

from core.errors import NotFound
from core.importing import ImportReport, TabularResource, import_table
from core.private_files import private_storage
from core.tabular import TabularError, open_table

FOLDER = "imports"


def _state_path(job_id: str) -> str:
    return f"{FOLDER}/{job_id}.json"


def job_create(
    *, user_id: int | None, resource: str, filename: str, data: Any, options: dict[str, Any]
) -> str:
    """Store an upload; returns the job id."""
    job_id = secrets.token_hex(16)
    suffix = Path(filename).suffix.lower()
    private_storage().save(
        f"{FOLDER}/{job_id}{suffix}", data if hasattr(data, "chunks") else ContentFile(data)
    )
    job_write(job_id, {"status": "uploaded", "user_id": user_id, "resource": resource,
                       "filename": filename, "suffix": suffix, "options": options,
                       "done": 0, "total": None, "report": None})  # fmt: skip
    return job_id


def job_write(job_id: str, state: dict[str, Any]) -> None:
    path = _state_path(job_id)
    if private_storage().exists(path):
        private_storage().delete(path)
    private_storage().save(path, ContentFile(json.dumps(state, ensure_ascii=False).encode()))


def job_read(job_id: str, *, user_id: int | None = None) -> dict[str, Any]:
    """The job's state; NotFound for an unknown id or another user's job."""
    if not job_id.isalnum():
        raise NotFound("no such import")
    path = _state_path(job_id)
    for attempt in range(5):  # the writer replaces the file: a moment without it
        if private_storage().exists(path):
            try:
                with private_storage().open(path) as handle:
                    state = json.load(handle)
                break
            except (FileNotFoundError, json.JSONDecodeError):
                pass
        time.sleep(0.05 * attempt)
    else:
        raise NotFound("no such import")
    if user_id is not None and state["user_id"] != user_id:
        raise NotFound("no such import")
    return state


def job_file(job_id: str, state: dict[str, Any]) -> Any:
    return private_storage().open(f"{FOLDER}/{job_id}{state['suffix']}", "rb")


def job_rows(job_id: str) -> int | None:
    """Estimated data rows of the uploaded file (None when it cannot be read)."""
    state = job_read(job_id)
    try:
        with (
            job_file(job_id, state) as handle,
            open_table(handle, filename=state["filename"]) as table,
        ):
            return table.estimated_rows
    except TabularError:
        return None


#: Resources whose module moved in a release: a file uploaded before the upgrade and run
#: after it names the old path (its job state lives in the cache and the private storage).
MOVED_RESOURCES = {
    "welfare.resources.WorkplaceResource": "welfare.resources.workplaces.WorkplaceResource",
    "welfare.resources.WorkerResource": "welfare.resources.workers.WorkerResource",
    "welfare.resources.HealthCheckResource": "welfare.resources.workers.HealthCheckResource",
    "stations.resources.StationResource": "stations.resources.stations.StationResource",
}


def job_resource(state: dict[str, Any]) -> TabularResource:
    user = None
    if state["user_id"] is not None:
        user = get_user_model().objects.get(pk=state["user_id"])
    resource_class = import_string(MOVED_RESOURCES.get(state["resource"], state["resource"]))
    return resource_class(actor=user, options=state["options"])


def job_run(job_id: str, *, dry_run: bool) -> dict[str, Any]:
    """Judge (and unless ``dry_run`` write) the job's file, recording progress as it goes."""
    state = job_read(job_id)
    state.update(status="running", done=0, dry_run=dry_run)
    job_write(job_id, state)
    resource = job_resource(state)

    def progress(rows: int) -> None:
        state["done"] += rows
        job_write(job_id, state)

    try:
        with (
            job_file(job_id, state) as handle,
            open_table(handle, filename=state["filename"]) as table,
        ):
            state["total"] = table.estimated_rows
            report = import_table(resource, table, dry_run=dry_run, progress=progress)
    except TabularError as exc:
        report = ImportReport(kind=resource.kind, dry_run=dry_run)
        report.errors.append(exc.message)
    state.update(status="done", report=report.to_dict())
    if not dry_run:  # the import has run: its plaintext file is not kept a moment longer
        _delete(f"{FOLDER}/{job_id}{state['suffix']}")
        state["file_deleted"] = True
    job_write(job_id, state)
    return state


def _delete(name: str) -> None:
    storage = private_storage()
    if storage.exists(name):
        storage.delete(name)


def _purge_public_leftovers() -> int:
    """Uploads made before imports moved to the private storage sit in the public media
    folder (``MEDIA_ROOT/imports/``): they go at once, whatever their age."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for name in files:
        default_storage.delete(f"{FOLDER}/{name}")
    return len(files)


def import_files_purge(*, now: dt.datetime | None = None, hours: int | None = None) -> int:
    """Delete import uploads and states older than the retention period; returns how many
    files went. Run hourly (core.tasks)."""
    gone = _purge_public_leftovers()
    storage = private_storage()
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=hours or settings.IMPORT_FILE_RETENTION_HOURS)
    try:
        _dirs, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return gone
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                gone += 1
        except FileNotFoundError:
            continue
    return gone
