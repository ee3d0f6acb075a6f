"""The back office shows an organizer only what lies under their union, and writes through
the services."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.scoping import scope_for
from stations.models import (
    FacilityReport,
    Feedback,
    Inspection,
    Membership,
    Service,
    Station,
    Union,
    Visit,
)
from stations.services.inspections import inspection_record
from stations.services.memberships import membership_grant
from stations.services.public_reports import feedback_submit, report_submit
from stations.services.stations import station_save
from stations.services.visits import VisitInput, visit_record_batch
from tests.factories import UserFactory, period

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
    assert response["Location"] == "/admin/login/?next=/admin/stations/station/"
    login = client.get(response["Location"]).content.decode()
    assert 'action="/admin/login/"' in login and 'name="password"' in login
    assert network.xining_station.code not in login and network.xining_station.name not in login


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


# Writes through services, and organizers of another union kept out --------------------------

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
WEDNESDAY_10 = dt.datetime(2027, 7, 14, 10, 0, tzinfo=SHANGHAI)


def change_form_data(response) -> dict[str, Any]:
    """What the browser would send back from an admin change page, inlines included."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value.ewkt if hasattr(value, "ewkt") else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for row in formset.initial_forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None:
                    data[row.add_prefix(name)] = value
    return data


def open_now(client: Client, code: str) -> bool:
    return client.get(f"/api/v1/stations/{code}/").json()["properties"]["open_now"]


@pytest.fixture
def golmud_organizer(network):
    user = UserFactory(username="org-golmud")
    membership_grant(actor=None, user=user, union=network.golmud, role="organizer")
    return user


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_hours_changed_in_the_admin_reach_the_public_finder(client, network, organizer_xining):
    station = network.xining_station
    station_save(
        actor=None,
        station=station,
        periods=[period(3, "14:00", "20:00"), period(4, "08:00", "12:00")],
    )
    assert open_now(Client(), station.code) is False
    client.force_login(organizer_xining)
    url = reverse("admin:stations_station_change", args=[station.pk])
    data = change_form_data(client.get(url))
    assert data["periods-TOTAL_FORMS"] == 2
    # Wednesday opens at 08:00 now; Thursday's row is deleted; a closure is added.
    data["periods-0-opens"] = "08:00"
    data["periods-1-DELETE"] = "on"
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_on": "2027-08-01",
            "closures-0-ends_on": "2027-08-02",
            "closures-0-reason": "检修",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    station.refresh_from_db()
    assert station.schedule["periods"] == [[3, "08:00", "20:00", False, "", ""]]
    assert station.schedule["closures"] == [["2027-08-01", "2027-08-02"]]
    assert list(station.periods.values_list("weekday", flat=True)) == [3]
    assert open_now(Client(), station.code) is True
    assert station.periods.get().history.first().history_user == organizer_xining
    # The change log names the rows, as Django's own save would.
    entry = LogEntry.objects.filter(object_id=str(station.pk)).latest("action_time")
    assert "开放时段" in entry.get_change_message() or "opening" in entry.get_change_message()


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_services_chosen_in_the_admin_reach_the_read_copy(client, network, organizer_xining):
    station = network.xining_station
    client.force_login(organizer_xining)
    url = reverse("admin:stations_station_change", args=[station.pk])
    data = change_form_data(client.get(url))
    data["services"] = list(
        Service.objects.filter(code__in=["water", "toilet"]).values_list("pk", flat=True)
    )
    assert client.post(url, data).status_code == 302
    station.refresh_from_db()
    assert sorted(station.service_codes) == ["toilet", "water"]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_an_organizer_of_another_union_cannot_change_hours(
    client, network, organizer_xining, golmud_organizer
):
    station = network.xining_station
    station_save(actor=None, station=station, periods=[period(3, "14:00", "20:00")])
    client.force_login(organizer_xining)
    url = reverse("admin:stations_station_change", args=[station.pk])
    data = change_form_data(client.get(url))
    data["periods-0-opens"] = "08:00"
    client.force_login(golmud_organizer)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    station.refresh_from_db()
    assert station.schedule["periods"] == [[3, "14:00", "20:00", False, "", ""]]
    assert open_now(Client(), station.code) is False


def test_editing_a_role_in_the_admin_changes_that_membership(client, network, organizer_xining):
    """The bug: saving a changed role added a second membership beside the first."""
    user = UserFactory(username="staff-cz", is_staff=False)
    membership = membership_grant(
        actor=None, user=user, union=network.chengzhong, role="station_staff",
        stations=[network.xining_station],
    )  # fmt: skip
    client.force_login(organizer_xining)
    url = reverse("admin:stations_membership_change", args=[membership.pk])
    data = change_form_data(client.get(url))
    data["role"] = "organizer"
    data["stations"] = []
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Membership.objects.filter(user=user).values_list("pk", "role")) == [
        (membership.pk, "organizer")
    ]
    assert membership.history.first().history_user == organizer_xining


def test_the_admin_refuses_staff_stations_outside_the_union(client, network, organizer_xining):
    """The bug: the admin linked any station in the user's scope to the membership."""
    user = UserFactory(username="staff-cz", is_staff=False)
    membership = membership_grant(
        actor=None, user=user, union=network.chengzhong, role="station_staff"
    )
    client.force_login(organizer_xining)
    url = reverse("admin:stations_membership_change", args=[membership.pk])
    data = change_form_data(client.get(url))
    data["stations"] = [network.xining_station_2.pk]  # Xining's, not Chengzhong's
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "QH-XN-0002" in " ".join(errors["stations"])
    assert list(membership.stations.all()) == []
    # A new grant is checked the same way.
    add = reverse("admin:stations_membership_add")
    response = client.post(
        add,
        {"user": user.username, "union": network.chengzhong.pk, "role": "organizer",
         "stations": [network.xining_station.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "stations" in response.context["adminform"].form.errors
    assert Membership.objects.filter(user=user).count() == 1


def test_a_membership_granted_and_revoked_in_the_admin(client, network, organizer_xining):
    user = UserFactory(username="new-staff", is_staff=False)
    client.force_login(organizer_xining)
    response = client.post(
        reverse("admin:stations_membership_add"),
        {"user": user.username, "union": network.chengzhong.pk, "role": "station_staff",
         "stations": [network.xining_station.pk]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=user)
    assert list(membership.stations.all()) == [network.xining_station]
    assert membership.history.first().history_user == organizer_xining
    delete = reverse("admin:stations_membership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(user=user).exists()
    gone = Membership.history.filter(id=membership.pk).first()
    assert (gone.history_type, gone.history_user) == ("-", organizer_xining)


def test_a_report_note_is_written_through_the_service(
    client, network, organizer_xining, golmud_organizer
):
    report = report_submit(station_code="QH-XN-0001", kind="water_broken")
    url = reverse("admin:stations_facilityreport_change", args=[report.pk])
    client.force_login(organizer_xining)
    assert client.post(url, {"note": "已联系厂家"}).status_code == 302
    report.refresh_from_db()
    assert (report.note, report.handled_by) == ("已联系厂家", organizer_xining)
    assert report.history.first().history_user == organizer_xining
    client.force_login(golmud_organizer)
    assert client.post(url, {"note": "改掉"}).status_code == 302
    report.refresh_from_db()
    assert report.note == "已联系厂家"


@pytest.fixture
def golmud_rows(network, province_admin):
    """One row of every stations model under Golmud, and one under Xining."""
    rows = {}
    for station, name in ((network.golmud_station, "golmud"), (network.xining_station, "xining")):
        user = UserFactory(username=f"staff-{name}", is_staff=False)
        membership = membership_grant(
            actor=None, user=user, union=station.union, role="station_staff", stations=[station]
        )
        visit_record_batch(
            actor=province_admin,
            visits=[VisitInput(uuid=str(uuid.uuid4()), station=station.code,
                               occurred_at=timezone.now().isoformat(), category="courier")],
        )  # fmt: skip
        rows[name] = {
            Union: station.union,
            Station: station,
            Membership: membership,
            Visit: Visit.objects.get(station=station),
            Feedback: feedback_submit(station_code=station.code, rating=4, comment=name),
            FacilityReport: report_submit(station_code=station.code, kind="other"),
            Inspection: inspection_record(
                actor=province_admin, station=station, inspected_on=timezone.localdate(),
                checks={code: (True, "") for code, _label in Inspection.CHECKS}, stars=4,
            ),
        }  # fmt: skip
    return rows


SCOPED_MODELS = [Union, Station, Membership, Visit, Feedback, FacilityReport, Inspection]


def admin_url(model: type, action: str, *args: Any) -> str:
    return reverse(f"admin:stations_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_another_unions_organizer_sees_none_of_its_rows(
    client, golmud_rows, model, organizer_xining
):
    client.force_login(organizer_xining)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert golmud_rows["xining"][model].pk in shown  # not passing on an empty list
    assert golmud_rows["golmud"][model].pk not in shown
    for obj in response.context["cl"].queryset:
        union = obj if model is Union else obj.union if hasattr(obj, "union") else obj.station.union
        assert union.path.startswith("QH/QH-XN/")


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_another_unions_organizer_cannot_open_or_change_its_rows(
    client, golmud_rows, model, organizer_xining
):
    client.force_login(organizer_xining)
    theirs = golmud_rows["golmud"][model]
    ours = golmud_rows["xining"][model]
    page = client.get(admin_url(model, "change", ours.pk))
    assert page.status_code == 200
    data = change_form_data(page) if page.context.get("adminform") else {}
    before = model._default_manager.filter(pk=theirs.pk).values().get()
    response = client.get(admin_url(model, "change", theirs.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    # Visits and feedback are read-only here: refused before the lookup; the others find
    # nothing in the scoped list and go back to the index.
    refused = 403 if model in (Visit, Feedback) else 302
    response = client.post(admin_url(model, "change", theirs.pk), data)
    assert response.status_code == refused
    response = client.post(admin_url(model, "delete", theirs.pk), {"post": "yes"})
    assert response.status_code == refused
    assert model._default_manager.filter(pk=theirs.pk).values().get() == before
    # Nor through the history pages, which load the row outside the scoped list.
    if hasattr(model, "history"):
        assert client.get(admin_url(model, "history", theirs.pk)).status_code == 403
        version = theirs.history.first().history_id
        url = reverse(
            f"admin:stations_{model._meta.model_name}_simple_history", args=[theirs.pk, version]
        )
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
        assert model._default_manager.filter(pk=theirs.pk).values().get() == before


def test_another_unions_organizer_cannot_add_into_it(
    client, network, golmud_rows, organizer_xining
):
    client.force_login(organizer_xining)
    golmud = network.golmud
    attempts = {
        Union: {"code": "QH-HX-NEW", "name": "新工会", "kind": "county", "parent": golmud.pk,
                "region": golmud.region_id},
        Station: {"code": "QH-HX-0999", "name": "新驿站", "kind": "standalone",
                  "union": golmud.pk, "region": golmud.region_id, "status": "active",
                  "location": "SRID=4326;POINT (94.9 36.4)", "address": "格尔木",
                  "seats": 0, "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0,
                  "closures-TOTAL_FORMS": 0, "closures-INITIAL_FORMS": 0},
        Membership: {"user": organizer_xining.username, "union": golmud.pk, "role": "admin"},
        Inspection: {"station": network.golmud_station.pk, "inspected_on": "2027-07-01",
                     "stars": 5, **{f"{code}_ok": "on" for code, _l in Inspection.CHECKS}},
    }  # fmt: skip
    for model, data in attempts.items():
        count = model._default_manager.count()
        response = client.post(admin_url(model, "add"), data)
        assert response.status_code == 200, model
        errors = response.context["adminform"].form.errors
        field = {Union: "parent", Station: "union", Membership: "union", Inspection: "station"}
        assert field[model] in errors, (model, errors)
        assert model._default_manager.count() == count
    for model in (Visit, Feedback, FacilityReport):
        assert client.post(admin_url(model, "add"), {}).status_code == 403
    assert not scope_for(organizer_xining).covers_union(golmud)


def test_a_catalog_change_reaches_the_stations_read_copies(client, network):
    station = network.xining_station
    station_save(actor=None, station=station, services=["water", "toilet"])
    water = Service.objects.get(code="water")
    client.force_login(UserFactory(username="root", is_superuser=True))
    url = reverse("admin:stations_service_change", args=[water.pk])
    data = change_form_data(client.get(url))
    data["code"] = "drinking-water"
    assert client.post(url, data).status_code == 302
    station.refresh_from_db()
    assert sorted(station.service_codes) == ["drinking-water", "toilet"]
    delete = reverse("admin:stations_service_delete", args=[water.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    station.refresh_from_db()
    assert station.service_codes == ["toilet"]


def test_the_membership_form_lists_no_accounts(client, network, organizer_xining):
    """A user is named by login name: the form does not list the network's accounts."""
    UserFactory(username="someone-in-golmud", is_staff=False)
    client.force_login(organizer_xining)
    page = client.get(reverse("admin:stations_membership_add"))
    assert page.status_code == 200
    assert "someone-in-golmud" not in page.content.decode()
    response = client.post(
        reverse("admin:stations_membership_add"),
        {"user": "nobody-by-this-name", "union": network.chengzhong.pk, "role": "organizer"},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
