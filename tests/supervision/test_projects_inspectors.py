"""三同时 reviews in milestone order with non-compliance on the finding path; the safety
inspectors' roster and their reports from the phone; 一会三卡 and training records."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from supervision.exceptions import SupervisionError
from supervision.models import Finding, Project, SafetyInspector, TrainingRecord
from supervision.selectors.inspections import findings_in_scope
from supervision.selectors.workplaces import safety_cards
from supervision.services import inspections, inspectors, projects, workplace_safety
from tests.factories import UserFactory
from tests.supervision.conftest import days_ago, finding_input

pytestmark = [pytest.mark.django_db]


def test_three_milestones_in_order_with_non_compliance(organizer_xining, plant):
    project = projects.project_save(
        actor=organizer_xining,
        project=Project(workplace=plant, name="电解槽扩建工程", kind="expanded"),
    )

    def review(milestone, compliant, finding=None, on=None):
        return projects.project_review(
            actor=organizer_xining, project=project, milestone=milestone,
            reviewed_on=on or days_ago(5), compliant=compliant, opinion="审查意见",
            finding=finding,
        )  # fmt: skip

    with pytest.raises(Conflict) as exc:
        review("construction", True)
    assert exc.value.field == "milestone"
    with pytest.raises(SupervisionError) as exc:
        review("design", False)
    assert exc.value.field == "finding"
    failed = review("design", False, finding_input(description="设计未包含通风除尘设施"))
    finding = failed.finding
    assert (finding.source, finding.project, finding.status) == ("project", project, "open")
    with pytest.raises(Conflict) as exc:  # the improvement is not verified yet
        review("design", True)
    assert exc.value.field == "compliant"
    with pytest.raises(Conflict):
        review("construction", True)
    inspections.finding_rectify(actor=organizer_xining, finding=finding, rectified_on=days_ago(3),
                                evidence="补充通风除尘设计并经专家评审")  # fmt: skip
    inspections.finding_verify(actor=organizer_xining, finding=finding, verified_on=days_ago(2))
    review("design", True, on=days_ago(1))
    with pytest.raises(Conflict):
        review("design", True)
    with pytest.raises(SupervisionError) as exc:  # before the design was passed
        review("construction", True, on=days_ago(2))
    assert exc.value.field == "reviewed_on"
    review("construction", True, on=days_ago(1))
    review("operation", True, on=days_ago(0))
    assert [r.milestone for r in project.reviews.filter(compliant=True)] == [
        "design", "construction", "operation",
    ]  # fmt: skip


def test_an_inspector_reports_from_the_phone(network, organizer_xining, organizer_golmud, plant,
                                             golmud_plant):  # fmt: skip
    worker = UserFactory(username="inspector-wang", is_staff=False)
    inspector = inspectors.inspector_save(
        actor=organizer_xining,
        inspector=SafetyInspector(workplace=plant, name="王师傅", user=worker,
                                  appointed_on=days_ago(100)),
    )  # fmt: skip
    inspectors.inspector_training_add(actor=organizer_xining, inspector=inspector,
                                      held_on=days_ago(30), topic="隐患排查", hours=8)  # fmt: skip
    inspectors.inspector_assess(actor=organizer_xining, inspector=inspector,
                                year=local_time.today().year, result="excellent")  # fmt: skip
    with pytest.raises(Conflict):
        inspectors.inspector_assess(actor=organizer_xining, inspector=inspector,
                                    year=local_time.today().year, result="competent")  # fmt: skip
    with pytest.raises(PermissionDenied):
        inspectors.inspector_save(
            actor=organizer_golmud,
            inspector=SafetyInspector(workplace=plant, name="x", appointed_on=days_ago(1)),
        )

    phone = APIClient()
    phone.force_login(worker)
    deadline = local_time.today().isoformat()
    reported = phone.post(
        "/api/v1/supervision/inspector-reports/",
        {"workplace": plant.pk, "category": "fire", "description": "消防通道被货物堵塞",
         "deadline": deadline, "responsible_person": "仓库主管"},
        format="multipart",
    )  # fmt: skip
    assert reported.status_code == 201, reported.content
    finding = Finding.objects.get(pk=reported.json()["id"])
    assert (finding.source, finding.reported_by, finding.status) == ("inspector", worker, "open")
    # the same pipeline: the organizer sees and rectifies it
    assert finding in findings_in_scope(scope_for(organizer_xining))
    # not their unit
    elsewhere = phone.post(
        "/api/v1/supervision/inspector-reports/",
        {"workplace": golmud_plant.pk, "category": "fire", "description": "x",
         "deadline": deadline, "responsible_person": "y"},
    )  # fmt: skip
    assert elsewhere.status_code == 404
    with pytest.raises(PermissionDenied):
        inspectors.inspector_report_finding(actor=worker, workplace=golmud_plant,
                                            data=finding_input())  # fmt: skip
    # a retired inspector reports no more
    inspector.active = False
    inspectors.inspector_save(actor=organizer_xining, inspector=inspector)
    assert phone.post("/api/v1/supervision/inspector-reports/",
                      {"workplace": plant.pk, "category": "fire", "description": "x",
                       "deadline": deadline, "responsible_person": "y"}).status_code == 404  # fmt: skip
    assert Finding.objects.count() == 1


def test_one_meeting_three_cards_and_training(network, organizer_xining, organizer_golmud, plant,
                                              golmud_plant):  # fmt: skip
    workplace_safety.safety_card_record(actor=organizer_xining, workplace=plant, kind="meeting",
                                        in_place=True, checked_on=days_ago(10))  # fmt: skip
    workplace_safety.safety_card_record(actor=organizer_xining, workplace=plant, kind="emergency",
                                        in_place=False, checked_on=days_ago(10),
                                        note="卡片未上墙")  # fmt: skip
    with pytest.raises(SupervisionError) as exc:  # older than the last check
        workplace_safety.safety_card_record(actor=organizer_xining, workplace=plant,
                                            kind="meeting", in_place=False,
                                            checked_on=days_ago(20))  # fmt: skip
    assert exc.value.field == "checked_on"
    with pytest.raises(PermissionDenied):
        workplace_safety.safety_card_record(actor=organizer_golmud, workplace=plant,
                                            kind="meeting", in_place=False,
                                            checked_on=days_ago(1))  # fmt: skip
    cards = {row["kind"]: row["missing"] for row in safety_cards(plant)}
    assert cards == {"meeting": False, "hazardous_work": True, "emergency": True, "checkup": True}

    record = workplace_safety.training_record_save(
        actor=organizer_xining,
        record=TrainingRecord(union=network.xining, workplace=plant, kind="company",
                              title="新员工厂级安全教育", held_on=days_ago(3), reached=45),
    )  # fmt: skip
    assert record.history.count() == 1
    with pytest.raises(SupervisionError) as exc:
        workplace_safety.training_record_save(
            actor=organizer_xining,
            record=TrainingRecord(union=network.xining, workplace=golmud_plant,
                                  kind="safety_month", title="安全生产月", held_on=days_ago(3),
                                  reached=300),
        )  # fmt: skip
    assert exc.value.field == "workplace"


def test_the_review_api_with_and_without_an_improvement_request(organizer_xining, plant):
    project = projects.project_save(
        actor=None, project=Project(workplace=plant, name="新建仓库", kind="new")
    )
    client = APIClient()
    client.force_login(organizer_xining)
    url = f"/api/v1/supervision/projects/{project.pk}/reviews/"
    day = days_ago(1).isoformat()
    missing = client.post(url, {"milestone": "design", "reviewed_on": day, "compliant": "false",
                                "opinion": "缺少通风设计", "finding": "null"}, format="multipart")  # fmt: skip
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "finding"
    failed = client.post(url, {"milestone": "design", "reviewed_on": day, "compliant": False,
                               "opinion": "缺少通风设计",
                               "finding": {"category": "occupational", "description": "缺少通风设计",
                                           "deadline": local_time.today().isoformat(),
                                           "responsible_person": "设计院"}}, format="json")  # fmt: skip
    assert failed.status_code == 201, failed.content
    review = failed.json()["reviews"][0]
    assert review["finding"]["source"] == "project" and review["finding"]["status"] == "open"
