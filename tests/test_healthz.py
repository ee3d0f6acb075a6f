"""/healthz: the database, the replica and the broker, for load balancers; /livez is trivial."""

from __future__ import annotations

import os

import pytest

from tests.serverprocess import free_port


@pytest.mark.django_db
def test_healthz_reports_each_part_and_answers_200_when_all_answer(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["degraded"] is False
    assert body["database"] == {"ok": True}
    assert body["replica"] == {"ok": True, "configured": False}
    assert body["broker"] == {"ok": True, "configured": False}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["broker"]["ok"] is False and body["broker"]["configured"] is True
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_livez_is_trivial(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.django_db
def test_healthz_reaches_the_configured_broker(client, settings):
    settings.CELERY_BROKER_URL = os.environ.get(
        "CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15"
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "configured": True}
