"""Every kind of page works under the Content-Security-Policy: no violation reported in
Chromium's console on the public map, a station, the forms, the desk, the organizer and
campaign pages, the admin (with its Leaflet map widget) and the API docs (Swagger UI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from campaigns.models import Campaign, StockLocation, Voucher
from stations.models import Station
from tests.worlds import demo_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("CSP_SHOTS", "var/test-artifacts"))


@pytest.fixture
def demo(settings):
    settings.YIZHAN_ALLOW_DEMO = True
    demo_world("load_demo", "load_demo_campaign", "load_demo_welfare")


def _signed_in(phone, username: str, path: str):
    """A page whose context carries the user's session cookie."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page = phone.open(None)
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": phone.base_url,
    }])  # fmt: skip
    page.goto(path)
    return page


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_no_page_breaks_the_content_security_policy(phone, demo):
    campaign = Campaign.objects.get(union__code="QH-XN")
    station = Station.objects.get(code="QH-XN-0001")
    depot = StockLocation.objects.get(code="DEPOT-QH-XN")
    voucher = Voucher.objects.first()
    pages = [
        (None, "/"),
        (None, f"/stations/{station.code}/"),
        (None, "/nearby/?city=630100"),
        (None, "/hazards/report/"),
        (None, "/accounts/login/"),
        (None, "/api/docs/"),
        ("demo-staff", "/desk/"),
        ("demo-organizer", "/organizer/"),
        ("demo-organizer", "/organizer/workplaces/"),
        ("demo-organizer", "/organizer/workers/"),
        ("demo-organizer", f"/campaigns/{campaign.pk}/"),
        ("demo-organizer", f"/campaigns/{campaign.pk}/plan/"),
        ("demo-organizer", "/accounts/two-factor/"),
        ("demo-admin", "/admin/"),
        ("demo-admin", f"/admin/stations/station/{station.pk}/change/"),
        ("demo-admin", f"/admin/campaigns/stocklocation/{depot.pk}/change/"),
    ]
    if voucher is not None:
        pages.append((None, f"/vouchers/{voucher.code}/"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen = []
    for user, path in pages:
        if user is None:
            page = phone.open(None)
            page.add_init_script(CSP_LISTENER)
            page.goto(path)
        else:
            page = phone.open(None)
            page.add_init_script(CSP_LISTENER)
            page.close()
            page = _signed_in(phone, user, "/healthz")
            page.add_init_script(CSP_LISTENER)
            page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(path.split("?")[0]) or "?" in path, (path, page.url)
        violations = _violations(page)
        assert violations == [], (path, violations)
        slug = "".join(c if c.isalnum() else "-" for c in path.split("?")[0]).strip("-")
        page.screenshot(path=str(SHOTS / f"csp-{slug or 'home'}.png"))
        seen.append(path)
        page.context.close()
    # Swagger UI drew the operations (its script ran), and the admin map widget its map.
    docs = phone.open(None)
    docs.goto("/api/docs/")
    docs.wait_for_selector(".opblock", timeout=15_000)
    docs.screenshot(path=str(SHOTS / "csp-api-docs.png"))
    admin_page = _signed_in(phone, "demo-admin", f"/admin/stations/station/{station.pk}/change/")
    admin_page.wait_for_selector(".leaflet-container")
    admin_page.screenshot(path=str(SHOTS / "csp-admin-station.png"))
    phone.assert_no_errors()
    assert len(seen) >= 16
