"""Usernames cannot be listed (security review 2, class 8): user widgets name only users
in the organizer's scope, the membership form answers the same for another union's
account as for a name that does not exist, and axes locks an address that spreads its
guesses over many user names."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from stations.models import Membership
from stations.services.memberships import membership_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def golmud_organizer(network):
    user = UserFactory(username="org-golmud", is_staff=True)
    membership_grant(actor=None, user=user, union=network.golmud, role="organizer")
    return user


@pytest.fixture
def xining_secret(network):
    """An account that belongs to Xining only: Golmud must not learn it exists."""
    user = UserFactory(username="xining-secret-name", is_staff=False)
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    return user


def _membership_errors(client: Client, username: str, network) -> str:
    response = client.post(
        reverse("admin:stations_membership_add"),
        {"user": username, "union": network.golmud.pk, "role": "organizer"},
    )
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.errors.get("user", []))


def test_the_membership_form_does_not_tell_whether_another_unions_account_exists(
    network, golmud_organizer, xining_secret
):
    client = Client()
    client.force_login(golmud_organizer)
    theirs = _membership_errors(client, xining_secret.username, network)
    nobody = _membership_errors(client, "no-such-login-name", network)
    assert theirs == nobody and theirs
    assert not Membership.objects.filter(user=xining_secret, union=network.golmud).exists()
    # A new account with no union yet can still be given one.
    fresh = UserFactory(username="fresh-account", is_staff=False)
    client.post(
        reverse("admin:stations_membership_add"),
        {"user": fresh.username, "union": network.golmud.pk, "role": "organizer"},
    )
    assert Membership.objects.filter(user=fresh, union=network.golmud).exists()


def test_the_inspector_user_widget_names_only_users_in_scope(
    network, golmud_organizer, xining_secret
):
    client = Client()
    client.force_login(golmud_organizer)
    add = reverse("admin:supervision_safetyinspector_add")
    page = client.get(add, {"user": xining_secret.pk})
    assert page.status_code == 200
    assert xining_secret.username not in page.content.decode()
    own = UserFactory(username="golmud-own-member", is_staff=False)
    membership_grant(actor=None, user=own, union=network.golmud, role="organizer")
    assert own.username in client.get(add, {"user": own.pk}).content.decode()


def _login(client: Client, username: str, password: str):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": "/organizer/"}
    )


def test_guesses_spread_over_many_names_lock_the_address(settings, network):
    settings.AXES_IP_FAILURE_LIMIT = 8
    UserFactory(username="real-user", password="right-pass-123")
    client = Client()
    for n in range(8):  # one guess each, under every name's own limit of five
        assert _login(client, f"guess-{n}", "wrong").status_code in (200, 429)
    locked = _login(client, "real-user", "right-pass-123")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.9.8.7")  # another address is not locked
    assert _login(other, "real-user", "right-pass-123").status_code == 302
