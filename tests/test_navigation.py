"""Each role lands on its own home after login, and a menu joins the pages of its work."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db]


def login(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pw-12345678"}, follow=True
    )
    assert response.status_code == 200
    client.landed = response.redirect_chain[-1][0]
    return client


def test_staff_land_on_the_desk(staff_xining):
    assert login(staff_xining).landed == "/desk/"


def test_organizers_land_on_their_overview(organizer_xining):
    assert login(organizer_xining).landed == "/organizer/"


def test_a_login_with_next_goes_there(organizer_xining):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/campaigns/",
        {"username": organizer_xining.username, "password": "pw-12345678"},
    )
    assert response.status_code == 302 and response.url == "/campaigns/"
    assert client.session["_auth_user_id"] == str(organizer_xining.pk)
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<title>关爱活动 · 驿站</title>" in page.content.decode()


def test_the_organizer_menu_joins_their_pages(organizer_xining):
    client = login(organizer_xining)
    html = client.get("/organizer/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    for url in ("/organizer/", "/campaigns/", "/organizer/workplaces/", "/organizer/workers/",
                "/organizer/hazards/", "/organizer/rewards/", "/admin/"):  # fmt: skip
        assert f'href="{url}"' in nav, url
    assert 'href="/organizer/" aria-current="page"' in nav
    # A deeper page marks its own item, not the overview's.
    nav = client.get("/organizer/workers/").content.decode()
    nav = nav[nav.index('class="site-nav"') : nav.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert 'href="/organizer/workers/" aria-current="page"' in nav


def test_staff_see_only_their_desk_in_the_menu(staff_xining):
    client = login(staff_xining)
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert 'href="/desk/"' in nav
    assert "/campaigns/" not in nav and "/admin/" not in nav


def test_the_public_sees_no_menu(client, network):
    assert 'class="site-nav"' not in client.get("/").content.decode()
