"""Production hardening that every environment shares: login throttling (django-axes),
the Content-Security-Policy (django-csp) and the second factor (django-otp)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import services
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def _login(client: Client, username: str, password: str, token: str = "", path: str = ""):
    return client.post(
        path or "/accounts/login/",
        {"username": username, "password": password, "otp_token": token, "next": "/organizer/"},
    )


def test_five_wrong_passwords_lock_the_account_from_that_address(network):
    UserFactory(username="victim", password="right-pass-123")
    client = Client()
    for _ in range(4):
        assert _login(client, "victim", "wrong").status_code == 200
    assert _login(client, "victim", "wrong").status_code == 429  # the fifth
    locked = _login(client, "victim", "right-pass-123")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guesses.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert _login(other, "victim", "right-pass-123").status_code == 302


def test_the_admin_login_is_throttled_too(network):
    UserFactory(username="admin-victim", password="right-pass-123")
    client = Client()
    for _ in range(5):
        _login(client, "admin-victim", "wrong", path="/admin/login/")
    locked = _login(client, "admin-victim", "right-pass-123", path="/admin/login/")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not log in


def _script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"script-src ([^;]*)", policy).group(1)


@pytest.mark.parametrize("path", ["/", "/hazards/report/", "/api/docs/", "/admin/login/"])
def test_every_page_has_a_policy_without_inline_scripts(network, path):
    response = Client().get(path)
    assert response.status_code == 200
    script_src = _script_src(response)
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_map_widget_runs_by_nonce(network, province_admin):
    client = Client()
    client.force_login(province_admin)
    response = client.get(f"/admin/stations/station/{network.xining_station.pk}/change/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _script_src(response)).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    inline = [attrs for attrs in inline if "application/json" not in attrs]
    assert inline, "the map widget's script"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def _code(device: TOTPDevice, drift: int = 0) -> str:
    """The code the phone shows (``drift=1``: the next one; a code is accepted once)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


def test_an_organizer_turns_on_the_second_factor_and_login_asks_for_it(organizer_xining):
    client = Client()
    client.force_login(organizer_xining)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, made by segno
    device = TOTPDevice.objects.get(user=organizer_xining, confirmed=False)
    refused = client.post("/accounts/two-factor/", {"token": "000000"})
    assert refused.status_code == 400
    assert client.post("/accounts/two-factor/", {"token": _code(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=organizer_xining).confirmed

    fresh = Client()
    without = _login(fresh, "org-xining", "pw-12345678")
    assert without.status_code == 200
    assert "两步验证" in without.content.decode()
    assert "_auth_user_id" not in fresh.session
    wrong = _login(fresh, "org-xining", "pw-12345678", token="123456")
    assert wrong.status_code == 200 and "_auth_user_id" not in fresh.session
    device.refresh_from_db()
    device.throttle_reset()
    ok = _login(fresh, "org-xining", "pw-12345678", token=_code(device, drift=1))
    assert ok.status_code == 302, ok.context["form"].errors
    assert fresh.session["_auth_user_id"] == str(organizer_xining.pk)


def test_station_staff_cannot_turn_it_on(staff_xining):
    client = Client()
    client.force_login(staff_xining)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert not TOTPDevice.objects.filter(user=staff_xining).exists()


def test_the_setting_requires_it_of_admins(settings, province_admin, organizer_xining):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    admin = Client()
    admin.force_login(province_admin)
    response = admin.get("/organizer/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert admin.get("/api/v1/me/").status_code == 403
    # An organizer is not an admin: asked nothing.
    organizer = Client()
    organizer.force_login(organizer_xining)
    assert organizer.get("/organizer/").status_code == 200
    # Once on, the admin gets through, and cannot turn it off.
    admin.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=province_admin)
    assert admin.post("/accounts/two-factor/", {"token": _code(device)}).status_code == 302
    assert admin.get("/organizer/").status_code == 200
    admin.post("/accounts/two-factor/", {"action": "off", "token": _code(device, drift=1)})
    assert TOTPDevice.objects.filter(user=province_admin, confirmed=True).exists()
    assert services.second_factor_required(province_admin)


def _turned_on(user) -> tuple[Client, TOTPDevice]:
    client = Client()
    client.force_login(user)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    return client, device


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "http:evil.example",
     "javascript:alert(1)", " https://evil.example"],
)  # fmt: skip
def test_a_code_never_sends_anyone_to_another_site(organizer_xining, target):
    """Security review 2, class 6: ``next`` is checked with url_has_allowed_host_and_scheme."""
    client, device = _turned_on(organizer_xining)
    response = client.post(f"/accounts/two-factor/?next={target}", {"token": _code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"


def test_a_code_sends_to_a_page_of_this_site(organizer_xining):
    client, device = _turned_on(organizer_xining)
    response = client.post("/accounts/two-factor/?next=/organizer/", {"token": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/organizer/"


def test_turning_it_off_takes_a_current_code(organizer_xining):
    client, device = _turned_on(organizer_xining)
    assert client.post("/accounts/two-factor/", {"token": _code(device)}).status_code == 302
    for body in ({"action": "off"}, {"action": "off", "token": "000000"}):
        client.post("/accounts/two-factor/", body)
        assert TOTPDevice.objects.filter(user=organizer_xining, confirmed=True).exists()
    device.refresh_from_db()
    device.throttle_reset()
    client.post("/accounts/two-factor/", {"action": "off", "token": _code(device, drift=1)})
    assert not TOTPDevice.objects.filter(user=organizer_xining).exists()
