"""Business days are China days, whatever the clock of the machine (issue 20).

Every date-sensitive flow is run at fixed clocks across the Chinese day (00:30, 07:59 and
23:59 in Asia/Shanghai, where the UTC date is the day before for the first two and the same
for the last), with the process's own zone set to UTC and to Asia/Shanghai. Code that took
"today" from the machine (``date.today()``, ``datetime.now()``, ``time.localtime()``) or
from UTC gives the wrong day in at least one cell of this table.

Django sets ``TZ`` to ``TIME_ZONE`` when it starts, so a machine in UTC is simulated by
setting ``TZ`` back and calling ``tzset``: a worker started without Django's settings, a
subprocess or a library that reads the C library's zone would see exactly that.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from rest_framework.test import APIClient

from core import seasons
from core import time as local_time
from stations.models import Closure, VisitDaily
from stations.services.stations import station_save
from supervision.forms import FindingForm, FindingStepForm
from tests.factories import period

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 4)  # a Friday
CLOCKS = {
    "00:30": dt.datetime(2026, 12, 4, 0, 30, tzinfo=SHANGHAI),  # 16:30 UTC on the 3rd
    "07:59": dt.datetime(2026, 12, 4, 7, 59, tzinfo=SHANGHAI),  # 23:59 UTC on the 3rd
    "23:59": dt.datetime(2026, 12, 4, 23, 59, tzinfo=SHANGHAI),  # 15:59 UTC on the 4th
}
MACHINE_ZONES = ("UTC", "Asia/Shanghai")

pytestmark = pytest.mark.django_db


@pytest.fixture(params=MACHINE_ZONES)
def machine_zone(request) -> Iterator[str]:
    """The process's own zone (what ``time.localtime`` and naive ``now()`` use)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(params=sorted(CLOCKS))
def clock(request, machine_zone) -> Iterator[dt.datetime]:
    with time_machine.travel(CLOCKS[request.param], tick=False):
        yield CLOCKS[request.param]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_today_is_the_china_day(clock):
    assert local_time.today() == DAY
    assert local_time.now().date() == DAY


@pytest.fixture
def day_station(network):
    """QH-XN-0001 open 08:00–20:00 every day; QH-XN-0002 open 22:00–01:00 every night."""
    station_save(
        actor=None,
        station=network.xining_station,
        periods=[period(d, "08:00", "20:00") for d in range(1, 8)],
    )
    station_save(
        actor=None,
        station=network.xining_station_2,
        periods=[period(d, "22:00", "01:00", overnight=True) for d in range(1, 8)],
    )
    return network


def test_open_now_follows_the_clock_in_xining(clock, day_station):
    """Read as UTC, 00:30 and 23:59 in Xining would be 16:30 and 15:59: inside 08:00–20:00."""
    day = api().get("/api/v1/stations/QH-XN-0001/").json()["properties"]
    night = api().get("/api/v1/stations/QH-XN-0002/").json()["properties"]
    local = clock.astimezone(SHANGHAI).time()
    assert day["open_now"] is (dt.time(8) <= local < dt.time(20)) is False
    assert night["open_now"] is (local >= dt.time(22) or local < dt.time(1))


def test_a_closure_for_today_is_the_china_day(clock, day_station, organizer_xining):
    """The desk closes "today": the China day, and a UTC date a day behind is refused as past."""
    url = "/api/v1/stations/QH-XN-0002/closures/"
    body = {"starts_on": DAY.isoformat(), "ends_on": DAY.isoformat(), "reason": "停电"}
    response = api(organizer_xining).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert Closure.objects.get().starts_on == DAY
    assert api().get("/api/v1/stations/QH-XN-0002/").json()["properties"]["open_now"] is False

    yesterday = (DAY - dt.timedelta(days=1)).isoformat()
    refused = api(organizer_xining).post(
        url, {**body, "starts_on": yesterday, "ends_on": yesterday}, format="json"
    )
    assert refused.status_code == 400, refused.content
    assert "starts_on" in str(refused.json()["error"])
    assert Closure.objects.count() == 1


def test_a_day_hours_change_for_today_applies_now(clock, day_station, staff_xining):
    """Today's hours set at the desk replace the usual ones for the China day only."""
    url = f"/api/v1/stations/QH-XN-0001/hours/{DAY.isoformat()}/"
    response = api(staff_xining).put(
        url, {"opens": "00:00", "closes": "23:59", "overnight": False}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    props = api().get("/api/v1/stations/QH-XN-0001/").json()["properties"]
    # 00:00–23:59 replaces 08:00–20:00 today: open at 00:30 and 07:59; 23:59 is its end.
    assert props["open_now"] is (clock.time() < dt.time(23, 59))
    week = {d["date"]: d for d in props["week"]}
    assert week[DAY.isoformat()]["changed"] is True


def test_visits_count_on_the_china_day(clock, day_station, staff_xining):
    """A visit logged now counts in the desk's today and in the daily rollup of the China day."""
    visit = {
        "uuid": str(uuid.uuid4()),
        "station": "QH-XN-0001",
        "occurred_at": clock.isoformat(),
        "category": "courier",
        "services": [],
    }
    response = api(staff_xining).post("/api/v1/visits/batch/", {"visits": [visit]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] in ("created", "accepted"), response.content
    today = api(staff_xining).get("/api/v1/desk/today/?station=QH-XN-0001").json()
    assert today["total"] == 1
    assert list(VisitDaily.objects.values_list("day", flat=True)) == [DAY]


def test_form_defaults_are_the_china_day(clock):
    """A finding's deadline defaults to a week from the China day; a step's date to today."""
    assert FindingStepForm().fields["on"].initial == DAY
    deadline = FindingForm().fields["deadline"].initial
    assert deadline is None or deadline == DAY + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("moment", "season"),
    [
        (dt.datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI), "planning"),
        (dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), "winter"),  # 16:30 UTC, 31 Oct
        (dt.datetime(2026, 11, 1, 7, 59, tzinfo=SHANGHAI), "winter"),
        (dt.datetime(2027, 3, 31, 23, 59, tzinfo=SHANGHAI), "winter"),
        (dt.datetime(2027, 4, 1, 0, 30, tzinfo=SHANGHAI), "planning"),  # 16:30 UTC, 31 Mar
        (dt.datetime(2027, 4, 1, 7, 59, tzinfo=SHANGHAI), "planning"),
    ],
)
def test_the_season_switches_at_midnight_in_china(machine_zone, settings, moment, season):
    settings.YIZHAN_DEMO_SEASON = ""
    with time_machine.travel(moment, tick=False):
        assert seasons.current_season() == season


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        # Winter hours (11-01 to 03-31) 10:00–16:00 replace the usual 00:00–23:59.
        (dt.datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI), True),
        (dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), False),
        (dt.datetime(2027, 3, 31, 23, 30, tzinfo=SHANGHAI), False),
        (dt.datetime(2027, 4, 1, 0, 30, tzinfo=SHANGHAI), True),
    ],
)
def test_seasonal_hours_switch_on_the_china_day(machine_zone, network, moment, open_now):
    winter = {"season_start": "11-01", "season_end": "03-31"}
    station_save(
        actor=None,
        station=network.xining_station,
        periods=[period(d, "00:00", "23:59") for d in range(1, 8)]
        + [period(d, "10:00", "16:00", **winter) for d in range(1, 8)],
    )
    with time_machine.travel(moment, tick=False):
        props = api().get("/api/v1/stations/QH-XN-0001/").json()["properties"]
    assert props["open_now"] is open_now
