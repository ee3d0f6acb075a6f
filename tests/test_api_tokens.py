"""API tokens keep the second factor (issue 29): a user who must use one is authenticated
by a token only if it was issued after a second-factor login, and such a token expires."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import ApiTokenGrant

pytestmark = pytest.mark.django_db
ISSUE = "/api/v1/auth/token/"
READ = "/api/v1/me/"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    settings.API_TOKEN_TTL_HOURS = 12


def _with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _verified_session(user) -> APIClient:
    device = TOTPDevice.objects.create(user=user, name="yizhan", confirmed=True)
    client = APIClient()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # what django_otp.login() stores
    session.save()
    return client


def test_a_token_made_outside_a_second_factor_login_is_refused(required, province_admin):
    legacy = Token.objects.create(user=province_admin)  # manage.py drf_create_token
    response = _with_token(legacy.key).get(READ)
    assert response.status_code in (401, 403)
    assert "两步验证" in response.json()["error"]["message"]


def test_a_session_without_the_second_factor_cannot_issue_one(required, province_admin):
    client = APIClient()
    client.force_login(province_admin)
    response = client.post(ISSUE)
    assert response.status_code == 403
    assert not Token.objects.filter(user=province_admin).exists()


def test_a_token_issued_after_the_second_factor_works_until_it_expires(required, province_admin):
    client = _verified_session(province_admin)
    response = client.post(ISSUE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["second_factor"] is True
    grant = ApiTokenGrant.objects.get(token__key=body["token"])
    assert grant.expires_at - grant.issued_at == dt.timedelta(hours=12)
    assert _with_token(body["token"]).get(READ).status_code == 200
    with time_machine.travel(grant.expires_at - dt.timedelta(seconds=1), tick=False):
        assert _with_token(body["token"]).get(READ).status_code == 200
    with time_machine.travel(grant.expires_at, tick=False):
        expired = _with_token(body["token"]).get(READ)
    assert expired.status_code in (401, 403)
    assert "过期" in expired.json()["error"]["message"]


def test_a_token_cannot_issue_the_next_token(required, province_admin):
    key = _verified_session(province_admin).post(ISSUE).json()["token"]
    response = _with_token(key).post(ISSUE)
    assert response.status_code in (401, 403)
    assert Token.objects.get(user=province_admin).key == key


def test_issuing_again_retires_the_earlier_token(required, province_admin):
    client = _verified_session(province_admin)
    first = client.post(ISSUE).json()["token"]
    second = client.post(ISSUE).json()["token"]
    assert first != second
    assert _with_token(first).get(READ).status_code in (401, 403)
    assert _with_token(second).get(READ).status_code == 200


def test_a_user_without_the_duty_keeps_a_plain_token_and_gets_expiring_ones(required, staff_xining):
    plain = Token.objects.create(user=staff_xining)
    assert _with_token(plain.key).get(READ).status_code == 200
    client = APIClient()
    client.force_login(staff_xining)
    response = client.post(ISSUE)
    assert response.status_code == 201
    assert response.json()["second_factor"] is False
    grant = ApiTokenGrant.objects.get(token__user=staff_xining)
    assert grant.expires_at <= timezone.now() + dt.timedelta(hours=12)
    with time_machine.travel(grant.expires_at + dt.timedelta(minutes=1), tick=False):
        assert _with_token(response.json()["token"]).get(READ).status_code in (401, 403)


def test_anonymous_cannot_issue(db):
    response = APIClient().post(ISSUE)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["message"]
    assert "token" not in response.json()
    assert Token.objects.count() == 0 and ApiTokenGrant.objects.count() == 0
