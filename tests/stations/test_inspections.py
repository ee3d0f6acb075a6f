"""The "六有" inspection: checklist, stars, history, overdue flags."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import PermissionDenied
from stations.exceptions import StationsError
from stations.models import Inspection
from stations.selectors import stations_needing_inspection
from stations.services.inspections import inspection_record

pytestmark = [pytest.mark.django_db]

ALL_PASS = {code: (True, "") for code, _label in Inspection.CHECKS}


def test_record_an_inspection(network, organizer_xining):
    checks = {**ALL_PASS, "rules": (False, "制度未上墙")}
    inspection = inspection_record(
        actor=organizer_xining,
        station=network.xining_station,
        inspected_on=timezone.localdate(),
        checks=checks,
        stars=4,
        notes="整体良好",
    )
    assert inspection.passed == 5
    assert inspection.rules_note == "制度未上墙"
    assert inspection.inspector == organizer_xining
    assert inspection.history.count() == 1


def test_missing_check_and_bad_stars_are_refused(network, organizer_xining):
    partial = dict(ALL_PASS)
    del partial["findable"]
    with pytest.raises(StationsError) as excinfo:
        inspection_record(
            actor=organizer_xining,
            station=network.xining_station,
            inspected_on=timezone.localdate(),
            checks=partial,
            stars=4,
        )
    assert excinfo.value.field == "checks" and "findable" in excinfo.value.message
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        inspection_record(
            actor=organizer_xining,
            station=network.xining_station,
            inspected_on=timezone.localdate(),
            checks=ALL_PASS,
            stars=6,
        )
    assert "stars" in excinfo.value.message_dict
    with pytest.raises(StationsError):
        inspection_record(
            actor=organizer_xining,
            station=network.xining_station,
            inspected_on=timezone.localdate() + dt.timedelta(days=2),
            checks=ALL_PASS,
            stars=3,
        )
    assert not Inspection.objects.exists()


def test_inspections_are_scoped(network, organizer_xining, staff_xining):
    for actor, station in (
        (organizer_xining, network.golmud_station),
        (staff_xining, network.xining_station),
    ):
        with pytest.raises(PermissionDenied):
            inspection_record(
                actor=actor,
                station=station,
                inspected_on=timezone.localdate(),
                checks=ALL_PASS,
                stars=3,
            )


def test_overdue_list(network, organizer_xining, settings):
    settings.STATION_INSPECTION_MAX_AGE_DAYS = 180
    inspection_record(
        actor=organizer_xining,
        station=network.xining_station,
        inspected_on=timezone.localdate() - dt.timedelta(days=1),
        checks=ALL_PASS,
        stars=5,
    )
    inspection_record(
        actor=organizer_xining,
        station=network.xining_station_2,
        inspected_on=timezone.localdate() - dt.timedelta(days=200),
        checks=ALL_PASS,
        stars=3,
    )
    due = list(stations_needing_inspection(user=organizer_xining, max_age_days=180))
    assert [s.code for s in due] == ["QH-XN-0002"]  # Golmud is outside the organizer's union


def test_admin_flags_and_records_inspections(client, network, organizer_xining):
    client.force_login(organizer_xining)
    listing = client.get("/admin/stations/station/", {"inspection": "overdue"}).content.decode()
    assert "QH-XN-0001" in listing and "QH-HX-0001" not in listing
    data = {
        "station": network.xining_station.pk,
        "inspected_on": timezone.localdate().isoformat(),
        "stars": "5",
        "notes": "",
        **{f"{code}_ok": "on" for code, _label in Inspection.CHECKS},
    }
    response = client.post("/admin/stations/inspection/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get()
    assert inspection.inspector == organizer_xining and inspection.passed == 6
    listing = client.get("/admin/stations/station/", {"inspection": "overdue"}).content.decode()
    assert "QH-XN-0001" not in listing
