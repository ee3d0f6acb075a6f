"""Private files: uploads that are not for the public (admin import files with names and
phones, contest evidence), kept outside the web root and handed out only by a view that
has checked the user's scope.

The storage is ``STORAGES["private"]`` (``PRIVATE_MEDIA_ROOT``, never under
``MEDIA_ROOT``). Names are random (128 bits), so a name learned once says nothing about
the next. The view answers with the file itself (``PRIVATE_MEDIA_SERVE=django``) or hands
it to the web server: nginx's ``X-Accel-Redirect`` to an ``internal`` location, or Apache's
``X-Sendfile`` (docs/deploy.md).
"""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def private_storage() -> Storage:
    """The storage of private files (a callable, so a model's field does not freeze it)."""
    return storages["private"]


def random_name(folder: str, suffix: str) -> str:
    """``folder/<32 hex>.<suffix>``: nothing in it is guessable from another name."""
    suffix = suffix if not suffix or suffix.startswith(".") else f".{suffix}"
    return f"{folder}/{secrets.token_hex(16)}{suffix.lower()}"


def private_file_response(
    name: str, *, download_name: str | None = None, inline: bool = True
) -> HttpResponse:
    """The private file ``name`` for a user whose scope the caller has checked."""
    storage = private_storage()
    if not name or ".." in PurePosixPath(name).parts or not storage.exists(name):
        raise Http404("no such file")
    filename = download_name or PurePosixPath(name).name
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    mode = settings.PRIVATE_MEDIA_SERVE
    response: HttpResponse
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_INTERNAL_URL.rstrip("/") + "/" + name
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage.path(name)
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_delete(name: str) -> None:
    storage = private_storage()
    if name and storage.exists(name):
        storage.delete(name)
