"""Credit codes, workplaces, measurements, health-check due dates."""

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import DomainError, PermissionDenied
from welfare import services
from welfare.models import Workplace
from welfare.resources.workplaces import WorkplaceResource
from welfare.validators import credit_code_check_char, validate_credit_code

# Published codes of well-known companies (national enterprise credit publicity system).
VALID = ["914403001922038216", "91440300708461136T", "91330100799655058B", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_valid_credit_codes(code):
    validate_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("914403001922038217", "校验位"),  # last character changed
        ("91440300708461136", "18 位"),
        ("9144030070846113IT", "不允许的字符"),  # I is not used
        ("91440300708461136O", "不允许的字符"),
    ],
)
def test_invalid_credit_codes(code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert fragment in excinfo.value.messages[0]


def new_workplace(network, code=VALID[0]):
    return Workplace(
        name="某公司", credit_code=code, location=Point(101.78, 36.62, srid=4326), address="西宁",
        region=network.xining.region, union=network.xining,
    )  # fmt: skip


@pytest.mark.django_db
def test_wrong_code_refused_in_service_api_admin_and_import(network, organizer_xining, client):
    with pytest.raises(ValidationError) as excinfo:
        services.workplace_save(
            actor=organizer_xining, workplace=new_workplace(network, "914403001922038217")
        )
    assert "credit_code" in excinfo.value.message_dict
    api = APIClient()
    api.force_authenticate(organizer_xining)
    body = {"name": "某公司", "credit_code": "914403001922038217", "lat": 36.62, "lng": 101.78,
            "address": "西宁", "region": "630100", "union": "QH-XN"}  # fmt: skip
    response = api.post("/api/v1/workplaces/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "credit_code"
    assert "校验位" in response.json()["error"]["message"]
    ok = api.post("/api/v1/workplaces/", {**body, "credit_code": VALID[1],
                                           "hazards": {"high_temperature": 30}}, format="json")  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert ok.json()["properties"]["hazards"] == {"high_temperature": 30}
    client.force_login(organizer_xining)
    admin_page = client.post("/admin/welfare/workplace/add/", {
        "name": "某公司", "credit_code": "914403001922038217", "location": "SRID=4326;POINT (101.78 36.62)",
        "address": "西宁", "region": network.xining.region.pk, "union": network.xining.pk,
        "hazards-TOTAL_FORMS": "0", "hazards-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert admin_page.status_code == 200 and "校验位" in admin_page.content.decode()
    data = tablib.Dataset(headers=["name", "credit_code", "address", "industry", "contact_name",
                                   "region", "union", "lat", "lng"])  # fmt: skip
    data.append(
        ["坏代码公司", "914403001922038217", "西宁", "", "", "630100", "QH-XN", 36.6, 101.7]
    )
    result = WorkplaceResource(actor=organizer_xining).import_data(data, dry_run=False)
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "credit_code" in errors
    assert Workplace.objects.count() == 1


@pytest.mark.django_db
def test_workplaces_are_scoped(network, organizer_xining):
    services.workplace_save(actor=None, workplace=Workplace(
        name="格尔木厂", credit_code=VALID[2], location=Point(94.9, 36.4, srid=4326), address="格尔木",
        region=network.golmud.region, union=network.golmud,
    ), hazards={"high_altitude": 10})  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.workplace_save(actor=organizer_xining, workplace=Workplace.objects.get())
    api = APIClient()
    api.force_authenticate(organizer_xining)
    assert api.get("/api/v1/workplaces/").json()["features"] == []
    assert APIClient().get("/api/v1/workplaces/").status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("intensity", "percent", "wbgt", "verdict", "limit"),
    [
        ("heavy", 100, "26.0", "ok", "26"),
        ("heavy", 100, "26.1", "heat_over", "26"),
        ("very_heavy", 100, "25.5", "heat_over", "25"),
        ("light", 100, "29.9", "ok", "30"),
        ("heavy", 50, "28.5", "ok", "29"),
        ("heavy", 60, "28.5", "heat_over", "28"),  # between rows: the stricter one
    ],
)
def test_measurement_classification(network, intensity, percent, wbgt, verdict, limit):
    workplace = services.workplace_save(actor=None, workplace=new_workplace(network))
    m = services.measurement_record(
        actor=None, workplace=workplace, measured_on=dt.date(2027, 7, 14),
        air_temperature=Decimal("33"), wbgt=Decimal(wbgt), intensity=intensity,
        exposure_percent=percent,
    )  # fmt: skip
    assert (m.verdict, m.limit) == (verdict, Decimal(limit))


@pytest.mark.django_db
def test_cold_work(network):
    workplace = services.workplace_save(actor=None, workplace=new_workplace(network))
    for temp, verdict in (("5.0", "cold"), ("5.1", "ok")):
        m = services.measurement_record(
            actor=None, workplace=workplace, measured_on=dt.date(2027, 1, 14),
            air_temperature=Decimal(temp), intensity="moderate",
        )  # fmt: skip
        assert m.verdict == verdict


@pytest.mark.parametrize(
    ("checked", "kind", "hazards", "due"),
    [
        (dt.date(2027, 3, 10), "periodic", [], dt.date(2028, 3, 10)),
        (dt.date(2028, 2, 29), "periodic", [], dt.date(2029, 2, 28)),
        # after the 2026 season: covers 2027's, then yearly
        (dt.date(2026, 11, 10), "periodic", ["high_temperature"], dt.date(2027, 11, 10)),
        # within the 2026 season: the next is due before 2027's
        (dt.date(2026, 7, 10), "periodic", ["high_temperature"], dt.date(2027, 6, 1)),
        (dt.date(2027, 5, 20), "periodic", ["high_temperature"], dt.date(2028, 5, 20)),
        (dt.date(2027, 1, 5), "pre_employment", ["high_temperature"], dt.date(2028, 1, 5)),
        (dt.date(2027, 3, 10), "leaving", ["high_temperature"], None),
    ],
)
def test_due_date_rules(checked, kind, hazards, due, settings):
    settings.HEALTH_CHECK_INTERVAL_MONTHS = 12
    assert services.next_check_due(checked_on=checked, kind=kind, hazards=hazards) == due


@pytest.mark.django_db
def test_contraindication_flags_the_worker_and_lists(network, organizer_xining):
    with pytest.raises(DomainError):
        services.worker_register(actor=organizer_xining, name="李", category="construction",
                                 union=network.xining, consent=False)  # fmt: skip
    worker = services.worker_register(
        actor=organizer_xining, name="李师傅", category="construction", union=network.xining,
        consent=True, phone="13800001111", hazards=["high_temperature"],
    )  # fmt: skip
    assert worker.phone_key and "13800001111" not in worker.phone_key
    services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                 checked_on=dt.date(2024, 7, 1), result="contraindication")  # fmt: skip
    worker.refresh_from_db()
    assert worker.needs_reassignment is True
    assert worker.next_check_due == dt.date(2025, 6, 1)
    from welfare.selectors.health import checks_due

    due = checks_due(union=network.province, on=dt.date(2025, 5, 20))
    assert [w.name for w in due["soon"]] == ["李师傅"] and due["overdue"] == []
    due = checks_due(union=network.province, on=dt.date(2025, 7, 1))
    assert [w.name for w in due["overdue"]] == ["李师傅"]
    assert checks_due(union=network.golmud, on=dt.date(2025, 7, 1))["overdue"] == []


@pytest.mark.django_db
def test_weekly_health_check_mail(network, organizer_xining, mailoutbox, monkeypatch):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    worker = services.worker_register(actor=None, name="赵师傅", category="sanitation",
                                      union=network.chengzhong, consent=True)  # fmt: skip
    services.health_check_record(actor=None, worker=worker, kind="periodic",
                                 checked_on=dt.date(2025, 1, 1), result="normal")  # fmt: skip
    from welfare.tasks import health_checks_weekly

    monkeypatch.setattr(local_time, "today", lambda: dt.date(2026, 1, 20))
    assert health_checks_weekly() == 1
    assert mailoutbox[0].to == ["org@xining.example"]
    assert "赵师傅" in mailoutbox[0].body and "2026-01-01" in mailoutbox[0].body


@pytest.mark.django_db
def test_workplace_layer_filters(network, organizer_xining, monkeypatch):
    hot = services.workplace_save(actor=None, workplace=new_workplace(network, VALID[0]),
                                  hazards={"high_temperature": 40})  # fmt: skip
    services.workplace_save(
        actor=None, workplace=new_workplace(network, VALID[1]), hazards={"noise": 5}
    )
    worker = services.worker_register(actor=None, name="钱", category="construction", union=network.xining,
                                      consent=True, workplace=hot)  # fmt: skip
    services.health_check_record(actor=None, worker=worker, kind="periodic",
                                 checked_on=dt.date(2025, 1, 1), result="normal")  # fmt: skip
    api = APIClient()
    api.force_authenticate(organizer_xining)

    def names(**query):
        features = api.get("/api/v1/workplaces/", query).json()["features"]
        return sorted(f["properties"]["credit_code"] for f in features)

    assert names() == sorted(VALID[:2])
    assert names(hazard="noise") == [VALID[1]]
    monkeypatch.setattr(local_time, "today", lambda: dt.date(2026, 6, 1))
    assert names(overdue="true") == [VALID[0]]
