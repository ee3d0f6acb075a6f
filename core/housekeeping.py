"""Daily housekeeping run by beat (``core.tasks.housekeeping_daily``).

- Expired sessions: Django leaves them in ``django_session`` (``clearsessions``).
- Import uploads: the files under ``imports/`` (plaintext names and phones in a roster)
  and their state, once older than ``IMPORT_FILE_RETENTION_DAYS``.

The other retention rules of docs/privacy.md run in ``welfare.tasks.retention_daily``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from core import import_jobs


def sessions_expired_delete() -> int:
    deleted, _rows = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def import_files_expired_delete(*, older_than: dt.timedelta) -> int:
    """Delete upload and state files in the import folder last modified before now − older_than."""
    storage = getattr(import_jobs, "storage", None) or import_jobs.default_storage
    folder = import_jobs.FOLDER
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in files:
        path = f"{folder}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # deleted meanwhile (the job ended): nothing left to do
    return deleted


def housekeeping_run() -> dict[str, int]:
    return {
        "sessions": sessions_expired_delete(),
        "import_files": import_files_expired_delete(
            older_than=dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
        ),
    }
