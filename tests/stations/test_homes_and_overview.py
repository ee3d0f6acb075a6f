"""Issue 24: homes after login, the organizer home's "what needs me today", the province
overview and its XLSX, and the demo's spread of "六有" inspection dates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client, override_settings
from openpyxl import load_workbook

from stations.demo import create_demo_accounts, create_demo_inspections
from stations.fixtures_loader import load_demo_stations, load_network
from stations.models import HomeChoice, Station
from stations.selectors import stations_needing_inspection
from stations.services.inspections import inspection_record
from stations.services.memberships import membership_grant
from tests.factories import UserFactory, bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 1, 13, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Wednesday


def login(user, data=None) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pw-12345678", **(data or {})}
    )
    assert response.status_code == 302
    client.landed = response.url
    return client


def test_the_login_form_sends_no_next_of_its_own(client, network):
    def login_form(url: str) -> str:
        html = client.get(url).content.decode()
        start = html.index('class="stack"')
        return html[start : html.index("</form>", start)]

    assert 'name="next"' not in login_form("/accounts/login/")
    assert 'name="next" value="/campaigns/"' in login_form("/accounts/login/?next=/campaigns/")


def test_each_role_lands_on_its_home(staff_xining, organizer_xining, province_admin):
    assert Client().get("/accounts/home/").status_code == 302  # anonymous: to the login
    for user, home in ((staff_xining, "/desk/"), (organizer_xining, "/organizer/"),
                       (province_admin, "/organizer/province/")):  # fmt: skip
        client = login(user)
        assert client.get(client.landed).url == home, user


def test_several_roles_pick_once_and_cannot_pick_what_they_lack(network):
    user = UserFactory(username="two-roles")
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    membership_grant(
        actor=None, user=user, union=network.xining, role="station_staff",
        stations=[network.xining_station],
    )  # fmt: skip
    client = login(user)
    page = client.get("/accounts/home/")
    assert page.status_code == 200 and 'value="organizer"' in page.content.decode()
    assert 'value="desk"' in page.content.decode()
    refused = client.post("/accounts/home/", {"home": "province"})
    assert refused.status_code == 400 and not HomeChoice.objects.filter(user=user).exists()
    assert client.post("/accounts/home/", {"home": "desk"}).url == "/desk/"
    assert login(user).get("/accounts/home/").url == "/desk/"  # the next login remembers
    assert HomeChoice.objects.get(user=user).home == "desk"


@time_machine.travel(NOW, tick=False)
def test_the_organizer_home_counts_today_against_the_same_day_last_week(organizer_xining, network):
    today = dt.datetime(2027, 1, 13, 9, 0, tzinfo=NOW.tzinfo)
    bare_visits(network.xining_station, 5, when=today)
    bare_visits(network.xining_station, 3, when=today - dt.timedelta(days=7))
    bare_visits(network.xining_station, 50, when=today - dt.timedelta(days=6))  # not that day
    bare_visits(network.golmud_station, 40, when=today)  # not Xining's
    html = login(organizer_xining).get("/organizer/").content.decode()
    first = html.index('id="attention"')
    assert first < html.index('id="report-filters"')  # the figures come before the filters
    block = html[first : html.index("</ul>", first)]
    assert '<span class="count">5<small> / 3</small>' in block.replace("\n", "")


@time_machine.travel(NOW, tick=False)
def test_province_overview_table_and_xlsx(province_admin, network):
    inspection_record(
        actor=province_admin, station=network.xining_station, inspected_on=dt.date(2026, 12, 1),
        checks={c: (True, "") for c, _l in network.xining_station.inspections.model.CHECKS},
        stars=5,
    )  # fmt: skip
    bare_visits(network.xining_station, 6, when=NOW - dt.timedelta(days=1))  # Tuesday
    bare_visits(network.xining_station, 9, when=NOW - dt.timedelta(days=3))  # last Sunday
    client = login(province_admin)
    html = client.get("/organizer/province/").content.decode()
    assert html.index("西宁市总工会") < html.index("海西州总工会")
    response = client.get("/organizer/province.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["各市州"]
    sheet = book["各市州"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["市（州）", "工会", "工会编号"]
    rows = {row[2]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)}  # fmt: skip
    assert set(rows) == {"QH-XN", "QH-HX"}
    xining = rows["QH-XN"]
    assert xining["站点"] == 2 and xining["本周到访"] == 6  # Monday to today only
    assert xining["六有检查逾期"] == 1  # QH-XN-0002 never inspected; 0001 in December
    assert rows["QH-HX"]["六有检查逾期"] == 1
    assert isinstance(xining["统计日期"], dt.datetime) and xining["统计日期"].date() == NOW.date()
    assert sheet.column_dimensions["B"].width >= 12
    # A city's counties on a tap, with the city in its own column.
    counties = client.get("/organizer/province.xlsx?union=QH-XN")
    sheet = load_workbook(io.BytesIO(counties.content))["各县区"]
    assert [r[:3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("西宁市总工会", "城中区总工会", "QH-XN-CZ")
    ]
    # Out of scope: a city organizer may not open another city's counties.


def test_a_city_organizer_cannot_open_another_city(organizer_xining, network):
    client = login(organizer_xining)
    refused = client.get("/organizer/province/?union=QH-HX")
    assert refused.status_code == 404
    assert "海西州" not in refused.content.decode()
    own = client.get("/organizer/province/")
    assert own.status_code == 200
    page = own.content.decode()
    assert "城中区" in page and "海西州" not in page and "格尔木" not in page


@override_settings(YIZHAN_ALLOW_DEMO=True)
@time_machine.travel(NOW, tick=False)
def test_demo_inspections_are_spread_not_all_overdue(db):
    load_network()
    load_demo_stations()
    create_demo_accounts()
    made = create_demo_inspections()
    total = Station.objects.count()
    assert total == 98 and 80 <= made < total
    admin = UserFactory(username="root", is_superuser=True)
    overdue = stations_needing_inspection(user=admin, max_age_days=180).count()
    assert 10 <= overdue <= 30, overdue
    assert create_demo_inspections() == 0  # twice: nothing more
