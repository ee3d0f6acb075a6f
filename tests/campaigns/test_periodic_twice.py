"""Every periodic (beat) task run twice has the effect of one run: a duplicate from beat
or a redelivery after a worker died sends no second mail and writes nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.services import reorder_levels
from campaigns.tasks import stock_alerts_daily
from core import time as local_time
from core.heartbeat import heartbeat_age
from core.tasks import heartbeat, housekeeping_daily
from stations.models import Region
from stations.services import partitions
from stations.tasks import visit_partitions_ensure
from supervision.models import Finding, NoticeSeries
from supervision.services import inspections, notice_register
from supervision.tasks import findings_overdue_daily, notices_overdue_daily
from tests.campaigns.test_reorder_and_expiry import NOW, receive_water
from tests.supervision.conftest import days_ago, finding_input
from tests.welfare.factories import WorkplaceFactory
from tests.welfare.test_weather import Provider
from welfare import services
from welfare.models import HazardReport, WeatherAlert
from welfare.tasks import health_checks_weekly, refresh_all_weather, retention_daily

pytestmark = [pytest.mark.django_db]

TESTED = {
    "campaigns.tasks.stock_alerts_daily",
    "core.tasks.import_files_purge_hourly",
    "stations.tasks.visit_partitions_ensure",
    "supervision.tasks.findings_overdue_daily",
    "supervision.tasks.notices_overdue_daily",
    "welfare.tasks.refresh_all_weather",
    "welfare.tasks.health_checks_weekly",
    "welfare.tasks.retention_daily",
    "core.tasks.heartbeat",
    "core.tasks.housekeeping_daily",
    # Twice over a local HTTP feed: tests/welfare/test_official_alerts.py
    # (test_feed_poll_over_http: the second run stores nothing, every signal a duplicate).
    "welfare.tasks.poll_official_alerts",
}


def test_every_beat_task_is_tested_twice_here():
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} == TESTED


@time_machine.travel(NOW, tick=False)
def test_stock_alerts_twice_send_one_mail(stock, organizer_xining):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    receive_water(stock, ("OLD", dt.date(2027, 7, 1), 6))
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.water, level=10)
    assert stock_alerts_daily() == stock_alerts_daily() == {str(stock.campaign.pk): 2}
    assert len(mail.outbox) == 1
    # The next day is another day: one more mail.
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        stock_alerts_daily()
    assert len(mail.outbox) == 2


def test_health_check_reminders_twice_send_one_mail(network, organizer_xining, monkeypatch):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    worker = services.worker_register(
        actor=None, name="赵师傅", category="sanitation", union=network.chengzhong, consent=True
    )
    services.health_check_record(
        actor=None, worker=worker, kind="periodic", checked_on=dt.date(2025, 1, 1),
        result="normal",
    )  # fmt: skip
    monkeypatch.setattr(local_time, "today", lambda: dt.date(2026, 1, 20))
    assert health_checks_weekly() == 1
    assert health_checks_weekly() == 0
    assert len(mail.outbox) == 1


def test_weather_refresh_twice_gives_the_same_alerts(network, settings):
    provider = Provider()
    settings.WEATHER_API_URL = provider.url
    try:
        region = Region.objects.get(code="630100")
        region.reference_point = Point(101.7782, 36.6171, srid=4326)
        region.save()
        assert refresh_all_weather() == 1
        first = sorted(WeatherAlert.objects.values_list("region__code", "day", "kind", "level"))
        assert first
        assert refresh_all_weather() == 1
        second = sorted(WeatherAlert.objects.values_list("region__code", "day", "kind", "level"))
        assert second == first and WeatherAlert.objects.count() == len(first)
    finally:
        provider.close()


def test_import_files_purge_twice_deletes_once():
    import os

    from core.import_jobs import FOLDER
    from core.private_files import private_storage
    from core.tasks import import_files_purge_hourly

    storage = private_storage()
    old = storage.save(f"{FOLDER}/{'c' * 32}.csv", ContentFile(b"name,phone"))
    long_ago = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(storage.path(old), (long_ago, long_ago))
    assert import_files_purge_hourly() >= 1
    assert not storage.exists(old)
    import_files_purge_hourly()  # again: nothing left to delete, no error
    assert not storage.exists(old)


def test_retention_twice_deletes_once(network, organizer_xining, settings):
    """(Photos and the rest: tests/campaigns/test_privacy.py.)"""
    settings.HAZARD_CONTACT_RETENTION_DAYS = 1
    report = services.hazard_report_submit(
        category="fire", description="通道堵塞", region="630103", address="城中区某路",
        contact="13800000000",
    )  # fmt: skip
    services.hazard_report_advance(
        actor=organizer_xining, report=report, status="unfounded", note="没有发现"
    )
    HazardReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - dt.timedelta(2))
    assert retention_daily()["hazard_contacts"] == 1
    assert retention_daily()["hazard_contacts"] == 0
    assert HazardReport.objects.get(pk=report.pk).contact == ""


def test_overdue_findings_twice_send_one_mail(network, organizer_xining):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    plant = WorkplaceFactory(name="西宁某铝业（测试）", union=network.chengzhong)
    inspections.inspection_record(
        actor=None, workplace=plant, inspected_on=days_ago(20), inspectors="李明",
        findings=[finding_input(deadline=days_ago(5)), finding_input(deadline=days_ago(-5))],
    )  # fmt: skip
    assert findings_overdue_daily() == 1
    assert findings_overdue_daily() == 0
    assert len(mail.outbox) == 1 and "整改逾期" in mail.outbox[0].subject
    assert Finding.objects.exclude(overdue_alerted_on=None).count() == 1


def test_overdue_notice_replies_twice_send_one_mail(network, organizer_xining):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    NoticeSeries.objects.create(union=network.xining, prefix="宁工劳保")
    plant = WorkplaceFactory(name="西宁某铝业（测试）", union=network.chengzhong)
    inspection = inspections.inspection_record(
        actor=None, workplace=plant, inspected_on=days_ago(20), inspectors="李明",
        union=network.xining,
    )  # fmt: skip
    notice_register.notice_issue(
        actor=organizer_xining, inspection=inspection, kind="opinion", issued_on=days_ago(20),
        reply_due=days_ago(5),
    )  # fmt: skip
    assert notices_overdue_daily() == 1
    assert notices_overdue_daily() == 0
    assert len(mail.outbox) == 1 and "书面答复逾期" in mail.outbox[0].subject


@pytest.mark.postgis
def test_visit_partitions_twice_create_them_once():
    """The migration made this month and the next ones; a year on, the task adds the
    months then ahead, and a second run adds nothing."""
    later = local_time.today() + dt.timedelta(days=366)
    before = set(partitions.visit_partitions())
    first = partitions.visit_partitions_ensure(months_ahead=2, today=later)
    assert first and not set(first) & before
    assert partitions.visit_partitions_ensure(months_ahead=2, today=later) == []
    assert visit_partitions_ensure() == []  # the task, as beat runs it: nothing missing
    assert set(partitions.visit_partitions()) == before | set(first)


def test_heartbeat_twice_keeps_one_fresh_beat():
    heartbeat()
    first = heartbeat_age(kind="worker")
    heartbeat()
    second = heartbeat_age(kind="worker")
    assert first is not None and second is not None
    assert 0 <= second <= first + 1 and second < 5


def test_housekeeping_twice_deletes_once(db):
    expired = SessionStore()
    expired["x"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    live = SessionStore()
    live["x"] = 1
    live.create()
    assert housekeeping_daily()["sessions"] == 1
    assert housekeeping_daily()["sessions"] == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
