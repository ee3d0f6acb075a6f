"""Issue 24: each role lands on its own home after a plain login at /accounts/login/ on a
360-px phone — staff on the desk, a city's organizer on /organizer/ (what needs doing
today first, filters folded, the menu a drawer), the province admin on the province
overview — and someone with several roles picks one, which the next login remembers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from core import time as local_time
from stations.models import VisitDaily
from stations.services.memberships import membership_grant
from tests.factories import UserFactory, bare_visits

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path("var/test-artifacts")
PASSWORD = "home-pass-12345"


def login(page, username: str) -> None:
    """A plain login: the form at /accounts/login/, no ?next=."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _user(username, union, role, stations=()):
    user = UserFactory(username=username, password=PASSWORD, is_staff=role != "station_staff")
    membership_grant(actor=None, user=user, union=union, role=role, stations=list(stations))
    return user


def test_staff_land_on_the_desk(phone, network):
    _user("home-staff", network.xining, "station_staff", [network.xining_station])
    page = phone.open("/accounts/login/")
    login(page, "home-staff")
    assert page.url.endswith("/desk/")
    no_sideways_scroll(page)
    shot(page, "home-staff")


def test_organizers_land_on_what_needs_them_today(phone, network):
    _user("home-org", network.xining, "organizer")
    today = local_time.today()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=local_time.local_tz())
    bare_visits(network.xining_station, 7, when=noon)
    bare_visits(network.xining_station, 4, when=noon - dt.timedelta(days=7))
    assert VisitDaily.objects.filter(day=today).exists()
    page = phone.open("/accounts/login/")
    login(page, "home-org")
    assert page.url.endswith("/organizer/")
    # The first screen answers "what needs me today", above the fold of a 640-px phone.
    block = page.locator("#attention")
    box = block.bounding_box()
    assert box is not None and box["y"] < 640
    keys = block.locator("li").evaluate_all("els => els.map(e => e.dataset.key)")
    for key in ("visits-today", "inspections-due", "stock-low", "checks-overdue",
                "hazards-waiting", "findings-overdue"):  # fmt: skip
        assert key in keys, key
    visits = block.locator("li[data-key=visits-today] .count").inner_text()
    assert visits.replace(" ", "") == "7/4"
    # The filters are folded; the menu is a closed drawer; nothing scrolls sideways.
    assert not page.locator("#report-filters").evaluate("d => d.open")
    assert page.locator("form.report-form select[name=union]").is_hidden()
    assert not page.locator("#nav-drawer").evaluate("d => d.open")
    no_sideways_scroll(page)
    shot(page, "home-organizer")
    page.click("#nav-drawer > summary")
    assert page.locator("#nav-drawer a[href='/campaigns/']").is_visible()
    no_sideways_scroll(page)
    shot(page, "home-organizer-menu")
    phone.assert_no_errors()


def test_the_province_admin_lands_on_the_province_overview(phone, network):
    _user("home-province", network.province, "admin")
    page = phone.open("/accounts/login/")
    login(page, "home-province")
    assert page.url.endswith("/organizer/province/")
    rows = page.locator("#area-table tbody th[scope=row]").all_inner_texts()
    assert rows == ["西宁市总工会", "海西州总工会"]
    # No visit buttons anywhere on the province admin's home.
    assert page.locator("button.visit, [data-category]").count() == 0
    no_sideways_scroll(page)
    shot(page, "home-province")
    page.click("#area-table a:has-text('西宁市总工会')")
    page.wait_for_load_state()
    assert page.locator("#area-table tbody th[scope=row]").all_inner_texts() == ["城中区总工会"]
    phone.assert_no_errors()


def test_several_roles_pick_a_home_and_the_next_login_remembers_it(phone, network):
    user = _user("home-both", network.chengzhong, "organizer")
    membership_grant(
        actor=None, user=user, union=network.xining, role="station_staff",
        stations=[network.xining_station],
    )  # fmt: skip
    page = phone.open("/accounts/login/")
    login(page, "home-both")
    assert "/accounts/home/" in page.url
    choices = page.locator("#home-choice button").all_inner_texts()
    assert choices == ["组织者首页", "站点工作台"]
    no_sideways_scroll(page)
    shot(page, "home-choice")
    page.click("#home-choice button[value=desk]")
    page.wait_for_load_state()
    assert page.url.endswith("/desk/")
    # Log out, log in again: straight to the desk.
    page.click("#nav-drawer > summary")
    page.click("button.nav-logout")
    page.wait_for_load_state()
    login(page, "home-both")
    assert page.url.endswith("/desk/")
    # The menu offers the picker again; choosing the organizer home sticks too.
    page.goto("/accounts/home/?choose=1")
    page.click("#home-choice button[value=organizer]")
    page.wait_for_load_state()
    assert page.url.endswith("/organizer/")
    phone.assert_no_errors()
