"""Inspections and the rectification of their findings: the lifecycle with every illegal
move refused, 双报告, the overdue alert, checklists, photos and permissions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from stations.services import memberships as stations_services
from supervision.exceptions import SupervisionError
from supervision.models import ChecklistTemplate, Finding, FindingPhoto, Inspection
from supervision.services import inspections as svc
from supervision.tasks import findings_overdue_daily
from tests.factories import UserFactory
from tests.supervision.conftest import days_ago, finding_input, png

pytestmark = [pytest.mark.django_db]


def record(actor, workplace, *, findings=(), on=None, **kwargs):
    return svc.inspection_record(
        actor=actor, workplace=workplace, inspected_on=on or days_ago(1),
        inspectors="李明、张华", findings=list(findings), **kwargs,
    )  # fmt: skip


def test_an_inspection_with_checklist_agencies_and_findings(network, organizer_xining, plant):
    template = svc.checklist_template_save(
        actor=organizer_xining,
        template=ChecklistTemplate(
            union=network.xining, name="通用检查表", items=["安全管理制度", "劳动防护用品"]
        ),
    )
    inspection = record(
        organizer_xining, plant, agencies=["emergency", "health"], template=template,
        checklist=[{"ok": True, "note": ""}, {"ok": False, "note": "未发放防尘口罩"}],
        findings=[finding_input(), finding_input(category="ppe", severity="major")],
    )  # fmt: skip
    inspection.refresh_from_db()
    assert inspection.checklist == [
        {"item": "安全管理制度", "ok": True, "note": ""},
        {"item": "劳动防护用品", "ok": False, "note": "未发放防尘口罩"},
    ]
    assert inspection.get_agencies_display() == "应急管理、卫生健康"
    assert sorted(inspection.findings.values_list("category", "severity", "status")) == [
        ("equipment", "general", "open"),
        ("ppe", "major", "open"),
    ]
    finding = inspection.findings.get(category="ppe")
    assert finding.history.first().history_user == organizer_xining


def test_the_checklist_must_answer_every_item(network, organizer_xining, plant):
    template = svc.checklist_template_save(
        actor=None,
        template=ChecklistTemplate(union=network.province, name="省模板", items=["a", "b"]),
    )
    with pytest.raises(SupervisionError) as exc:
        record(organizer_xining, plant, template=template, checklist=[{"ok": True}])
    assert exc.value.field == "checklist"
    with pytest.raises(SupervisionError) as exc:
        record(organizer_xining, plant, template=template, checklist=[{"ok": True}, {"ok": "x"}])
    assert exc.value.field == "checklist[1].ok"
    assert not Inspection.objects.exists()


def test_a_bad_finding_leaves_nothing_behind(organizer_xining, plant):
    with pytest.raises(SupervisionError) as exc:
        record(
            organizer_xining, plant,
            findings=[finding_input(), finding_input(deadline=days_ago(30))],
        )  # fmt: skip
    assert exc.value.field == "findings[1].deadline"
    assert not Inspection.objects.exists() and not Finding.objects.exists()
    with pytest.raises(SupervisionError) as exc:
        record(organizer_xining, plant, findings=[finding_input(category="nonsense")])
    assert exc.value.field == "findings[0].category"
    with pytest.raises(SupervisionError) as exc:
        record(organizer_xining, plant, on=local_time.today() + dt.timedelta(days=1))
    assert exc.value.field == "inspected_on"


def test_the_rectification_lifecycle_and_every_illegal_move(organizer_xining, plant):
    inspection = record(organizer_xining, plant, findings=[finding_input()], on=days_ago(5))
    finding = inspection.findings.get()
    today = local_time.today()

    # open: only rectify
    with pytest.raises(Conflict):
        svc.finding_verify(actor=organizer_xining, finding=finding, verified_on=today)
    with pytest.raises(Conflict):
        svc.finding_reopen(actor=organizer_xining, finding=finding, reason="x")
    with pytest.raises(SupervisionError) as exc:  # before the finding was found
        svc.finding_rectify(
            actor=organizer_xining, finding=finding, rectified_on=days_ago(10), evidence="已修"
        )
    assert exc.value.field == "rectified_on"
    with pytest.raises(SupervisionError) as exc:
        svc.finding_rectify(
            actor=organizer_xining, finding=finding, rectified_on=days_ago(2), evidence=" "
        )
    assert exc.value.field == "evidence"

    svc.finding_rectify(
        actor=organizer_xining, finding=finding, rectified_on=days_ago(2),
        evidence="已更换光电保护装置并试车",
    )  # fmt: skip
    finding.refresh_from_db()
    assert (finding.status, finding.rectified_on) == ("rectified", days_ago(2))
    with pytest.raises(Conflict):
        svc.finding_rectify(
            actor=organizer_xining, finding=finding, rectified_on=today, evidence="again"
        )

    # rectified → open (does not hold) → rectified → verified
    svc.finding_reopen(
        actor=organizer_xining, finding=finding, reason="复查发现仍失效",
        deadline=today + dt.timedelta(days=7),
    )  # fmt: skip
    finding.refresh_from_db()
    assert (finding.status, finding.rectified_on) == ("open", None)
    assert finding.history.first().history_change_reason == "复查发现仍失效"
    svc.finding_rectify(actor=organizer_xining, finding=finding, rectified_on=today, evidence="ok")
    with pytest.raises(SupervisionError) as exc:
        svc.finding_verify(actor=organizer_xining, finding=finding, verified_on=days_ago(1))
    assert exc.value.field == "verified_on"
    svc.finding_verify(actor=organizer_xining, finding=finding, verified_on=today)
    finding.refresh_from_db()
    assert (finding.status, finding.verified_by) == ("verified", organizer_xining)

    # verified is final
    for move in (
        lambda: svc.finding_verify(actor=organizer_xining, finding=finding, verified_on=today),
        lambda: svc.finding_reopen(actor=organizer_xining, finding=finding, reason="x"),
        lambda: svc.finding_rectify(
            actor=organizer_xining, finding=finding, rectified_on=today, evidence="x"
        ),
    ):
        with pytest.raises(Conflict):
            move()
    assert [h.status for h in finding.history.order_by("history_id")] == [
        "open", "rectified", "open", "rectified", "verified",
    ]  # fmt: skip


def test_double_report_of_a_major_finding(organizer_xining, plant):
    inspection = record(
        organizer_xining, plant, on=days_ago(3),
        findings=[finding_input(severity="major"), finding_input(severity="general")],
    )  # fmt: skip
    major = inspection.findings.get(severity="major")
    general = inspection.findings.get(severity="general")
    with pytest.raises(Conflict) as exc:
        svc.finding_report_government(
            actor=organizer_xining, finding=general, reported_on=days_ago(1), recipient="应急局"
        )
    assert exc.value.field == "severity"
    svc.finding_report_government(
        actor=organizer_xining, finding=major, reported_on=days_ago(2),
        recipient="西宁市应急管理局",
    )  # fmt: skip
    with pytest.raises(Conflict):
        svc.finding_report_government(
            actor=organizer_xining, finding=major, reported_on=days_ago(1), recipient="again"
        )
    # The union verifies only when both of the enterprise's reports are in.
    with pytest.raises(Conflict) as exc:
        svc.finding_dual_report_verify(
            actor=organizer_xining, finding=major, verified_on=local_time.today()
        )
    assert exc.value.field == "dual_report"
    # The enterprise reports to its congress while the hazard is still open (安全生产法
    # §41 asks for the report, not for the rectification first).
    svc.finding_report_congress(
        actor=organizer_xining, finding=major, reported_on=days_ago(1),
        recipient="第三届职代会主席团", note="职代会通报",
    )  # fmt: skip
    major.refresh_from_db()
    assert major.status == "open"
    assert major.government_reported_on == days_ago(2)
    assert major.government_recipient == "西宁市应急管理局"
    assert major.congress_reported_on == days_ago(1)
    assert major.congress_recipient == "第三届职代会主席团"
    with pytest.raises(Conflict):
        svc.finding_report_congress(
            actor=organizer_xining, finding=major, reported_on=local_time.today()
        )
    svc.finding_dual_report_verify(
        actor=organizer_xining, finding=major, verified_on=local_time.today()
    )
    major.refresh_from_db()
    assert major.dual_verified_on == local_time.today()
    assert major.dual_verified_by == organizer_xining


@pytest.mark.parametrize(("age", "overdue"), [(7, False), (8, True)])
def test_a_missing_enterprise_report_is_overdue_after_seven_days(
    organizer_xining, plant, age, overdue
):
    inspection = record(organizer_xining, plant, on=days_ago(age),
                        findings=[finding_input(severity="major", deadline=days_ago(-5))])  # fmt: skip
    major = inspection.findings.get()
    svc.finding_report_government(
        actor=organizer_xining, finding=major, reported_on=days_ago(age), recipient="应急局"
    )
    major.refresh_from_db()
    assert svc.dual_report_overdue(major, on=local_time.today()) is overdue
    svc.finding_report_congress(actor=organizer_xining, finding=major, reported_on=days_ago(0))
    major.refresh_from_db()
    assert svc.dual_report_overdue(major, on=local_time.today()) is False


def test_overdue_findings_alert_once(network, organizer_xining, province_admin, plant):
    organizer_xining.email = "xn@example.org"
    organizer_xining.save()
    province_admin.email = "qh@example.org"
    province_admin.save()
    inspection = record(
        organizer_xining, plant, on=days_ago(30),
        findings=[finding_input(deadline=days_ago(10)), finding_input(deadline=days_ago(1)),
                  finding_input(deadline=local_time.today())],
    )  # fmt: skip
    done = inspection.findings.get(deadline=days_ago(1))
    svc.finding_rectify(
        actor=organizer_xining, finding=done, rectified_on=days_ago(2), evidence="ok"
    )

    assert findings_overdue_daily.delay().get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["qh@example.org", "xn@example.org"]
    assert "冲床" not in mail.outbox[0].body and plant.name in mail.outbox[0].body
    overdue = inspection.findings.get(deadline=days_ago(10))
    assert overdue.overdue_alerted_on == local_time.today()
    # the second run of the day alerts nothing again
    assert findings_overdue_daily.delay().get() == 0
    assert len(mail.outbox) == 2
    # reopened with a new deadline, a finding may be alerted again when that one passes
    assert Finding.objects.filter(overdue_alerted_on__isnull=False).count() == 1


def test_photos_are_cleaned_and_kept(settings, tmp_path, organizer_xining, plant):
    settings.MEDIA_ROOT = tmp_path
    inspection = record(organizer_xining, plant, findings=[finding_input(photos=[png()])])
    finding = inspection.findings.get()
    svc.finding_rectify(
        actor=organizer_xining, finding=finding, rectified_on=local_time.today(),
        evidence="更换后照片", photos=[png("after.png")],
    )  # fmt: skip
    assert sorted(FindingPhoto.objects.values_list("kind", flat=True)) == ["evidence", "finding"]
    assert all(p.photo.name.endswith(".png") for p in FindingPhoto.objects.all())


def test_an_organizer_of_another_union_may_not_touch_it(organizer_xining, organizer_golmud, plant):
    with pytest.raises(PermissionDenied):
        record(organizer_golmud, plant)
    inspection = record(organizer_xining, plant, findings=[finding_input()])
    finding = inspection.findings.get()
    with pytest.raises(PermissionDenied):
        svc.finding_rectify(
            actor=organizer_golmud, finding=finding, rectified_on=local_time.today(), evidence="x"
        )
    with pytest.raises(PermissionDenied):
        svc.finding_add(actor=organizer_golmud, inspection=inspection, data=finding_input())
    finding.refresh_from_db()
    assert finding.status == "open" and inspection.findings.count() == 1


# API -----------------------------------------------------------------------------------


def api_as(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def test_the_api_records_and_moves_a_finding(organizer_xining, plant):
    client = api_as(organizer_xining)
    deadline = (local_time.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(
        "/api/v1/supervision/inspections/",
        {"workplace": plant.pk, "inspected_on": days_ago(1).isoformat(), "inspectors": "李明",
         "agencies": ["emergency"],
         "findings": [{"category": "forced_risk", "severity": "major",
                       "description": "强令工人在无防护条件下高处作业",
                       "deadline": deadline, "responsible_person": "赵经理",
                       "law_cited": "《安全生产法》第五十四条"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["workplace_name"] == plant.name
    finding_id = body["findings"][0]["id"]
    base = f"/api/v1/supervision/findings/{finding_id}/"

    illegal = client.post(base + "verify/", {"verified_on": local_time.today().isoformat()})
    assert illegal.status_code == 409
    assert illegal.json()["error"]["field"] == "status"

    rectified = client.post(
        base + "rectify/",
        {"rectified_on": local_time.today().isoformat(), "evidence": "已设置安全网"},
    )
    assert rectified.status_code == 200 and rectified.json()["status"] == "rectified"
    verified = client.post(base + "verify/", {"verified_on": local_time.today().isoformat()})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"

    listed = client.get("/api/v1/supervision/findings/?status=verified").json()
    assert [f["id"] for f in listed] == [finding_id]
    bad = client.get("/api/v1/supervision/findings/?status=nope")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "status"


def test_the_api_refuses_others_and_strangers(organizer_xining, organizer_golmud, plant):
    inspection = record(organizer_xining, plant, findings=[finding_input()])
    finding = inspection.findings.get()
    other = api_as(organizer_golmud)
    assert other.get("/api/v1/supervision/inspections/").json() == []
    assert other.get(f"/api/v1/supervision/inspections/{inspection.pk}/").status_code == 404
    refused = other.post(
        f"/api/v1/supervision/findings/{finding.pk}/rectify/",
        {"rectified_on": local_time.today().isoformat(), "evidence": "x"},
    )
    assert refused.status_code == 404
    create = other.post(
        "/api/v1/supervision/inspections/",
        {"workplace": plant.pk, "inspected_on": days_ago(1).isoformat(), "inspectors": "x"},
        format="json",
    )
    assert create.status_code == 404 and create.json()["error"]["field"] == "workplace"

    anonymous = api_as()
    assert anonymous.get("/api/v1/supervision/findings/").status_code in (401, 403)
    assert anonymous.post(f"/api/v1/supervision/findings/{finding.pk}/verify/").status_code in (
        401,
        403,
    )

    staff = UserFactory(username="staff-only", is_staff=False)
    stations_services.membership_grant(
        actor=None, user=staff, union=plant.union, role="station_staff", stations=[]
    )
    assert api_as(staff).get("/api/v1/supervision/findings/").status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_client_uuid_records_an_inspection_once(organizer_xining, plant, golmud_plant):
    key = uuid.uuid4()
    first = record(organizer_xining, plant, findings=[finding_input()], client_uuid=key)
    again = record(organizer_xining, plant, findings=[finding_input()], client_uuid=key)
    assert again.pk == first.pk
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 1
    with pytest.raises(Conflict) as exc:
        record(None, golmud_plant, client_uuid=key)
    assert exc.value.field == "client_uuid"
