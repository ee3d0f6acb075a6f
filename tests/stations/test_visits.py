"""Visit logging: idempotent batches, each rejection reason, scoping for every role."""

import datetime as dt
import threading
import uuid
import zoneinfo

import pytest
import time_machine
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.errors import PermissionDenied
from stations.exceptions import StationsError
from stations.models import Station, Visit
from stations.services.stations import station_save
from stations.services.visits import VisitInput, visit_record_batch
from tests.factories import UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 7, 14, 10, 0, tzinfo=SHANGHAI)
URL = "/api/v1/visits/batch/"

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def with_services(network):
    for station in (network.xining_station, network.xining_station_2, network.golmud_station):
        station_save(actor=None, station=station, services=["water", "toilet", "rest"])
    return network


def visit(station="QH-XN-0001", when=NOW, category="delivery", svc=("water",), **extra):
    return {
        "uuid": str(extra.pop("uuid", uuid.uuid4())),
        "station": station,
        "occurred_at": when.isoformat() if isinstance(when, dt.datetime) else when,
        "category": category,
        "services": list(svc),
        **extra,
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@time_machine.travel(NOW, tick=False)
def test_batch_is_idempotent(with_services, staff_xining):
    batch = {"visits": [visit(), visit(category="courier"), visit(category="sanitation")]}
    first = api(staff_xining).post(URL, batch, format="json")
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["created"] * 3
    again = api(staff_xining).post(URL, batch, format="json")
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert Visit.objects.count() == 3
    assert [r["uuid"] for r in again.json()["results"]] == [v["uuid"] for v in batch["visits"]]


@time_machine.travel(NOW, tick=False)
def test_the_same_uuid_twice_in_one_batch_is_stored_once(with_services, staff_xining):
    one = visit()
    response = api(staff_xining).post(URL, {"visits": [one, dict(one)]}, format="json")
    assert [r["status"] for r in response.json()["results"]] == ["created", "duplicate"]
    assert Visit.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (visit(when=NOW + dt.timedelta(minutes=10)), "将来"),
        (visit(when=NOW - dt.timedelta(days=7, minutes=1)), "7 天"),
        (visit(station="QH-XN-0002"), "不负责"),
        (visit(station="QH-HX-0001"), "不负责"),
        (visit(station="QH-NONE-0001"), "没有编号"),
        (visit(svc=("wifi",)), "不提供"),
        (visit(category="astronaut"), "类别"),
        (visit(uuid="not-a-uuid"), "UUID"),
        (visit(when="2027-07-14T10:00:00"), "时区"),
        (visit(when="yesterday"), "ISO 8601"),
    ],
)
def test_each_rejection_reason_and_the_rest_is_stored(with_services, staff_xining, item, reason):
    good = visit()
    response = api(staff_xining).post(URL, {"visits": [item, good]}, format="json")
    assert response.status_code == 200
    rejected, created = response.json()["results"]
    assert rejected["status"] == "rejected"
    assert reason in rejected["reason"]
    assert created == {"uuid": good["uuid"], "status": "created", "reason": None}
    assert list(Visit.objects.values_list("uuid", flat=True)) == [uuid.UUID(good["uuid"])]


@time_machine.travel(NOW, tick=False)
def test_small_clock_skew_is_accepted(with_services, staff_xining):
    response = api(staff_xining).post(
        URL, {"visits": [visit(when=NOW + dt.timedelta(minutes=3))]}, format="json"
    )
    assert response.json()["results"][0]["status"] == "created"


@time_machine.travel(NOW, tick=False)
def test_paused_station_is_rejected(with_services, staff_xining):
    Station.objects.filter(code="QH-XN-0001").update(status="paused")
    response = api(staff_xining).post(URL, {"visits": [visit()]}, format="json")
    assert response.json()["results"][0]["status"] == "rejected"


@time_machine.travel(NOW, tick=False)
def test_malformed_items_are_rejected_one_by_one(with_services, staff_xining):
    good = visit()
    response = api(staff_xining).post(
        URL, {"visits": ["nonsense", {"uuid": str(uuid.uuid4())}, good]}, format="json"
    )
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["rejected", "rejected", "created"]
    assert "station" in response.json()["results"][1]["reason"]


@pytest.mark.parametrize("body", [{}, {"visits": "x"}, [], {"visits": None}])
def test_malformed_body_is_400(with_services, staff_xining, body):
    response = api(staff_xining).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "visits"
    assert Visit.objects.count() == 0


def test_more_than_500_is_refused_whole(with_services, staff_xining):
    response = api(staff_xining).post(URL, {"visits": [visit() for _ in range(501)]}, format="json")
    assert response.status_code == 400
    assert Visit.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_organizer_logs_for_any_station_under_their_union(with_services, organizer_xining):
    response = api(organizer_xining).post(
        URL,
        {"visits": [visit("QH-XN-0001"), visit("QH-XN-0002"), visit("QH-HX-0001")]},
        format="json",
    )
    assert [r["status"] for r in response.json()["results"]] == ["created", "created", "rejected"]


@time_machine.travel(NOW, tick=False)
def test_province_admin_logs_anywhere_in_the_province(with_services, province_admin):
    response = api(province_admin).post(
        URL, {"visits": [visit("QH-XN-0002"), visit("QH-HX-0001")]}, format="json"
    )
    assert [r["status"] for r in response.json()["results"]] == ["created", "created"]


def test_user_without_a_role_gets_403(with_services):
    response = api(UserFactory(username="passer-by")).post(
        URL, {"visits": [visit()]}, format="json"
    )
    assert response.status_code == 403
    assert Visit.objects.count() == 0
    with pytest.raises(PermissionDenied):
        visit_record_batch(actor=UserFactory(username="p2"), visits=[])


@time_machine.travel(NOW, tick=False)
def test_anonymous_gets_401_or_403(with_services):
    response = APIClient().post(URL, {"visits": [visit()]}, format="json")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["message"] == "身份认证信息未提供。"
    assert Visit.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_token_authentication(with_services, staff_xining):
    token = Token.objects.create(user=staff_xining)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(URL, {"visits": [visit()]}, format="json")
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "created"
    me = client.get("/api/v1/me/").json()
    assert me == {
        "username": "staff-xining",
        "roles": ["station_staff"],
        "unions": [{"code": "QH-XN", "name": "西宁市总工会", "role": "station_staff"}],
        "stations": ["QH-XN-0001"],
    }


def test_session_needs_csrf(with_services, staff_xining, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = {"visits": [visit()]}
    with time_machine.travel(NOW, tick=False):
        strict.force_login(staff_xining)  # inside the travel: a session made before expires
        response = strict.post(URL, body, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["error"]["message"].startswith("CSRF Failed")
        assert Visit.objects.count() == 0
        # The same body with the desk page's CSRF token is taken: only the token was missing.
        strict.get("/desk/")
        token = strict.cookies["csrftoken"].value
        accepted = strict.post(URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    assert [r["status"] for r in accepted.json()["results"]] == ["created"]
    assert Visit.objects.count() == 1


def test_me_for_an_organizer(with_services, organizer_xining):
    me = api(organizer_xining).get("/api/v1/me/").json()
    assert me["roles"] == ["organizer"]
    assert me["stations"] == ["QH-XN-0001", "QH-XN-0002"]


def test_undo(with_services, staff_xining, organizer_xining):
    with time_machine.travel(NOW, tick=False):
        item = visit()
        api(staff_xining).post(URL, {"visits": [item]}, format="json")
        # Someone else cannot take it back.
        assert api(organizer_xining).delete(f"/api/v1/visits/{item['uuid']}/").status_code == 403
        assert api(staff_xining).delete(f"/api/v1/visits/{uuid.uuid4()}/").status_code == 404
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        late = api(staff_xining).delete(f"/api/v1/visits/{item['uuid']}/")
        assert late.status_code == 409
    Visit.objects.filter(uuid=item["uuid"]).update(received_at=dt.datetime.now(tz=SHANGHAI))
    assert api(staff_xining).delete(f"/api/v1/visits/{item['uuid']}/").status_code == 204
    assert Visit.objects.count() == 0


def test_today_counts(with_services, staff_xining):
    with time_machine.travel(NOW, tick=False):
        batch = [
            visit(category="delivery"),
            visit(category="delivery"),
            visit(category="courier"),
            visit(when=NOW - dt.timedelta(days=1)),
        ]
        api(staff_xining).post(URL, {"visits": batch}, format="json")
        today = api(staff_xining).get("/api/v1/desk/today/", {"station": "QH-XN-0001"}).json()
        assert today["counts"]["delivery"] == 2 and today["counts"]["courier"] == 1
        assert today["total"] == 3
        other = api(staff_xining).get("/api/v1/desk/today/", {"station": "QH-XN-0002"})
        assert other.status_code == 403


@pytest.mark.postgis
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_uploads_store_each_visit_once(with_services, staff_xining):
    assert connection.vendor == "postgresql"
    batch = [VisitInput(**visit(when=dt.datetime.now(tz=SHANGHAI))) for _ in range(50)]
    answers: list[list[str]] = []
    barrier = threading.Barrier(4)

    def upload() -> None:
        from django.db import connections

        barrier.wait()
        try:
            outcome = visit_record_batch(actor=staff_xining, visits=batch)
            answers.append([o.status for o in outcome])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Visit.objects.count() == 50
    created_per_uuid = [sum(a[i] == "created" for a in answers) for i in range(50)]
    assert created_per_uuid == [1] * 50
    assert all(s in ("created", "duplicate") for a in answers for s in a)


def test_service_refuses_an_oversized_batch(with_services, staff_xining):
    with pytest.raises(StationsError):
        visit_record_batch(actor=staff_xining, visits=[VisitInput(**visit()) for _ in range(501)])
