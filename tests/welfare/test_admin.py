"""The welfare back office writes only through the services: a change of a recorded check
or measurement is a correction with a reason in its history, a workplace is saved with its
hazards in one call, and an organizer sees and changes nothing of another union."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.gis.geos import GEOSGeometry, Point
from django.urls import reverse

from core import time as local_time
from core.errors import PermissionDenied
from tests.welfare.conftest import GOLMUD_POINT, XINING_POINT
from tests.welfare.factories import (
    HazardReportFactory,
    HealthCheckFactory,
    WorkerFactory,
    WorkplaceFactory,
)
from welfare import services
from welfare.models import HazardReport, HealthCheck, Measurement, Workplace, WorkplaceHazard

pytestmark = [pytest.mark.django_db]
TODAY = dt.date(2027, 3, 1)
SECRET_CONTACT = "13912345678 王某"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(local_time, "today", lambda: TODAY)


def form_data(page) -> dict[str, object]:
    """What the browser would send back from an admin change page, unchanged."""
    data: dict[str, object] = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, GEOSGeometry):
            value = value.ewkt  # a geometry is iterable: the client would send its coordinates
        if value not in (None, False):
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value not in (None, False, ""):
                    data[sub.add_prefix(name)] = value
    return data


# Corrections -------------------------------------------------------------------------------


def test_editing_a_check_in_the_admin_corrects_it_with_the_reason_in_history(
    client, network, organizer_xining
):
    worker = WorkerFactory(name="李师傅", union=network.chengzhong)
    check = HealthCheckFactory(worker=worker, checked_on=dt.date(2026, 3, 10))
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2027, 3, 10)
    client.force_login(organizer_xining)
    url = reverse("admin:welfare_healthcheck_change", args=[check.pk])
    data = form_data(client.get(url))
    data.update(checked_on="2026-09-10", result="contraindication")

    refused = client.post(url, data)  # a correction without a reason
    assert refused.status_code == 200
    assert "请说明更正的原因" in refused.content.decode()
    check.refresh_from_db()
    assert check.checked_on == dt.date(2026, 3, 10)

    response = client.post(url, {**data, "reason": "体检日期录错了"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HealthCheck.objects.count() == 1  # corrected, not a second record
    check.refresh_from_db()
    assert (check.checked_on, check.result) == (dt.date(2026, 9, 10), "contraindication")
    assert check.next_due == dt.date(2027, 9, 10)
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2027, 9, 10)
    assert worker.needs_reassignment is True
    latest, first = check.history.all()[:2]
    assert latest.history_user == organizer_xining
    assert latest.history_change_reason == "体检日期录错了"
    assert first.checked_on == dt.date(2026, 3, 10)  # the old values are kept
    assert worker.history.first().history_user == organizer_xining


def test_editing_a_measurement_in_the_admin_corrects_it(client, network, organizer_xining):
    workplace = WorkplaceFactory(union=network.xining)
    measurement = services.measurement_record(
        actor=organizer_xining, workplace=workplace, measured_on=dt.date(2027, 2, 20),
        air_temperature=Decimal("30"), wbgt=Decimal("25.0"), intensity="heavy",
    )  # fmt: skip
    assert measurement.verdict == "ok"
    client.force_login(organizer_xining)
    url = reverse("admin:welfare_measurement_change", args=[measurement.pk])
    data = form_data(client.get(url))
    data.update(wbgt="27.0", reason="读数抄错")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Measurement.objects.count() == 1
    measurement.refresh_from_db()
    assert (measurement.wbgt, measurement.verdict) == (Decimal("27.0"), "heat_over")
    latest = measurement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (organizer_xining, "读数抄错")
    assert measurement.history.count() == 2


def test_adding_a_check_in_the_admin_records_it(client, network, organizer_xining):
    worker = WorkerFactory(union=network.xining, hazards=["high_temperature"])
    client.force_login(organizer_xining)
    response = client.post(
        reverse("admin:welfare_healthcheck_add"),
        {"worker": worker.pk, "kind": "periodic", "checked_on": "2026-07-10", "result": "normal"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    check = HealthCheck.objects.get()
    # Within the 2026 hot season: the next is due before the 2027 season (GBZ 188 §7.3).
    assert check.recorded_by == organizer_xining and check.next_due == dt.date(2027, 6, 1)
    future = client.post(
        reverse("admin:welfare_healthcheck_add"),
        {"worker": worker.pk, "kind": "periodic", "checked_on": "2027-03-02", "result": "normal"},
    )
    assert future.status_code == 200 and "体检日期不能在将来" in future.content.decode()
    assert HealthCheck.objects.count() == 1


def test_correction_rules(network, organizer_xining, organizer_golmud):
    worker = WorkerFactory(union=network.xining)
    older = HealthCheckFactory(worker=worker, checked_on=dt.date(2025, 5, 1),
                               result="contraindication")  # fmt: skip
    HealthCheckFactory(worker=worker, checked_on=dt.date(2026, 5, 1))
    worker.refresh_from_db()
    assert worker.needs_reassignment and worker.next_check_due == dt.date(2027, 5, 1)
    with pytest.raises(PermissionDenied):
        services.health_check_correct(
            actor=organizer_golmud, check=older, result="normal", reason="别的工会"
        )
    with pytest.raises(services.WelfareError) as excinfo:
        services.health_check_correct(actor=organizer_xining, check=older, result="normal",
                                      reason="  ")  # fmt: skip
    assert excinfo.value.field == "reason"
    # An older check corrected: the schedule still follows the latest check, and the
    # reassignment flag set only by this check's contraindication is cleared.
    services.health_check_correct(
        actor=organizer_xining, check=older, result="normal", checked_on=dt.date(2025, 4, 1),
        reason="结论录错",
    )  # fmt: skip
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2027, 5, 1)
    assert worker.needs_reassignment is False
    assert older.history.first().history_change_reason == "结论录错"


# Workplace hazards ---------------------------------------------------------------------------


def test_admin_saves_workplace_and_hazards_through_one_service_call(
    client, network, organizer_xining, monkeypatch
):
    workplace = WorkplaceFactory(union=network.xining, hazards={"high_temperature": 10, "noise": 5})
    calls = []
    real = services.workplace_save

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "workplace_save", spy)
    client.force_login(organizer_xining)
    url = reverse("admin:welfare_workplace_change", args=[workplace.pk])
    data = form_data(client.get(url))
    rows = {data[f"hazards-{i}-hazard"]: i for i in range(2)}
    data["name"] = "改名后的企业"
    data[f"hazards-{rows['high_temperature']}-exposed"] = 30
    data[f"hazards-{rows['noise']}-DELETE"] = "on"
    data.update({"hazards-2-hazard": "dust", "hazards-2-exposed": 7, "hazards-2-dust_grade": 1})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(calls) == 1
    assert calls[0]["hazards"] == {
        "high_temperature": {"exposed": 30, "noise_dba": None, "dust_grade": None},
        "dust": {"exposed": 7, "noise_dba": None, "dust_grade": 1},
    }
    workplace.refresh_from_db()
    assert workplace.name == "改名后的企业"
    assert {h.hazard: h.exposed for h in workplace.hazards.all()} == {
        "high_temperature": 30,
        "dust": 7,
    }
    assert workplace.history.first().history_user == organizer_xining
    changed = WorkplaceHazard.history.filter(history_user=organizer_xining)
    assert sorted(changed.values_list("hazard", "history_type")) == [
        ("dust", "+"), ("high_temperature", "~"), ("noise", "-"),
    ]  # fmt: skip


def test_admin_adds_a_workplace_with_its_hazards(client, network, organizer_xining):
    client.force_login(organizer_xining)
    response = client.post(reverse("admin:welfare_workplace_add"), {
        "name": "新企业", "credit_code": "914403001922038216",
        "location": "SRID=4326;POINT (101.78 36.62)", "address": "西宁",
        "region": network.xining.region.pk, "union": network.xining.pk,
        "hazards-TOTAL_FORMS": "1", "hazards-INITIAL_FORMS": "0",
        "hazards-0-hazard": "high_altitude", "hazards-0-exposed": "12",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    workplace = Workplace.objects.get()
    assert [(h.hazard, h.exposed) for h in workplace.hazards.all()] == [("high_altitude", 12)]


def test_workplace_and_hazards_are_one_transaction(network, organizer_xining):
    workplace = WorkplaceFactory(union=network.xining, hazards={"noise": 5})
    workplace.name = "不该保存的名字"
    with pytest.raises(services.WelfareError):
        services.workplace_save(actor=organizer_xining, workplace=workplace,
                                hazards={"noise": 6, "ufo": 1})  # fmt: skip
    workplace.refresh_from_db()
    assert workplace.name != "不该保存的名字"
    assert [h.exposed for h in workplace.hazards.all()] == [5]


def test_another_unions_organizer_cannot_save_a_workplace_or_its_hazards(
    client, network, organizer_golmud
):
    workplace = WorkplaceFactory(union=network.xining, hazards={"noise": 5})
    with pytest.raises(PermissionDenied):
        services.workplace_save(actor=organizer_golmud, workplace=workplace, hazards={"noise": 9})
    client.force_login(organizer_golmud)
    url = reverse("admin:welfare_workplace_change", args=[workplace.pk])
    response = client.post(url, {
        "name": "抢来的", "hazards-TOTAL_FORMS": "1", "hazards-INITIAL_FORMS": "0",
        "hazards-0-hazard": "dust", "hazards-0-exposed": "1",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    workplace.refresh_from_db()
    assert workplace.name != "抢来的"
    assert [(h.hazard, h.exposed) for h in workplace.hazards.all()] == [("noise", 5)]


# Every ModelAdmin, as an organizer of another union ------------------------------------------


@pytest.fixture
def xining_rows(counties, organizer_xining):
    workplace = WorkplaceFactory(name="西宁某厂", union=counties.xining,
                                 hazards={"dust": 3})  # fmt: skip
    worker = WorkerFactory(name="西宁的师傅", union=counties.chengzhong, workplace=workplace)
    check = HealthCheckFactory(worker=worker, checked_on=dt.date(2026, 5, 1))
    measurement = services.measurement_record(
        actor=None, workplace=workplace, measured_on=dt.date(2026, 7, 1),
        air_temperature=Decimal("33"), intensity="moderate",
    )  # fmt: skip
    report = HazardReportFactory(contact=SECRET_CONTACT, **XINING_POINT)
    assert report.union == counties.chengzhong
    return {
        "workplace": workplace, "worker": worker, "healthcheck": check,
        "measurement": measurement, "hazardreport": report,
    }  # fmt: skip


@pytest.fixture
def golmud_rows(counties):
    workplace = WorkplaceFactory(
        name="格尔木某厂", union=counties.golmud, location=Point(94.9, 36.4, srid=4326)
    )
    worker = WorkerFactory(name="格尔木的师傅", union=counties.golmud, workplace=workplace)
    report = HazardReportFactory(**GOLMUD_POINT)
    assert report.union == counties.golmud
    return {"workplace": workplace, "worker": worker, "hazardreport": report}


MODELS = ["workplace", "worker", "healthcheck", "measurement", "hazardreport"]
READ_ONLY = {"worker", "hazardreport"}  # written by their services (consent, workflow)


@pytest.mark.parametrize("model", MODELS)
def test_another_unions_organizer_sees_and_opens_nothing(
    client, xining_rows, golmud_rows, organizer_golmud, model
):
    client.force_login(organizer_golmud)
    listing = client.get(reverse(f"admin:welfare_{model}_changelist"))
    assert listing.status_code == 200
    shown = {obj.pk for obj in listing.context["cl"].result_list}
    assert xining_rows[model].pk not in shown
    if model in golmud_rows:
        assert golmud_rows[model].pk in shown  # the list itself works for their own rows
    url = reverse(f"admin:welfare_{model}_change", args=[xining_rows[model].pk])
    assert client.get(url)["Location"] == reverse("admin:index")
    before = type(xining_rows[model]).objects.filter(pk=xining_rows[model].pk).values().get()
    response = client.post(url, {"name": "x", "reason": "x", "result": "normal"})
    if model in READ_ONLY:
        assert response.status_code == 403  # nobody edits these in the admin
    else:
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    after = type(xining_rows[model]).objects.filter(pk=xining_rows[model].pk).values().get()
    assert after == before


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("workplace", lambda rows, net: {
            "name": "新企业", "credit_code": "914403001922038216", "address": "西宁",
            "location": "SRID=4326;POINT (101.78 36.62)", "region": net.xining.region.pk,
            "union": net.xining.pk, "hazards-TOTAL_FORMS": "0", "hazards-INITIAL_FORMS": "0"}),
        ("healthcheck", lambda rows, net: {
            "worker": rows["worker"].pk, "kind": "periodic", "checked_on": "2026-10-01",
            "result": "normal"}),
        ("measurement", lambda rows, net: {
            "workplace": rows["workplace"].pk, "measured_on": "2026-10-01",
            "air_temperature": "30", "intensity": "light", "exposure_percent": "100"}),
    ],
)  # fmt: skip
def test_another_unions_organizer_cannot_add_into_it(
    client, counties, xining_rows, organizer_golmud, model, body
):
    model_class = type(xining_rows[model])
    count = model_class.objects.count()
    client.force_login(organizer_golmud)
    response = client.post(reverse(f"admin:welfare_{model}_add"), body(xining_rows, counties))
    assert response.status_code == 200  # the form refuses the other union's choice
    assert response.context["adminform"].form.errors
    assert model_class.objects.count() == count


@pytest.mark.parametrize("model", ["worker", "hazardreport", "weatheralert"])
def test_rows_with_their_own_write_path_have_no_add_page(client, network, organizer_xining, model):
    model_class = apps.get_model("welfare", model)
    count = model_class.objects.count()
    client.force_login(organizer_xining)
    url = reverse(f"admin:welfare_{model}_add")
    page = client.get(url)
    assert page.status_code == 403
    assert "403 Forbidden" in page.content.decode() and "<form" not in page.content.decode()
    posted = client.post(url, {"union": network.xining.pk, "description": "绕过写入路径",
                               "category": "fire", "phone": "13800000000"})  # fmt: skip
    assert posted.status_code == 403
    assert model_class.objects.count() == count


def test_only_the_handling_organizer_sees_the_reporters_contact(
    client, xining_rows, organizer_xining, organizer_golmud, province_admin
):
    report = xining_rows["hazardreport"]
    url = reverse("admin:welfare_hazardreport_change", args=[report.pk])
    client.force_login(organizer_xining)
    assert SECRET_CONTACT not in client.get(url).content.decode()  # nobody handles it yet
    response = client.post(reverse("admin:welfare_hazardreport_changelist"), {
        "action": "verify_general", "_selected_action": [report.pk],
    })  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.handler) == (HazardReport.Status.VERIFIED, organizer_xining)
    assert SECRET_CONTACT in client.get(url).content.decode()
    assert report.history.first().history_user == organizer_xining
    for other in (province_admin, organizer_golmud):
        client.force_login(other)
        listing = client.get(reverse("admin:welfare_hazardreport_changelist")).content.decode()
        assert SECRET_CONTACT not in listing
        assert SECRET_CONTACT not in client.get(url, follow=True).content.decode()
    # The change page is read only: a POST cannot edit the report around its workflow.
    client.force_login(organizer_xining)
    client.post(url, {"description": "改写", "status": "closed"})
    report.refresh_from_db()
    assert report.status == HazardReport.Status.VERIFIED and report.description != "改写"


def test_deleting_a_workplace_in_the_admin_goes_through_the_service(
    client, network, organizer_xining
):
    workplace = WorkplaceFactory(union=network.xining, hazards={"dust": 2})
    worker = WorkerFactory(union=network.xining, workplace=workplace)
    client.force_login(organizer_xining)
    url = reverse("admin:welfare_workplace_delete", args=[workplace.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Workplace.objects.exists() and not WorkplaceHazard.objects.exists()
    worker.refresh_from_db()
    assert worker.workplace is None  # the registration stays
    assert Workplace.history.filter(history_type="-").get().history_user == organizer_xining
