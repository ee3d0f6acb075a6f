"""The back office writes supervision records through the services: a checklist template,
a 一会三卡 check, an inspector's training and assessment; refusals come back as messages."""

from __future__ import annotations

import pytest

from core import time as local_time
from supervision.models import (
    ChecklistTemplate,
    InspectorAssessment,
    InspectorTraining,
    SafetyCard,
    SafetyInspector,
)
from supervision.services import inspectors
from tests.supervision.conftest import days_ago

pytestmark = [pytest.mark.django_db]


def test_the_admin_adds_through_the_services(client, network, organizer_xining, plant):
    client.force_login(organizer_xining)
    inspector = inspectors.inspector_save(
        actor=None, inspector=SafetyInspector(workplace=plant, name="王", appointed_on=days_ago(9))
    )
    year = local_time.today().year
    added = client.post("/admin/supervision/inspectorassessment/add/",
                        {"inspector": inspector.pk, "year": year, "result": "competent",
                         "note": ""})  # fmt: skip
    assert added.status_code == 302, added.content[:2000]
    assert InspectorAssessment.objects.get().history.first().history_user == organizer_xining
    again = client.post("/admin/supervision/inspectorassessment/add/",
                        {"inspector": inspector.pk, "year": year, "result": "excellent",
                         "note": ""}, follow=True)  # fmt: skip
    assert "errorlist" in again.content.decode()  # once a year (the constraint, in the form)
    assert InspectorAssessment.objects.get().result == "competent"
    client.post("/admin/supervision/inspectortraining/add/",
                {"inspector": inspector.pk, "held_on": days_ago(2).isoformat(), "topic": "隐患排查",
                 "hours": "4"})  # fmt: skip
    assert InspectorTraining.objects.get().topic == "隐患排查"
    client.post("/admin/supervision/safetycard/add/",
                {"workplace": plant.pk, "kind": "meeting", "checked_on": days_ago(5).isoformat(),
                 "in_place": "on", "note": ""})  # fmt: skip
    card = SafetyCard.objects.get()
    client.post(f"/admin/supervision/safetycard/{card.pk}/change/",
                {"checked_on": days_ago(1).isoformat(), "note": "班前会未开"})  # fmt: skip
    card = SafetyCard.objects.get()
    assert (card.in_place, card.checked_on) == (False, days_ago(1))
    client.post("/admin/supervision/checklisttemplate/add/",
                {"union": network.xining.pk, "name": "通用", "items": '["制度", "防护用品"]',
                 "active": "on"})  # fmt: skip
    assert ChecklistTemplate.objects.get().items == ["制度", "防护用品"]
