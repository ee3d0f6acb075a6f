"""PIPL: personal data past its period is deleted by a task that is safe to run twice, and
a worker erased on request leaves counts behind but nothing that points to them."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from PIL import Image

from campaigns.models import Distribution, Voucher
from campaigns.services import ledger, vouchers
from core.errors import PermissionDenied
from core.identity import worker_key
from stations.models import FacilityReport
from stations.services import public_reports
from tests.welfare.factories import HealthCheckFactory, WorkerFactory
from welfare import services
from welfare.models import HazardReport, HealthCheck, Worker
from welfare.tasks import retention_daily

pytestmark = [pytest.mark.django_db]
PHONE = "13912345678"


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _age(model, pk: int, days: int) -> None:
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.HAZARD_CONTACT_RETENTION_DAYS = 30
    settings.REPORT_PHOTO_RETENTION_DAYS = 30
    return tmp_path


def _hazard(organizer, *, close: bool, contact: str = "张三 13800000000"):
    report = services.hazard_report_submit(
        category="fire", description="通道堵塞", region="630103", address="城中区某路",
        contact=contact, photo=_photo(),
    )  # fmt: skip
    if close:
        services.hazard_report_advance(
            actor=organizer, report=report, status="unfounded", note="现场没有发现"
        )
    return HazardReport.objects.get(pk=report.pk)


def test_retention_deletes_closed_reports_contacts_and_photos_once(
    network, organizer_xining, media, django_capture_on_commit_callbacks
):
    old_closed = _hazard(organizer_xining, close=True)
    recent_closed = _hazard(organizer_xining, close=True)
    old_open = _hazard(organizer_xining, close=False)
    _age(HazardReport, old_closed.pk, 31)
    _age(HazardReport, old_open.pk, 200)
    fixed = public_reports.report_submit(
        station_code="QH-XN-0001", kind="other", description="门口积水", photo=_photo()
    )
    public_reports.report_set_status(actor=organizer_xining, report=fixed, status="fixed")
    _age(FacilityReport, fixed.pk, 31)
    photo_files = [old_closed.photo.path, FacilityReport.objects.get(pk=fixed.pk).photo.path]

    with django_capture_on_commit_callbacks(execute=True):
        done = services.retention_run()
    assert done == {"hazard_contacts": 1, "hazard_photos": 1, "report_photos": 1}
    old_closed.refresh_from_db()
    assert old_closed.contact == "" and not old_closed.photo
    assert not any(h.photo for h in HazardReport.history.filter(id=old_closed.pk))
    assert FacilityReport.objects.get(pk=fixed.pk).photo.name == ""
    assert not any(os.path.exists(p) for p in photo_files)
    # Still within their period, or still being handled: untouched.
    for kept in (recent_closed, old_open):
        kept.refresh_from_db()
        assert kept.contact and kept.photo
    # The closure date did not move, and a second run (the beat task) finds nothing.
    assert HazardReport.objects.get(pk=old_closed.pk).updated_at < timezone.now() - dt.timedelta(
        days=30
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_daily() == {"hazard_contacts": 0, "hazard_photos": 0, "report_photos": 0}


def test_a_worker_erased_on_request_leaves_counts_but_no_link(
    network, stock, organizer_xining, organizer_golmud
):
    worker = WorkerFactory(union=network.xining, phone=PHONE, name="韩师傅", job="焊工")
    HealthCheckFactory(worker=worker, notes="左耳听力下降，韩师傅自述")
    ledger.stock_receive(
        actor=None, location=stock.station, campaign=stock.campaign,
        lines=[ledger.ReceiptLine(stock.hat, 50)],
    )  # fmt: skip
    ledger.stock_distribute(
        actor=organizer_xining, campaign=stock.campaign, location=stock.station,
        item=stock.hat, quantity=1, category="construction", phone=PHONE,
    )  # fmt: skip
    other = ledger.stock_distribute(
        actor=organizer_xining, campaign=stock.campaign, location=stock.station,
        item=stock.hat, quantity=1, category="construction", phone="13700000000",
    )  # fmt: skip
    vouchers.voucher_issue(
        actor=organizer_xining, campaign=stock.campaign, phone=PHONE, item=stock.hat,
        category="construction",
    )  # fmt: skip
    key = worker_key(PHONE)
    assert Distribution.objects.filter(worker_key=key).count() == 1
    totals = Distribution.objects.aggregate(n=Sum("quantity"))

    with pytest.raises(PermissionDenied):
        services.worker_erase(actor=organizer_golmud, worker=worker)
    assert Worker.objects.get(pk=worker.pk).name == "韩师傅"

    client = Client()
    admin_user = get_user_model().objects.get(pk=organizer_xining.pk)
    client.force_login(admin_user)
    response = client.post(
        "/admin/welfare/worker/",
        {"action": "erase_on_request", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302

    worker.refresh_from_db()
    assert (worker.name, worker.id_last4, worker.job, worker.phone_key) == (
        "（已删除）",
        "",
        "",
        "",
    )
    assert worker.category == "construction"  # kept for the union's statistics
    assert not Worker.history.filter(id=worker.pk, name="韩师傅").exists()
    assert not Worker.history.filter(id=worker.pk, job="焊工").exists()
    check = HealthCheck.objects.get(worker=worker)
    assert check.result == "normal" and check.notes == ""
    assert not HealthCheck.history.filter(worker_id=worker.pk).exclude(notes="").exists()
    # Nothing carries the key any more; the counts are the same.
    assert not Distribution.objects.filter(worker_key=key).exists()
    assert not Voucher.objects.filter(worker_key=key).exists()
    assert not Voucher.history.filter(worker_key=key).exists()
    assert Distribution.objects.aggregate(n=Sum("quantity")) == totals
    assert Distribution.objects.count() == 2 and Voucher.objects.count() == 1
    assert Distribution.objects.get(pk=other.pk).worker_key == worker_key("13700000000")
    # Erasing again changes nothing more.
    again = services.worker_erase(actor=organizer_xining, worker=worker)
    assert again.detached == 0 and again.checks == 0
