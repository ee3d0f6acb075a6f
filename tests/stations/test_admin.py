"""The back office shows an organizer only what lies under their union."""

import pytest
from django.urls import reverse

from stations.models import Station

pytestmark = [pytest.mark.django_db]


def test_organizer_lists_only_their_stations(client, network, organizer_xining):
    client.force_login(organizer_xining)
    response = client.get(reverse("admin:stations_station_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "QH-XN-0001" in body and "QH-XN-0002" in body
    assert "QH-HX-0001" not in body


def test_organizer_cannot_open_a_station_outside_their_union(client, network, organizer_xining):
    client.force_login(organizer_xining)
    url = reverse("admin:stations_station_change", args=[network.golmud_station.pk])
    response = client.get(url)
    assert response.status_code in (302, 404)
    assert Station.objects.get(pk=network.golmud_station.pk).name == network.golmud_station.name


def test_organizer_edits_a_station_through_the_admin(client, network, organizer_xining):
    client.force_login(organizer_xining)
    station = network.xining_station
    url = reverse("admin:stations_station_change", args=[station.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "leaflet" in page.content.decode().lower()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "name": "城中区改名驿站",
            "location": "SRID=4326;POINT (101.7790 36.6180)",
            "services": [s.pk for s in station.services.all()],
            "periods-TOTAL_FORMS": "1",
            "periods-INITIAL_FORMS": "0",
            "periods-0-weekday": "1",
            "periods-0-opens": "08:00",
            "periods-0-closes": "08:00",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    # The period with equal times is refused with the field's message; nothing is saved.
    assert response.status_code == 200
    assert "不能等于" in response.content.decode()
    station.refresh_from_db()
    assert station.name != "城中区改名驿站"
    data["periods-0-closes"] = "18:00"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    station.refresh_from_db()
    assert station.name == "城中区改名驿站"
    assert station.periods.count() == 1
    assert station.history.first().history_user == organizer_xining


def test_staff_without_admin_rights_are_kept_out(client, network, staff_xining):
    client.force_login(staff_xining)
    response = client.get(reverse("admin:stations_station_changelist"))
    assert response.status_code == 302


def test_home_page_and_language_switch(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "English" in body
    assert "leaflet" in body and "cdn" not in body.lower()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "简体中文" in response.content.decode()
