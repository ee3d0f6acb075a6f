"""The pages take the business day from the server, never from the phone (issue 20).

The server's clock is fixed at 00:30, 07:59 and 23:59 in Xining (time-machine, which the
live server's threads share), and the phone reads the same instant (Playwright's clock)
but is set to UTC, as a phone left on UTC or a laptop abroad is. At 00:30 and 07:59 the
phone's own date is the day before, so a page that took "today" from the device would
show, queue or send yesterday, and these tests would fail.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from stations.models import Visit
from stations.services.memberships import membership_grant
from stations.services.stations import station_save
from supervision.models import Finding
from tests.browser.conftest import wait_for_service_worker, wait_until
from tests.factories import UserFactory, period
from tests.welfare.factories import WorkplaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 4)
CLOCKS = {
    "00:30": dt.datetime(2026, 12, 4, 0, 30, tzinfo=SHANGHAI),
    "07:59": dt.datetime(2026, 12, 4, 7, 59, tzinfo=SHANGHAI),
    "23:59": dt.datetime(2026, 12, 4, 23, 59, tzinfo=SHANGHAI),
}
DEVICE_ZONE = "UTC"
PASSWORD = "clock-pass-123"


@pytest.fixture(params=sorted(CLOCKS))
def clock(request):
    with time_machine.travel(CLOCKS[request.param], tick=True):
        yield CLOCKS[request.param]


def phone_at(phone, clock):
    """A page on a phone set to UTC whose clock reads the server's instant."""
    page = phone.open(None, timezone_id=DEVICE_ZONE)
    page.context.clock.install(time=clock)
    return page


def sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"**{next_url}")


@pytest.fixture
def staff(network):
    station = network.xining_station
    station_save(
        actor=None, station=station, periods=[period(d, "08:00", "20:00") for d in range(1, 8)]
    )
    user = UserFactory(username="clock-staff", is_staff=False, password=PASSWORD)
    membership_grant(
        actor=None, user=user, union=network.xining, role="station_staff", stations=[station]
    )
    return user


def test_the_desk_works_on_the_china_day(phone, clock, staff):
    page = phone_at(phone, clock)
    assert page.evaluate("new Date().getUTCDate()") == clock.astimezone(dt.UTC).day
    sign_in(page, "clock-staff", "/desk/")
    page.wait_for_selector("#sync[data-pending='0']")

    # A visit logged now is the China day's, and the desk's count of today shows it.
    page.click("#categories button[data-category=courier]")
    page.wait_for_selector("#sync[data-pending='0']")
    wait_until(page, "document.querySelector('#total').textContent === '1'")
    visit = Visit.objects.get()
    assert visit.occurred_at.astimezone(SHANGHAI).date() == DAY
    assert abs(visit.occurred_at - clock) < dt.timedelta(minutes=5)

    # The status tab: a closure defaults to the China day, and the week starts on it.
    page.click("#tabbtn-status")
    page.wait_for_selector("#week-list li[data-day]")
    assert page.input_value("#closure-start") == DAY.isoformat()
    assert page.input_value("#closure-end") == DAY.isoformat()
    assert page.get_attribute("#week-list li[data-day]", "data-day") == DAY.isoformat()
    wait_until(page, "document.querySelector('#status-now').getAttribute('data-open') === 'false'")
    phone.assert_no_errors()


@pytest.fixture
def inspector(network):
    user = UserFactory(username="clock-organizer", password=PASSWORD)
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    return user


def test_an_offline_inspection_is_dated_on_the_china_day(phone, clock, inspector, network):
    plant = WorkplaceFactory(name="西宁时钟测试矿山", union=network.chengzhong)
    page = phone_at(phone, clock)
    sign_in(page, "clock-organizer", "/organizer/")
    form = "/organizer/supervision/inspections/new/"
    page.goto(form)
    assert page.input_value("input[name=inspected_on]") == DAY.isoformat()
    wait_for_service_worker(page)  # going offline sooner cuts its download
    page.context.set_offline(True)
    page.select_option("select[name=workplace]", str(plant.pk))
    page.fill("input[name=inspectors]", "马军")
    page.select_option("select[name=category]", "fire")
    page.fill("textarea[name=description]", "灭火器过期")
    page.fill("input[name=deadline]", (DAY + dt.timedelta(days=3)).isoformat())
    page.fill("input[name=responsible_person]", "安全科")
    page.click("#inspection-form button[type=submit]")
    page.wait_for_selector("#queue-status:not([hidden])")
    assert not Finding.objects.exists()

    page.context.set_offline(False)
    wait_until(page, "document.getElementById('queue-status').textContent.indexOf('已上传') >= 0")
    finding = Finding.objects.select_related("inspection").get()
    assert finding.inspection.inspected_on == DAY
    assert finding.deadline == DAY + dt.timedelta(days=3)
