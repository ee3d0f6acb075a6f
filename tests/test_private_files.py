"""Private uploads (security review 2, class 2): admin import files and contest evidence
live outside the web root under random names; the evidence is served only through a view
that checks scope; an import's file is gone once its import has run, and anything left
is purged after the retention period of docs/privacy.md."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from core.import_jobs import FOLDER, import_files_purge
from core.private_files import private_storage
from supervision.models import Competition
from supervision.services import competitions as svc
from tests.factories import UserFactory
from tests.imports.test_station_import import ROW_A, csv
from tests.welfare.factories import WorkplaceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence of the cup"


def _public(name: str) -> bool:
    """Whether the quick start's media server (``/media/``) would hand out ``name``."""
    try:
        serve(RequestFactory().get("/media/" + name), name, document_root=settings.MEDIA_ROOT)
    except Http404:
        return False
    return True


def test_the_private_root_is_outside_the_web_root():
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert not private.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not private.is_relative_to(Path(settings.STATIC_ROOT).resolve())


@pytest.fixture
def organizer_golmud(network):
    from stations.services.memberships import membership_grant

    user = UserFactory(username="org-golmud")
    membership_grant(actor=None, user=user, union=network.golmud, role="organizer")
    return user


@pytest.fixture
def evidence(network, organizer_xining):
    cup = svc.competition_save(
        actor=organizer_xining,
        competition=Competition(union=network.xining, year=2027, name="西宁市安康杯",
                                scoring_items=[{"code": "a", "label": "A", "max": 10}]),
    )  # fmt: skip
    entry = svc.competition_enrol(
        actor=organizer_xining, competition=cup,
        workplace=WorkplaceFactory(union=network.xining),
    )  # fmt: skip
    ev = svc.entry_evidence_add(
        actor=organizer_xining, entry=entry,
        upload=SimpleUploadedFile("制度.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    yield ev
    private_storage().delete(ev.file.name)


def test_evidence_has_a_random_private_name(evidence):
    name = evidence.file.name
    assert name.startswith("ankang/") and name.count("/") == 1  # no entry id in the path
    assert len(Path(name).stem) == 32 and name.endswith(".pdf")
    assert private_storage().exists(name) and not _public(name)


def test_evidence_is_served_only_in_scope(client, network, evidence, organizer_golmud):
    url = reverse("supervision:evidence", args=[evidence.pk])
    assert Client().get(url).status_code in (302, 403, 404)  # anonymous: to the login
    assert "login" in Client().get(url)["Location"]
    other = Client()
    other.force_login(organizer_golmud)
    assert other.get(url).status_code == 404
    staff = Client()
    staff.force_login(UserFactory(username="nobody"))
    assert staff.get(url).status_code in (403, 404)
    owner = Client()
    owner.force_login(evidence.entry.competition.union.memberships.first().user)
    response = owner.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"


def test_the_web_server_serves_it_when_told(settings, client, evidence):
    settings.PRIVATE_MEDIA_SERVE = "x-accel-redirect"
    client.force_login(evidence.entry.competition.union.memberships.first().user)
    response = client.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert response["X-Accel-Redirect"] == "/_private/" + evidence.file.name
    assert response.content == b""
    settings.PRIVATE_MEDIA_SERVE = "x-sendfile"
    response = client.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert response["X-Sendfile"] == private_storage().path(evidence.file.name)


def _import_files() -> set[str]:
    storage = private_storage()
    try:
        return set(storage.listdir(FOLDER)[1])
    except FileNotFoundError:
        return set()


def test_an_import_file_is_private_and_gone_once_imported(client, network, organizer_xining):
    before = _import_files()
    client.force_login(organizer_xining)
    response = client.post(
        reverse("admin:stations_station_import_file"),
        {"file": SimpleUploadedFile("站点.csv", csv(ROW_A)), "crs": "wgs84"},
    )
    assert response.status_code == 302
    new = _import_files() - before
    upload = next(n for n in new if n.endswith(".csv"))
    assert len(Path(upload).stem) == 32
    assert not _public(f"{FOLDER}/{upload}")  # the quick start's /media/ has no such file
    other = Client()
    other.force_login(UserFactory(username="org-other"))
    assert other.get(response["Location"]).status_code in (302, 403, 404)
    assert client.post(response["Location"]).status_code == 302  # confirm: it runs
    assert upload not in _import_files()  # the plaintext file is deleted
    for name in _import_files() - before:
        private_storage().delete(f"{FOLDER}/{name}")


def test_import_files_past_their_retention_are_purged():
    storage = private_storage()
    old = storage.save(f"{FOLDER}/{'a' * 32}.csv", SimpleUploadedFile("x", b"name,phone"))
    fresh = storage.save(f"{FOLDER}/{'b' * 32}.csv", SimpleUploadedFile("x", b"name,phone"))
    long_ago = (timezone.now() - dt.timedelta(hours=25)).timestamp()
    os.utime(storage.path(old), (long_ago, long_ago))
    leftover = default_storage.save(f"{FOLDER}/old-upload.csv", ContentFile(b"name,phone"))
    try:
        assert import_files_purge() >= 2
        assert not storage.exists(old) and storage.exists(fresh)
        assert not default_storage.exists(leftover)  # the public folder's are gone at once
    finally:
        storage.delete(fresh)
