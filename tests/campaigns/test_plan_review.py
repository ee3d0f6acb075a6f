"""Issue 24 on the plan page: the items follow the campaign's season, the explanation is
the method that made the plan, confirming shows a summary once and confirms exactly it;
the dashboard flags impossible figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from campaigns.models import Allocation, Campaign, Transfer
from campaigns.services import ledger, lifecycle, planner
from tests.factories import bare_visits

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


def winter_campaign(network) -> Campaign:
    campaign = lifecycle.campaign_create(
        actor=None, kind="winter", name="冬季送温暖", union=network.xining,
        starts_on=dt.date(2027, 7, 1), ends_on=dt.date(2027, 8, 31),
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    return campaign


def test_the_winter_plan_offers_winter_items_first_and_no_summer_ones(
    client, organizer_xining, network, stock
):
    organizer = client
    organizer.force_login(organizer_xining)
    campaign = winter_campaign(network)
    page = organizer.get(f"/campaigns/{campaign.pk}/plan/")
    codes = [i.code for i in page.context["items"]]
    assert page.context["item_code"] == codes[0] == "gloves"
    assert "water" not in codes and "sun_hat" not in codes and "cotton_coat" in codes
    # Typed in anyway: refused beside the item field, nothing planned.
    refused = organizer.post(f"/campaigns/{campaign.pk}/plan/", {
        "action": "plan", "item": "water", "source": "DEPOT-XN", "weeks": "4",
    })  # fmt: skip
    assert refused.status_code == 400 and "item" in refused.context["form"].errors
    assert not Allocation.objects.exists()
    summer = organizer.get(f"/campaigns/{stock.campaign.pk}/plan/")
    assert summer.context["item_code"] == "water"
    assert "gloves" not in [i.code for i in summer.context["items"]]


@time_machine.travel(NOW, tick=False)
def test_the_explanation_is_the_method_chosen(client, organizer_xining, network, stock):
    organizer = client
    organizer.force_login(organizer_xining)
    bare_visits(network.xining_station, 30, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=200)])  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "3",
                         "minimum": "20", "cap_percent": "40"})  # fmt: skip
    page = organizer.get(f"{url}?item=sun_hat&source=DEPOT-XN")
    text = " ".join(page.context["method_lines"])
    assert "近 3 周" in text and "分类目标" not in text
    assert "每处 20 顶" in text and "总量的 40%" in text and "最大余数" in text
    lines = {a.location.code: a for a in page.context["allocations"]}
    # 20 packs: 2 each as the floor, the rest by visits (30 : 0) but at most 40 % (8 packs);
    # the 10 packs no one may take stay in the depot.
    assert {c: a.quantity for c, a in lines.items()} == {"QH-XN-0001": 80, "QH-XN-0002": 20}
    assert lines["QH-XN-0001"].share == Decimal("80.00")
    assert "未能分出 100 顶" in text
    exposed = organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN",
                                   "weeks": "4", "weighting": "exposed"})  # fmt: skip
    assert exposed.status_code == 302
    text = " ".join(organizer.get(f"{url}?item=sun_hat").context["method_lines"])
    assert "接触危害的人数" in text and "到访人次" not in text


@time_machine.travel(NOW, tick=False)
def test_confirming_shows_a_summary_once_and_confirms_exactly_it(
    client, organizer_xining, network, stock
):
    organizer = client
    organizer.force_login(organizer_xining)
    bare_visits(network.xining_station, 30, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    bare_visits(network.xining_station_2, 10, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=100)])  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4"})
    first = Allocation.objects.get(location__code="QH-XN-0001")
    review = organizer.post(url, {"action": "review", "item": "sun_hat", "source": "DEPOT-XN",
                                  f"q-{first.pk}": "60"})  # fmt: skip
    assert review.status_code == 302 and "review=1" in review.url
    assert not Transfer.objects.exists()  # nothing sent yet
    page = organizer.get(review.url)
    summary = page.context["review"]
    assert (summary.destinations, summary.total, summary.available, summary.left) == (
        2, 80, 100, 20,
    )  # fmt: skip
    html = page.content.decode()
    assert html.count('id="plan-confirm"') == 1 and 'name="expected_total" value="80"' in html
    # The plan changed after the summary was shown: the stale confirmation is refused.
    lifecycle.allocation_edit(actor=None, allocation=first, quantity=50)
    stale = organizer.post(url, {"action": "confirm", "item": "sun_hat", "source": "DEPOT-XN",
                                 "expected_total": "80"})  # fmt: skip
    assert stale.status_code == 400 and not Transfer.objects.exists()
    done = organizer.post(url, {"action": "confirm", "item": "sun_hat", "source": "DEPOT-XN",
                                "expected_total": "70"})  # fmt: skip
    assert done.status_code == 302
    assert Transfer.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_review_over_the_depot_is_refused_and_keeps_nothing(
    client, organizer_xining, network, stock
):
    organizer = client
    organizer.force_login(organizer_xining)
    bare_visits(network.xining_station, 30, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=40)])  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/plan/"
    organizer.post(url, {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4"})
    first = Allocation.objects.get(location__code="QH-XN-0001")
    over = organizer.post(url, {"action": "review", "item": "sun_hat", "source": "DEPOT-XN",
                                f"q-{first.pk}": "50"})  # fmt: skip
    assert over.status_code == 409 and "多 10" in over.context["error"]
    first.refresh_from_db()
    assert first.quantity == 40


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_flags_impossible_figures(client, organizer_xining, network, stock):
    organizer = client
    organizer.force_login(organizer_xining)
    ledger.stock_receive(actor=None, location=stock.station, campaign=stock.campaign,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=30)])  # fmt: skip
    url = f"/campaigns/{stock.campaign.pk}/"
    assert "campaign-flags" not in organizer.get(url).content.decode()
    ledger.stock_distribute(
        actor=None, campaign=stock.campaign, location=stock.station, item=stock.hat,
        quantity=10, category="courier", workers=500,
        reason="按名单发放，人数待核",  # above the item's reach: allowed only with a reason
    )  # fmt: skip
    c = stock.campaign
    lifecycle.campaign_update(
        actor=None, campaign=c, kind=c.kind, name=c.name, union=c.union, starts_on=c.starts_on,
        ends_on=c.ends_on, target_workers=c.target_workers, category_targets={},
        budget=Decimal("100"), per_person_daily_limit=c.per_person_daily_limit,
    )  # fmt: skip
    ledger.stock_receive(actor=None, location=stock.depot, campaign=stock.campaign,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)])  # fmt: skip
    flags = organizer.get(url).context["d"]["flags"]
    assert len(flags) == 2
    assert "500 人只发了 10 顶" in flags[0] and "至少多算了 490 人" in flags[0]
    assert "超过预算 100" in flags[1]


@time_machine.travel(NOW, tick=False)
def test_a_floor_the_stock_cannot_give_everywhere_is_said_so(network, stock):
    bare_visits(network.xining_station, 30, when=dt.datetime(2027, 7, 10, tzinfo=dt.UTC))
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)])  # fmt: skip
    lines = planner.campaign_plan(
        actor=None, campaign=stock.campaign, item=stock.hat, source=stock.depot, minimum=20
    )
    # 2 packs, a floor of 2 packs each for 2 stations: the busier one gets its floor.
    assert {a.location.code: a.quantity for a in lines} == {"QH-XN-0001": 20, "QH-XN-0002": 0}
    text = " ".join(planner.method_explained(method=lines[0].method, item=stock.hat))
    assert "只有 1 处拿到保底" in text and "成比例分配" not in text
