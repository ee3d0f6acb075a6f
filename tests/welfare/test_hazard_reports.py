"""Hazard reports: public form and API, tracking code, workflow, the reporter protected."""

import json

import pytest
from rest_framework.test import APIClient

from core.errors import Conflict, DomainError, PermissionDenied
from tests.factories import UserFactory
from welfare import services
from welfare.models import HazardReport

pytestmark = [pytest.mark.django_db]
SECRET_CONTACT = "13912345678 王某"


@pytest.fixture
def regions(network):
    from django.contrib.gis.geos import Point

    from stations.models import Region

    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    Region.objects.filter(code="632801").update(reference_point=Point(94.90, 36.40, srid=4326))
    return network


def submit(client=None, **extra):
    body = {"lat": 36.63, "lng": 101.77, "address": "城中区某工地", "category": "height",
            "description": "脚手架没有护栏", "contact": SECRET_CONTACT, **extra}  # fmt: skip
    return (client or APIClient()).post("/api/v1/hazard-reports/", body, format="json")


def test_report_goes_to_the_nearest_county_union_and_code_shows_status_only(regions):
    response = submit()
    assert response.status_code == 201
    code = response.json()["tracking_code"]
    assert len(code) == 10
    report = HazardReport.objects.get(tracking_code=code)
    assert report.union.code == "QH-XN-CZ"
    status = APIClient().get(f"/api/v1/hazard-reports/{code}/").json()
    assert set(status) == {"tracking_code", "status", "status_label", "outcome", "final", "steps"}
    assert status["status"] == "received"
    assert SECRET_CONTACT not in json.dumps(status, ensure_ascii=False)
    assert "脚手架" not in json.dumps(status, ensure_ascii=False)
    assert APIClient().get("/api/v1/hazard-reports/NOPE000000/").status_code == 404


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"category": "ufo"}, "category"), ({"description": ""}, "description"),
     ({"lat": "north"}, "lat"), ({"lat": "", "lng": "", "address": ""}, "address")],
)  # fmt: skip
def test_bad_reports_name_the_field(regions, extra, field):
    response = submit(**extra)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert not HazardReport.objects.exists()


def test_workflow_and_the_contact_only_for_the_handler(
    regions, organizer_xining, province_admin, client
):
    report = HazardReport.objects.get(tracking_code=submit().json()["tracking_code"])
    with pytest.raises(Conflict):
        services.hazard_report_advance(actor=organizer_xining, report=report, status="closed")
    with pytest.raises(DomainError) as excinfo:
        services.hazard_report_advance(actor=organizer_xining, report=report, status="verified")
    assert excinfo.value.field == "grade"
    services.hazard_report_advance(
        actor=organizer_xining, report=report, status="verified", grade="major", note="属实"
    )
    # Another organizer above may not take over, nor see who reported.
    with pytest.raises(PermissionDenied):
        services.hazard_report_advance(actor=province_admin, report=report, status="passed_on")
    with pytest.raises(PermissionDenied):
        services.hazard_report_contact(actor=province_admin, report=report)
    assert services.hazard_report_contact(actor=organizer_xining, report=report) == SECRET_CONTACT
    for status in ("passed_on", "rectified", "closed"):
        services.hazard_report_advance(actor=organizer_xining, report=report, status=status)
    report.refresh_from_db()
    assert report.status == "closed" and report.reward.amount == 1000 and not report.reward.paid_on
    assert [s.status for s in report.steps.all()] == [
        "received",
        "verified",
        "passed_on",
        "rectified",
        "closed",
    ]
    assert report.steps.get(status="verified").actor == organizer_xining
    # Admin: the list and other organizers never show the contact.
    client.force_login(province_admin)
    listing = client.get("/admin/welfare/hazardreport/").content.decode()
    assert report.tracking_code in listing and SECRET_CONTACT not in listing
    page = client.get(f"/admin/welfare/hazardreport/{report.pk}/change/").content.decode()
    assert SECRET_CONTACT not in page
    client.force_login(organizer_xining)
    page = client.get(f"/admin/welfare/hazardreport/{report.pk}/change/").content.decode()
    assert SECRET_CONTACT in page
    # Nothing about the reporter in the history either.
    assert not hasattr(report.history.first(), "contact")


def test_outsiders_cannot_handle(regions):
    report = HazardReport.objects.get(tracking_code=submit().json()["tracking_code"])
    with pytest.raises(PermissionDenied):
        services.hazard_report_advance(
            actor=UserFactory(username="x"), report=report, status="verified", grade="general"
        )


def test_public_form_and_rate_limit(regions, client):
    response = client.post("/hazards/report/", {"lat": "36.63", "lng": "101.77", "category": "fire",
                                                "description": "灭火器过期"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "已受理" in page.content.decode()
    api = APIClient()
    codes = [submit(api).status_code for _ in range(20)]
    assert codes.count(429) >= 10


def test_organizer_welfare_page_lists_open_reports_without_contacts(
    regions, organizer_xining, client
):
    code = submit().json()["tracking_code"]
    client.force_login(organizer_xining)
    page = client.get("/organizer/workplaces/").content.decode()
    assert code in page and SECRET_CONTACT not in page
