"""The station desk in headless Chromium: visits logged with no signal reach the server
exactly once when the connection returns, and a reload does not send them again."""

from __future__ import annotations

import os
from importlib import import_module

import pytest
from django.apps import apps

from stations.models import Visit
from stations.services.memberships import membership_grant
from stations.services.stations import station_save
from tests.browser.conftest import wait_until
from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_staff(network):
    import_module("stations.migrations.0002_service_catalog").load(apps, None)
    station_save(
        actor=None, station=network.xining_station, services=["water", "toilet", "charging"]
    )
    user = UserFactory(username="desk-staff", is_staff=False, password="desk-pass-123")
    membership_grant(
        actor=None,
        user=user,
        union=network.xining,
        role="station_staff",
        stations=[network.xining_station],
    )
    return user


def login(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/desk/")
    page.fill("input[name=username]", "desk-staff")
    page.fill("input[name=password]", "desk-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/desk/")


def test_three_visits_logged_offline_arrive_exactly_once(chromium, live_server, desk_staff):
    context = chromium.new_context(
        viewport={"width": 360, "height": 640},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url)
    page.wait_for_selector("#sync[data-pending='0']")

    context.set_offline(True)
    # A chosen service goes with one visitor: it is chosen again for each.
    for category in ("delivery", "courier", "sanitation"):
        page.click("#services button[data-service=water]")
        page.click(f"#categories button[data-category={category}]")
    page.wait_for_selector("#sync[data-pending='3']")
    assert Visit.objects.count() == 0
    assert page.text_content("#total") == "3"  # counted on the phone already

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync[data-pending='0']", timeout=15000)
    assert Visit.objects.count() == 3
    assert sorted(Visit.objects.values_list("category", flat=True)) == [
        "courier",
        "delivery",
        "sanitation",
    ]
    assert all(v.services == ["water"] for v in Visit.objects.all())
    assert page.text_content("#total") == "3"

    page.reload()
    page.wait_for_selector("#sync[data-pending='0']")
    wait_until(page, "document.querySelector('#total').textContent === '3'")
    assert Visit.objects.count() == 3

    # With no signal at all, the desk still opens (service worker) and keeps counting.
    wait_until(page, "navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # online once more, so the worker now controls the page and has cached it
    wait_until(page, "navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#categories button[data-category=driver]")
    page.click("#categories button[data-category=driver]")
    page.wait_for_selector("#sync[data-pending='1']")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync[data-pending='0']", timeout=15000)
    assert Visit.objects.count() == 4

    # Undo takes back the last visit sent.
    page.click("#undo")
    wait_until(page, "document.querySelector('#total').textContent === '3'")
    assert Visit.objects.count() == 3
    assert not Visit.objects.filter(category="driver").exists()
    assert not errors
    context.close()
