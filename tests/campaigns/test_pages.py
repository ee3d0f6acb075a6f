"""The organizer's campaign pages: forms name the field that is wrong; refusals of the
services come back on the page; the planner decides when to plan in the background."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaigns.models import Allocation, Distribution, Movement
from campaigns.services import ledger, planner
from tests.factories import UserFactory, bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


@pytest.fixture
def organizer(client, organizer_xining):
    client.force_login(organizer_xining)
    return client


def test_pages_are_for_organizers(client, stock, staff_xining):
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=40)])  # fmt: skip
    client.force_login(UserFactory(username="nobody"))
    listing = client.get("/campaigns/")
    assert listing.status_code == 403
    assert "403 Forbidden" in listing.content.decode()
    assert stock.campaign.name not in listing.content.decode()
    client.force_login(staff_xining)
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    page = client.get(url)
    assert page.status_code == 403
    assert "403 Forbidden" in page.content.decode()
    assert stock.campaign.name not in page.content.decode()
    planned = client.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN",
                                "weeks": "4", "minimum": "20"})  # fmt: skip
    assert planned.status_code == 403
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weeks": "99"}, "weeks"),
        ({"weeks": "four"}, "weeks"),
        ({"minimum": "-5"}, "minimum"),
        ({"maximum": str(10**9)}, "maximum"),
        ({"item": "caviar"}, "item"),
        ({"source": "DEPOT-ELSEWHERE"}, "source"),
    ],
)
def test_plan_form_names_the_field(organizer, stock, body, field):
    data = {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4",
            "minimum": "0", "maximum": "", **body}  # fmt: skip
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/plan/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    form = response.context["form"]
    assert f"{form[field].label}：{form.errors[field][0]}" in response.content.decode()
    assert not Allocation.objects.exists()


def test_allocation_quantities_are_checked_per_line(organizer, stock, network):
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)]
    )
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4"})
    line = Allocation.objects.order_by("location__code").first()
    typed = organizer.post(
        url, {"action": "save", "item": "sun_hat", "source": "DEPOT-XN", f"q-{line.pk}": "x"}
    )
    assert typed.status_code == 400
    assert list(typed.context["form"].errors) == [f"q-{line.pk}"]
    # Not whole packs: the service refuses, the page says why.
    odd = organizer.post(
        url, {"action": "save", "item": "sun_hat", "source": "DEPOT-XN", f"q-{line.pk}": "15"}
    )
    assert odd.status_code == 400
    assert "整包" in odd.context["error"]
    line.refresh_from_db()
    assert line.quantity % 10 == 0


@time_machine.travel(NOW, tick=False)
def test_the_plan_page_queues_a_large_scope(
    client, organizer_xining, stock, network, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(organizer_xining)
    bare_visits(network.xining_station, 1, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)]
    )
    monkeypatch.setattr(planner, "PLAN_IN_BACKGROUND_ABOVE", 1)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            f"/campaigns/{stock.campaign.pk}/plan/",
            {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4"},
            follow=True,
        )
    assert "正在后台计算" in response.content.decode()
    # Queued once the request's work committed; the test broker runs it at once.
    assert len(queued) == 1
    assert Allocation.objects.filter(campaign=stock.campaign).count() == 2


@pytest.fixture
def station_hats(stock):
    """10 sun hats at the Xining station, so it is offered as a hand-out point."""
    ledger.stock_receive(
        actor=None, location=stock.station, lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"workers": "-1"}, "workers"),
        ({"category": "astronaut"}, "category"),
        ({"location": "QH-HX-0001"}, "location"),  # Golmud: outside the campaign
        ({"phone": "1" * 30}, "phone"),
    ],
)
def test_hand_out_form_names_the_field(organizer, stock, station_hats, body, field):
    data = {"location": "QH-XN-0001", "item": "sun_hat", "quantity": "1",
            "category": "courier", "workers": "1", **body}  # fmt: skip
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/hand-out/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Distribution.objects.exists()


def test_a_refusal_of_the_service_sits_beside_its_field(organizer, stock, station_hats):
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/hand-out/", {
        "location": "QH-XN-0001", "item": "sun_hat", "quantity": "30", "category": "courier",
    })  # fmt: skip
    assert response.status_code == 409  # only 10 in stock
    assert response.context["form"].errors["quantity"] == [response.context["error"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_on": "next summer"}, "expires_on"),
        ({"quantity": str(10**9)}, "quantity"),
        ({"location": "QH-XN-0001"}, "location"),  # a station is not a depot
    ],
)
def test_receive_form_names_the_field(organizer, stock, body, field):
    data = {"location": "DEPOT-XN", "item": "sun_hat", "quantity": "5", **body}
    response = organizer.post(f"/campaigns/{stock.campaign.pk}/receive/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Movement.objects.exists()
