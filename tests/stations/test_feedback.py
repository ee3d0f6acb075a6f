"""Worker feedback and problem reports: public forms, moderation, photos, rate limits."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from core.errors import Conflict, DomainError, PermissionDenied
from stations.models import FacilityReport, Feedback
from stations.services.public_reports import (
    feedback_moderate,
    feedback_submit,
    report_set_status,
    report_submit,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF carries a GPS position (what a phone camera writes)."""
    image = Image.new("RGB", (40, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (36.0, 37.0, 1.0)
    gps[3], gps[4] = "E", (101.0, 46.0, 41.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_jpeg_fixture_really_has_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(0x8825)


def test_rating_and_comment_wait_for_approval(client, network, organizer_xining):
    response = client.post(
        "/stations/QH-XN-0001/feedback/", {"rating": "4", "comment": "水很好喝"}, follow=True
    )
    assert response.status_code == 200
    assert "水很好喝" not in response.content.decode()  # not before approval
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.status) == (4, "pending")
    detail = client.get("/api/v1/stations/QH-XN-0001/").json()["properties"]
    assert detail["rating"] == {"average": 4.0, "count": 1}
    assert detail["comments"] == []
    feedback_moderate(actor=organizer_xining, feedback=feedback, status="approved")
    assert "水很好喝" in client.get("/stations/QH-XN-0001/").content.decode()
    assert (
        client.get("/api/v1/stations/QH-XN-0001/").json()["properties"]["comments"][0]["comment"]
        == "水很好喝"
    )


def test_hidden_feedback_leaves_the_summary(network, organizer_xining):
    a = feedback_submit(station_code="QH-XN-0001", rating=5, comment="好")
    feedback_submit(station_code="QH-XN-0001", rating=1, comment="广告")
    feedback_moderate(actor=organizer_xining, feedback=a, status="hidden")
    from stations.selectors import rating_summary

    assert rating_summary(station=network.xining_station) == {"average": 1.0, "count": 1}


def test_organizer_outside_the_union_cannot_moderate(network, organizer_xining):
    feedback = feedback_submit(station_code="QH-HX-0001", rating=3, comment="x")
    with pytest.raises(PermissionDenied):
        feedback_moderate(actor=organizer_xining, feedback=feedback, status="approved")
    assert Feedback.objects.get().status == "pending"


@pytest.mark.parametrize(("rating", "field"), [("0", "rating"), ("6", "rating"), ("x", "rating")])
def test_bad_rating_is_refused_with_the_field(network, rating, field):
    response = APIClient().post(
        "/api/v1/stations/QH-XN-0001/feedback/", {"rating": rating}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert not Feedback.objects.exists()


def test_feedback_for_unknown_station_is_404(network):
    response = APIClient().post(
        "/api/v1/stations/QH-NO-0001/feedback/", {"rating": 3}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": {"field": "station", "message": "没有编号为 QH-NO-0001 的运行中站点。"}
    }
    assert not Feedback.objects.exists()


def test_burst_of_20_gets_429(network):
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/stations/QH-XN-0001/feedback/", {"rating": 5}, format="json"
        ).status_code
        for _ in range(20)
    ]
    assert codes.count(201) == 10
    assert codes[10:] == [429] * 10
    assert Feedback.objects.count() == 10
    # The HTML form shares the same limit per address.
    page = client.post("/stations/QH-XN-0001/feedback/", {"rating": "5"})
    assert page.status_code == 429


def test_photo_report_strips_exif_location(network):
    upload = SimpleUploadedFile("broken.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = APIClient().post(
        "/api/v1/stations/QH-XN-0001/reports/",
        {"kind": "water_broken", "description": "饮水机不出水", "photo": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = FacilityReport.objects.get()
    with report.photo.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        exif = stored.getexif()
        assert not exif.get_ifd(0x8825)  # no GPS
        assert 0x010F not in exif
    report.photo.delete(save=False)


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        ("x.jpg", b"not an image at all", "image/jpeg"),
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ],
)
def test_only_jpeg_png_webp_photos(network, name, content, ctype):
    response = APIClient().post(
        "/api/v1/stations/QH-XN-0001/reports/",
        {"kind": "other", "photo": SimpleUploadedFile(name, content, content_type=ctype)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "photo"
    assert not FacilityReport.objects.exists()


def test_oversized_photo_is_refused(network, settings):
    settings.REPORT_PHOTO_MAX_BYTES = 1024
    image = Image.new("RGB", (400, 400))
    for x in range(0, 400, 3):
        image.putpixel((x, x), (x % 255, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(DomainError) as excinfo:
        report_submit(
            station_code="QH-XN-0001",
            kind="other",
            photo=SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png"),
        )
    assert excinfo.value.field == "photo"


def test_unknown_problem_kind(network):
    response = APIClient().post(
        "/api/v1/stations/QH-XN-0001/reports/", {"kind": "ufo"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "kind"


def test_problem_workflow_and_fixed_shown_on_station_page(client, network, organizer_xining):
    report = report_submit(station_code="QH-XN-0001", kind="toilet_unusable")
    page = client.get("/stations/QH-XN-0001/").content.decode()
    assert "卫生间不能用" in page and "待处理" in page
    report_set_status(actor=organizer_xining, report=report, status="in_progress")
    report_set_status(actor=organizer_xining, report=report, status="fixed", note="已修好")
    page = client.get("/stations/QH-XN-0001/").content.decode()
    assert "已修复" in page
    with pytest.raises(Conflict):
        report_set_status(actor=organizer_xining, report=report, status="dismissed")
    assert report.history.count() == 3


def test_staff_cannot_handle_reports(network, staff_xining):
    report = report_submit(station_code="QH-XN-0001", kind="other")
    with pytest.raises(PermissionDenied):
        report_set_status(actor=staff_xining, report=report, status="fixed")


def test_organizer_moderates_in_the_admin(client, network, organizer_xining):
    mine = feedback_submit(station_code="QH-XN-0001", rating=5, comment="好")
    other = feedback_submit(station_code="QH-HX-0001", rating=2, comment="远")
    client.force_login(organizer_xining)
    listing = client.get("/admin/stations/feedback/").content.decode()
    assert "好" in listing and "远" not in listing
    client.post(
        "/admin/stations/feedback/",
        {"action": "approve", "_selected_action": [mine.pk, other.pk]},
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == "approved"
    assert other.status == "pending"  # outside the organizer's union: untouched


def test_nobody_else_moderates(network):
    feedback = feedback_submit(station_code="QH-XN-0001", rating=5)
    with pytest.raises(PermissionDenied):
        feedback_moderate(actor=UserFactory(username="random"), feedback=feedback, status="hidden")
