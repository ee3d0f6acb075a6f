"""A summer campaign end to end through the organizer's pages, alerts, the summary export."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from openpyxl import load_workbook

from campaigns.models import Allocation, Distribution, Transfer
from campaigns.selectors.alerts import stock_alerts
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger, reorder_levels
from campaigns.tasks import stock_alerts_daily
from tests.factories import bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


@time_machine.travel(NOW, tick=False)
def test_summer_campaign_end_to_end(client, stock, network, organizer_xining):
    client.force_login(organizer_xining)
    bad = client.post(f"/campaigns/{stock.campaign.pk}/receive/", {
        "location": "DEPOT-XN", "item": "water", "quantity": "10",
    })  # fmt: skip
    assert bad.status_code == 400 and "批号" in bad.context["error"]  # perishable
    response = client.post(f"/campaigns/{stock.campaign.pk}/receive/", {
        "location": "DEPOT-XN", "item": "sun_hat", "quantity": "100",
    })  # fmt: skip
    assert response.status_code == 302
    for station, n in ((network.xining_station, 30), (network.xining_station_2, 10)):
        bare_visits(station, n, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    response = client.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN",
                                 "weeks": "4", "minimum": "0", "maximum": ""})  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"])
    allocations = list(page.context["allocations"])
    # 10 packs of 10 split 30:10 → 7.5 : 2.5; the odd pack goes to the busier station.
    assert {a.location.code: a.quantity for a in allocations} == {
        "QH-XN-0001": 80,
        "QH-XN-0002": 20,
    }
    first = next(a for a in allocations if a.location.code == "QH-XN-0001")
    client.post(
        url, {"action": "save", "item": "sun_hat", "source": "DEPOT-XN", f"q-{first.pk}": "60"}
    )
    first.refresh_from_db()
    assert first.quantity == 60
    response = client.post(url, {"action": "confirm", "item": "sun_hat", "source": "DEPOT-XN"})
    assert response.status_code == 302
    assert Transfer.objects.filter(status="in_transit").count() == 2
    assert set(Allocation.objects.values_list("status", flat=True)) == {"confirmed"}
    for transfer in Transfer.objects.all():
        client.post(f"/campaigns/{stock.campaign.pk}/transfers/{transfer.pk}/receive/")
    assert Transfer.objects.filter(status="received").count() == 2
    response = client.post(f"/campaigns/{stock.campaign.pk}/hand-out/", {
        "location": "QH-XN-0001", "item": "sun_hat", "quantity": "40", "category": "construction",
        "workers": "40",
    })  # fmt: skip
    assert response.status_code == 302
    too_many = client.post(f"/campaigns/{stock.campaign.pk}/hand-out/", {
        "location": "QH-XN-0001", "item": "sun_hat", "quantity": "40", "category": "construction",
        "workers": "40",
    })  # fmt: skip
    assert too_many.status_code == 409
    assert "20" in too_many.context["error"]
    dashboard = client.get(f"/campaigns/{stock.campaign.pk}/")
    assert dashboard.status_code == 200
    assert dashboard.context["d"]["reached"] == 40
    assert "<svg" in dashboard.content.decode()
    summary = client.get(f"/campaigns/{stock.campaign.pk}/summary.xlsx")
    sheet = load_workbook(io.BytesIO(summary.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["覆盖人数"] == 40
    assert values["遮阳帽"] == "顶"
    assert values["建筑工人"] == 40
    assert ledger_mismatches() == []
    assert Distribution.objects.get().workers == 40


def test_other_organizers_do_not_see_the_campaign(client, stock, organizer_golmud):
    client.force_login(organizer_golmud)
    for path in ("", "summary.xlsx"):
        response = client.get(f"/campaigns/{stock.campaign.pk}/{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("text/html"), path  # no workbook
        body = response.content.decode()
        assert "Not Found" in body and stock.campaign.name not in body, path
    listing = client.get("/campaigns/")
    assert listing.status_code == 200
    assert stock.campaign.name not in listing.content.decode()


@time_machine.travel(NOW, tick=False)
def test_alerts_and_the_daily_mail(stock, network, organizer_xining):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    ledger.stock_receive(
        actor=None, location=stock.depot, campaign=stock.campaign,
        lines=[ledger.ReceiptLine(item=stock.water, quantity=50, batch="B1",
                                    expires_on=dt.date(2027, 7, 20)),
               ledger.ReceiptLine(item=stock.hat, quantity=12)],
    )  # fmt: skip
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.hat, level=20)
    ledger.stock_distribute(
        actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
        quantity=35, category="courier", workers=35,
    )  # fmt: skip
    alerts = {
        (a.kind, a.item) for a in stock_alerts(union_path="QH/QH-XN/", on=dt.date(2027, 7, 14))
    }
    assert ("low", "遮阳帽") in alerts
    assert ("running_out", "瓶装饮用水") in alerts  # 15 left at 5 a day
    assert ("expiring", "瓶装饮用水") in alerts  # expires on the 20th
    sent = stock_alerts_daily()
    assert sent[str(stock.campaign.pk)] == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["org@xining.example"]
    assert "遮阳帽" in mail.outbox[0].body
