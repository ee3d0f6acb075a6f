"""Every public write is rate-limited per client address through the cache and answers
429 with Retry-After. The public writes are read from config/access.py, so a new public
form is covered as soon as it has its line."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config import access
from core.throttling import PublicFormThrottle
from stations.models import Feedback

pytestmark = [pytest.mark.django_db]

#: Public writes limited by something else, and by what.
LIMITED_ELSEWHERE = {
    "login": "django-axes (tests/test_security.py)",
    "admin-login": "django-axes (tests/test_security.py)",
    "logout": "ends one's own session",
    "set_language": "sets one's own cookie",
    "password_reset_confirm": "needs a token mailed to the account",
}

BODIES = {
    "api-feedback": {"rating": 5},
    "api-report": {"kind": "other", "description": "门口积水"},
    "api-hazard-reports": {"category": "fire", "description": "通道堵塞", "lat": "36.62",
                           "lng": "101.77"},
    "welfare:hazard-report": {"category": "fire", "description": "通道堵塞", "lat": "36.62",
                              "lng": "101.77"},
    "maps:station-feedback": {"rating": 5},
    "maps:station-report": {"kind": "other", "description": "门口积水"},
    "password_reset": {"email": "nobody@example.org"},
}  # fmt: skip


def public_writes() -> list[str]:
    return sorted(
        name
        for name, rule in access.URLS.items()
        if rule.who == access.PUBLIC and rule.kind == access.WRITE
        and name not in LIMITED_ELSEWHERE
    )  # fmt: skip


def test_every_public_write_has_a_request_here():
    assert set(public_writes()) == set(BODIES)


@pytest.mark.parametrize("name", public_writes())
def test_public_write_answers_429_with_retry_after(network, name):
    rule = access.URLS[name]
    url = reverse(name, kwargs=dict.fromkeys(rule.args, "QH-XN-0001"))
    limit = PublicFormThrottle().num_requests
    window = PublicFormThrottle().duration
    client = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(dt.datetime(2027, 7, 14, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(limit):
            response = client.post(url, BODIES[name])
            assert response.status_code in (201, 302), (
                response.status_code, response.content[:300],
            )  # fmt: skip
        clock.shift(dt.timedelta(seconds=10))
        refused = client.post(url, BODIES[name])
    assert refused.status_code == 429
    # Retry-After is the wait until the oldest counted submission leaves the throttle's
    # window: the submissions were all made 10 s ago, so exactly the window less 10 s.
    assert int(refused["Retry-After"]) == window - 10, (refused["Retry-After"], window)
    # The count is per address: another client still gets through.
    other = Client(REMOTE_ADDR="203.0.113.10").post(url, BODIES[name])
    assert other.status_code in (201, 302)


def test_the_limit_is_shared_by_all_public_forms(network):
    """One address cannot spread its submissions over several forms."""
    client = Client(REMOTE_ADDR="203.0.113.11")
    limit = PublicFormThrottle().num_requests
    names = list(BODIES)
    for i in range(limit):
        name = names[i % len(names)]
        url = reverse(name, kwargs=dict.fromkeys(access.URLS[name].args, "QH-XN-0001"))
        assert client.post(url, BODIES[name]).status_code in (201, 302)
    url = reverse("api-feedback", kwargs={"code": "QH-XN-0001"})
    feedback = Feedback.objects.count()
    refused = client.post(url, BODIES["api-feedback"])
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("请求已被限流。")
    assert Feedback.objects.count() == feedback  # the refused rating was not kept
    cache.clear()
    assert client.post(url, BODIES["api-feedback"]).status_code == 201
    assert Feedback.objects.count() == feedback + 1
