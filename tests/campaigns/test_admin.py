"""The campaigns back office: an organizer of another union sees and changes nothing of
Xining's; every save, status change and delete goes through the services (with history)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from campaigns.models import (
    Allocation,
    Campaign,
    Distribution,
    Item,
    Lot,
    Movement,
    StockEntry,
    StockLevel,
    StockLocation,
    Transfer,
)
from campaigns.services import ledger, plan_confirmation, planner
from tests.campaigns.factories import CampaignFactory, DepotFactory
from tests.factories import UserFactory, bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)
XINING = "QH/QH-XN/"
# The admin's scope field per model, to find Xining's rows without asking the admin.
OWNED_BY = {
    Campaign: "union__path",
    StockLocation: "union__path",
    StockLevel: "location__union__path",
    StockEntry: "location__union__path",
    Movement: "entries__location__union__path",
    Transfer: "source__union__path",
    Distribution: "location__union__path",
    Allocation: "location__union__path",
}
REFERENCE = {Item, Lot}  # the catalog: everyone may look, only superusers change


@pytest.fixture
def season(stock, network, organizer_xining):
    """A Xining season with a row in every campaigns table."""
    with time_machine.travel(NOW, tick=False):
        bare_visits(network.xining_station, 1, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
        ledger.stock_receive(
            actor=None, location=stock.depot, campaign=stock.campaign,
            lines=[ledger.ReceiptLine(item=stock.hat, quantity=30),
                   ledger.ReceiptLine(item=stock.water, quantity=48, batch="W1",
                                      expires_on=dt.date(2027, 9, 1))],
        )  # fmt: skip
        planner.campaign_plan(
            actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
        )
        for transfer in plan_confirmation.campaign_confirm_plan(
            actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
        ):
            ledger.stock_transfer_receive(actor=None, transfer=transfer)
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.station, item=stock.hat,
            quantity=10, category="courier", workers=10,
        )  # fmt: skip
    return stock


def campaigns_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "campaigns"
    ]


def xining_rows(model):
    if model in REFERENCE:
        return list(model.objects.order_by("pk")[:3])
    pks = model.objects.filter(**{f"{OWNED_BY[model]}__startswith": XINING}).values_list(
        "pk", flat=True
    )
    return list(model.objects.filter(pk__in=list(pks)).order_by("pk")[:3])


def test_every_campaigns_admin_is_covered():
    assert {model for model, _admin in campaigns_admins()} == set(OWNED_BY) | REFERENCE


def test_another_union_sees_and_changes_nothing(season, organizer_golmud):
    client = Client()
    client.force_login(organizer_golmud)
    request = RequestFactory().get("/admin/")
    request.user = organizer_golmud
    for model, model_admin in campaigns_admins():
        theirs = xining_rows(model)
        assert theirs, f"the season leaves {model._meta.label} empty"
        info = (model._meta.app_label, model._meta.model_name)
        seen = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        for obj in theirs:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            before = model_to_dict(obj)
            posted = client.post(url, {**{k: v for k, v in before.items() if v is not None},
                                       "name": "改掉", "_save": 1})  # fmt: skip
            obj.refresh_from_db()
            assert model_to_dict(obj) == before, model._meta.label
            if model in REFERENCE:
                assert posted.status_code == 403, model._meta.label  # may look, not change
                continue
            assert obj.pk not in seen, model._meta.label
            assert listing.status_code == 200
            assert f'href="{url}"' not in listing.content.decode(), model._meta.label
            # Outside the queryset: the admin answers "does not exist" (a redirect).
            assert client.get(url).status_code == 302, model._meta.label
            # Saving is refused: "does not exist", or 403 where nobody may change the model.
            assert posted.status_code in (302, 403), model._meta.label
            deleted = client.post(
                reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"}
            )
            assert deleted.status_code in (302, 403)
            assert model.objects.filter(pk=obj.pk).exists(), model._meta.label


def test_another_union_cannot_run_actions_on_xining_campaigns(season, organizer_golmud):
    client = Client()
    client.force_login(organizer_golmud)
    campaign = season.campaign
    client.post(reverse("admin:campaigns_campaign_changelist"), {
        "action": "close_campaigns", ACTION_CHECKBOX_NAME: [campaign.pk],
    })  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.status == "active"


def test_another_union_cannot_add_into_xining(network, organizer_golmud):
    client = Client()
    client.force_login(organizer_golmud)
    response = client.post(reverse("admin:campaigns_campaign_add"), campaign_form(network.xining))
    assert response.status_code == 200
    assert "union" in response.context["adminform"].form.errors
    depot = client.post(reverse("admin:campaigns_stocklocation_add"), {
        "code": "DEPOT-X", "name": "仓库", "kind": "depot", "union": network.xining.pk,
    })  # fmt: skip
    assert "union" in depot.context["adminform"].form.errors
    assert not Campaign.objects.exists()
    assert not StockLocation.objects.filter(code="DEPOT-X").exists()


def campaign_form(union, **changes):
    return {
        "kind": "summer", "name": "2027 城中送清凉", "union": union.pk,
        "starts_on": "2027-06-01", "ends_on": "2027-08-31", "target_workers": "500",
        "category_targets": '{"courier": 200}', "budget": "1000.00", "status": "planned",
        "per_person_daily_limit": "1", **changes,
    }  # fmt: skip


def test_the_admin_creates_and_changes_campaigns_through_the_services(network, organizer_xining):
    client = Client()
    client.force_login(organizer_xining)
    added = client.post(reverse("admin:campaigns_campaign_add"), campaign_form(network.chengzhong))
    assert added.status_code == 302, added.context and added.context["adminform"].form.errors
    campaign = Campaign.objects.get()
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    client.post(url, campaign_form(network.chengzhong, status="active", target_workers="800"))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.target_workers) == ("active", 800)
    rows = list(campaign.history.order_by("history_date"))
    assert [(r.history_type, r.target_workers, r.status) for r in rows] == [
        ("+", 500, "planned"),
        ("~", 800, "planned"),  # campaign_update
        ("~", 800, "active"),  # campaign_set_status
    ]
    assert {r.history_user for r in rows} == {organizer_xining}
    # A closed campaign does not reopen: the form says so on the status field.
    client.post(url, campaign_form(network.chengzhong, status="closed", target_workers="800"))
    back = client.post(url, campaign_form(network.chengzhong, status="active"))
    assert back.status_code == 200
    assert list(back.context["adminform"].form.errors) == ["status"]
    campaign.refresh_from_db()
    assert campaign.status == "closed"


def test_history_pages_for_own_rows_only(season, organizer_xining, organizer_golmud):
    client = Client()
    allocation = Allocation.objects.first()
    pages = [
        reverse("admin:campaigns_campaign_history", args=[season.campaign.pk]),
        reverse("admin:campaigns_allocation_history", args=[allocation.pk]),
    ]
    client.force_login(organizer_xining)
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert organizer_xining.username in page.content.decode()  # who changed it
    client.force_login(organizer_golmud)
    for url in pages:
        assert client.get(url).status_code in (302, 403), url


def test_admin_actions_and_delete_go_through_the_services(network, organizer_xining):
    client = Client()
    client.force_login(organizer_xining)
    planned = CampaignFactory(union=network.xining, name="计划中")
    running = CampaignFactory(union=network.xining, name="进行中", status="active")
    changelist = reverse("admin:campaigns_campaign_changelist")
    client.post(changelist, {"action": "activate_campaigns", ACTION_CHECKBOX_NAME: [planned.pk]})
    planned.refresh_from_db()
    assert planned.status == "active"
    assert planned.history.latest().history_user == organizer_xining
    # A campaign that ran is closed, not deleted.
    client.post(reverse("admin:campaigns_campaign_delete", args=[running.pk]), {"post": "yes"})
    assert Campaign.objects.filter(pk=running.pk).exists()
    draft = CampaignFactory(union=network.xining, name="录错了")
    client.post(reverse("admin:campaigns_campaign_delete", args=[draft.pk]), {"post": "yes"})
    assert not Campaign.objects.filter(pk=draft.pk).exists()


def test_stock_locations_in_the_admin(network, organizer_xining):
    client = Client()
    client.force_login(organizer_xining)
    add = reverse("admin:campaigns_stocklocation_add")
    station = client.post(add, {"code": "S-1", "name": "站", "kind": "station",
                                "union": network.xining.pk})  # fmt: skip
    assert list(station.context["adminform"].form.errors) == ["kind"]
    client.post(add, {"code": "DEPOT-CZ", "name": "城中仓库", "kind": "depot",
                      "union": network.chengzhong.pk})  # fmt: skip
    depot = StockLocation.objects.get(code="DEPOT-CZ")
    assert (depot.kind, depot.union) == ("depot", network.chengzhong)
    client.post(
        reverse("admin:campaigns_stocklocation_change", args=[depot.pk]),
        {"name": "城中区仓库", "union": network.xining.pk, "address": "城中区"},
    )
    depot.refresh_from_db()
    assert (depot.code, depot.name, depot.union) == ("DEPOT-CZ", "城中区仓库", network.xining)


def test_only_superusers_change_the_catalog(network, organizer_xining):
    root = UserFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(organizer_xining)
    form = {"code": "fan", "name": "扇子", "unit": "把", "pack_size": "20", "season": "summer",
            "unit_cost": "3.00", "sort_order": "0", "people_per_unit": "1"}  # fmt: skip
    assert client.post(reverse("admin:campaigns_item_add"), form).status_code == 403
    client.force_login(root)
    assert client.post(reverse("admin:campaigns_item_add"), form).status_code == 302
    assert Item.objects.get(code="fan").pack_size == 20
    # An item with stock is not deleted.
    DepotFactory(code="D-1", union=network.xining)
    hat = Item.objects.get(code="sun_hat")
    ledger.stock_receive(
        actor=None, location=StockLocation.objects.get(code="D-1"),
        lines=[ledger.ReceiptLine(item=hat, quantity=1)],
    )  # fmt: skip
    client.post(reverse("admin:campaigns_item_delete", args=[hat.pk]), {"post": "yes"})
    assert Item.objects.filter(pk=hat.pk).exists()
