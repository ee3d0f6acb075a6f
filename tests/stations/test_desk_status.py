"""Station status from the desk: POST /api/v1/stations/{code}/closures/ and what the public
finder says right after."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from stations.models import Closure, Membership
from stations.services import closures
from stations.services.memberships import membership_grant
from stations.services.stations import PeriodInput, station_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Wednesday 2027-07-14, 10:00 in Xining.
NOW = dt.datetime(2027, 7, 14, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def open_station(network):
    """The Xining station open every day 08:00–20:00."""
    periods = [PeriodInput(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(1, 8)]
    return station_save(actor=None, station=network.xining_station, periods=periods)


@pytest.fixture
def staff_golmud(network):
    user = UserFactory(username="staff-golmud", is_staff=False)
    membership_grant(
        actor=None, user=user, union=network.golmud, role=Membership.Role.STATION_STAFF,
        stations=[network.golmud_station],
    )  # fmt: skip
    return user


@pytest.fixture
def organizer_golmud(network):
    user = UserFactory(username="org-golmud")
    membership_grant(actor=None, user=user, union=network.golmud, role="organizer")
    return user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def post_closure(client, code="QH-XN-0001", **body):
    data = {"starts_on": "2027-07-14", "ends_on": "2027-07-14", "reason": "停水", **body}
    return client.post(f"/api/v1/stations/{code}/closures/", data, format="json")


def finder(code="QH-XN-0001"):
    return APIClient().get(f"/api/v1/stations/{code}/").json()


def test_staff_close_today_and_the_finder_says_closed_at_once(open_station, staff_xining):
    assert finder()["properties"]["open_now"] is True
    response = post_closure(client_for(staff_xining))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_on"] == body["ends_on"] == "2027-07-14"
    assert body["reason"] == "停水"
    props = finder()["properties"]
    assert props["open_now"] is False
    assert props["hours_today"] == "今日闭站"
    open_station.refresh_from_db()
    assert open_station.schedule["closures"] == [["2027-07-14", "2027-07-14"]]
    closure = Closure.objects.get()
    assert closure.history.first().history_user == staff_xining


def test_organizer_above_the_station_may_close_it(open_station, organizer_xining):
    response = post_closure(
        client_for(organizer_xining), starts_on="2027-07-20", ends_on="2027-07-31", reason="装修"
    )
    assert response.status_code == 201
    assert finder()["properties"]["open_now"] is True  # not yet


@pytest.mark.parametrize("who", ["staff_golmud", "organizer_golmud", "staff_other_station"])
def test_anyone_else_is_refused_and_nothing_is_written(request, network, open_station, who):
    if who == "staff_other_station":
        user = UserFactory(username="staff-xn2", is_staff=False)
        membership_grant(
            actor=None, user=user, union=network.xining, role="station_staff",
            stations=[network.xining_station_2],
        )  # fmt: skip
    else:
        user = request.getfixturevalue(who)
    response = post_closure(client_for(user))
    assert response.status_code == 403
    assert Closure.objects.count() == 0
    assert finder()["properties"]["open_now"] is True


def test_anonymous_is_refused(open_station):
    # Session authentication answers 403 to a request with no credentials at all.
    assert post_closure(client_for()).status_code in (401, 403)
    assert client_for().get("/api/v1/stations/QH-XN-0001/closures/").status_code in (401, 403)
    assert Closure.objects.count() == 0


def test_unknown_station_is_404(staff_xining):
    response = post_closure(client_for(staff_xining), code="QH-XX-9999")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"field": "station", "message": "没有编号为 QH-XX-9999 的站点。"}
    }
    assert Closure.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2027-07-15", "ends_on": "2027-07-14"}, "ends_on"),
        ({"starts_on": "2027-07-13", "ends_on": "2027-07-14"}, "starts_on"),
        ({"starts_on": "14/07/2027"}, "starts_on"),
        ({"ends_on": "2027-02-30"}, "ends_on"),
        ({"ends_on": "2029-01-01"}, "ends_on"),
        ({"reason": "   "}, "reason"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_names_the_field(open_station, staff_xining, body, field):
    response = post_closure(client_for(staff_xining), **body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert Closure.objects.count() == 0


def test_missing_field_is_named(open_station, staff_xining):
    response = client_for(staff_xining).post(
        "/api/v1/stations/QH-XN-0001/closures/", {"starts_on": "2027-07-14"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] in {"ends_on", "reason"}


def test_reopen_removes_a_closure_under_way_from_today(open_station, staff_xining):
    client = client_for(staff_xining)
    earlier = closures.station_closure_add(
        actor=None, station=open_station, starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 20), reason="停电", today=dt.date(2027, 7, 12),
    )  # fmt: skip
    assert finder()["properties"]["open_now"] is False
    listed = client.get("/api/v1/stations/QH-XN-0001/closures/").json()["closures"]
    assert [c["id"] for c in listed] == [earlier.pk]

    response = client.delete(f"/api/v1/stations/QH-XN-0001/closures/{earlier.pk}/")
    assert response.status_code == 204
    earlier.refresh_from_db()
    assert earlier.ends_on == dt.date(2027, 7, 13)  # the days it was closed stay on record
    assert finder()["properties"]["open_now"] is True


def test_reopen_elsewhere_is_refused(open_station, staff_golmud):
    closure = closures.station_closure_add(
        actor=None, station=open_station, starts_on=TODAY, ends_on=TODAY, reason="停水"
    )
    response = client_for(staff_golmud).delete(
        f"/api/v1/stations/QH-XN-0001/closures/{closure.pk}/"
    )
    assert response.status_code == 403
    assert Closure.objects.filter(pk=closure.pk).exists()


# One coming day's hours -------------------------------------------------------------------


def put_hours(client, day="2027-07-15", code="QH-XN-0001", **body):
    data = {"opens": "12:00", "closes": "16:00", **body}
    return client.put(f"/api/v1/stations/{code}/hours/{day}/", data, format="json")


def test_staff_change_one_days_hours_and_the_finder_follows(open_station, staff_xining):
    response = put_hours(client_for(staff_xining), day="2027-07-14", opens="11:00")
    assert response.status_code == 200, response.content
    props = finder()["properties"]
    assert props["open_now"] is False  # 10:00, and today it opens at 11:00
    assert props["hours_today"] == "11:00–16:00"
    week = props["week"]
    assert week[0]["changed"] is True and week[1]["changed"] is False
    assert week[1]["hours"] == "08:00–20:00"  # the other days keep their hours
    assert [p["opens"] for p in props["regular_hours"]] == ["08:00"] * 7
    # The same day again replaces the change; clearing gives the usual hours back.
    put_hours(client_for(staff_xining), day="2027-07-14", opens="09:00", closes="12:00")
    assert finder()["properties"]["open_now"] is True
    listed = client_for(staff_xining).get("/api/v1/stations/QH-XN-0001/closures/").json()
    assert listed["days"] == [
        {"day": "2027-07-14", "opens": "09:00", "closes": "12:00", "overnight": False}
    ]
    cleared = client_for(staff_xining).delete("/api/v1/stations/QH-XN-0001/hours/2027-07-14/")
    assert cleared.status_code == 204
    assert finder()["properties"]["hours_today"] == "08:00–20:00"


def test_a_24_hour_station_with_a_short_day(network, staff_xining):
    station = network.xining_station
    station.is_24h = True
    station_save(actor=None, station=station)
    assert (
        put_hours(
            client_for(staff_xining), day="2027-07-14", opens="06:00", closes="09:00"
        ).status_code
        == 200
    )
    props = finder()["properties"]
    assert props["open_now"] is False
    assert props["hours_today"] == "06:00–09:00"
    assert props["week"][1]["hours"] == "24小时"


@pytest.mark.parametrize(
    ("day", "body", "field"),
    [
        ("2027-07-13", {}, "day"),
        ("2027-13-01", {}, "day"),
        ("2027-12-31", {}, "day"),
        ("2027-07-15", {"opens": "8am"}, "opens"),
        ("2027-07-15", {"closes": "12:00"}, "closes"),
        ("2027-07-15", {"opens": "20:00", "closes": "02:00"}, "closes"),
    ],
)
def test_bad_day_hours_name_the_field(open_station, staff_xining, day, body, field):
    response = put_hours(client_for(staff_xining), day=day, **body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field


def test_day_hours_elsewhere_are_refused(open_station, staff_golmud, organizer_golmud):
    for user in (staff_golmud, organizer_golmud):
        assert put_hours(client_for(user)).status_code == 403
        assert (
            client_for(user).delete("/api/v1/stations/QH-XN-0001/hours/2027-07-15/").status_code
            == 403
        )
    assert put_hours(client_for()).status_code in (401, 403)
    assert finder()["properties"]["week"][1]["hours"] == "08:00–20:00"


def post_keyed(client, key, code="QH-XN-0001", **body):
    data = {"starts_on": "2027-07-14", "ends_on": "2027-07-15", "reason": "停电", **body}
    return client.post(
        f"/api/v1/stations/{code}/closures/", data, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_closure_sent_twice_with_one_key_is_made_once(open_station, staff_xining):
    """The desk's offline queue resends a closure whose answer it never got."""
    client = client_for(staff_xining)
    first = post_keyed(client, "desk-key-1")
    again = post_keyed(client, "desk-key-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Closure.objects.count() == 1
    # A new key is a new closure.
    assert (
        post_keyed(client, "desk-key-2", starts_on="2027-07-20", ends_on="2027-07-20").status_code
        == 201
    )
    assert Closure.objects.count() == 2


def test_a_key_replayed_after_the_reopen_does_not_close_again(open_station, staff_xining):
    client = client_for(staff_xining)
    made = post_keyed(client, "desk-key-3").json()
    assert client.delete(f"/api/v1/stations/QH-XN-0001/closures/{made['id']}/").status_code == 204
    assert Closure.objects.count() == 0
    replay = post_keyed(client, "desk-key-3")
    assert replay.status_code == 201 and replay.json()["id"] == made["id"]
    assert Closure.objects.count() == 0
    assert finder()["properties"]["open_now"] is True


def test_a_key_used_at_another_station_is_a_conflict(network, open_station, staff_xining):
    organizer = UserFactory(username="org-province")
    membership_grant(actor=None, user=organizer, union=network.province, role="organizer")
    client = client_for(organizer)
    assert post_keyed(client, "desk-key-4").status_code == 201
    other = post_keyed(client, "desk-key-4", code=network.golmud_station.code)
    assert other.status_code == 409, other.content
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert Closure.objects.count() == 1


@pytest.mark.parametrize("key", ["k" * 65, "bad\tkey"])
def test_a_bad_key_is_refused_and_names_the_header(open_station, staff_xining, key):
    response = post_keyed(client_for(staff_xining), key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert Closure.objects.count() == 0
