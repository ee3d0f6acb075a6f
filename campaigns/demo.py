"""Quick-start demo: a Xining depot with summer supplies, an active heat-relief campaign and
a week of visits at the Xining stations, so the planner has demand to work with."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from campaigns.models import Campaign, Item, Movement, StockLocation, Transfer
from campaigns.services import ledger, lifecycle
from core import time as local_time
from core.categories import WorkerCategory
from stations.models import Station, Union
from stations.services.visits import VisitInput, visit_record_batch

DEMO_CAMPAIGN = "演示：西宁市送清凉"


def load_demo_campaign() -> Campaign:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("The demo campaign is only loaded by the quick start.")
    xining = Union.objects.get(code="QH-XN")
    depot = ledger.depot_create(
        actor=None, code="DEPOT-QH-XN", name="西宁市总工会物资仓库", union=xining,
        lat=36.6236, lng=101.7620, address="青海省西宁市城西区五四大街",
    )  # fmt: skip
    today = local_time.today()
    campaign = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if campaign is None:
        campaign = lifecycle.campaign_create(
            actor=None, kind="summer", name=DEMO_CAMPAIGN, union=xining,
            starts_on=today - dt.timedelta(days=7), ends_on=today + dt.timedelta(days=60),
            target_workers=5000, budget=Decimal("50000"),
            category_targets={"delivery": 1500, "courier": 1200, "sanitation": 1500,
                              "construction": 800},
        )  # fmt: skip
        lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")

    def in_days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    if not Movement.objects.filter(campaign=campaign).exists():
        items = {i.code: i for i in Item.objects.all()}
        ledger.stock_receive(
            actor=None, location=depot, campaign=campaign,
            lines=[
                ledger.ReceiptLine(items["water"], 2400, "DEMO-W-01", in_days(200)),
                ledger.ReceiptLine(items["water"], 480, "DEMO-W-00", in_days(10)),
                ledger.ReceiptLine(items["herbal_tea"], 960, "DEMO-T-01", in_days(300)),
                ledger.ReceiptLine(items["huoxiang"], 200, "DEMO-H-01", in_days(400)),
                ledger.ReceiptLine(items["sun_hat"], 300),
                ledger.ReceiptLine(items["cooling_towel"], 300),
            ],
        )  # fmt: skip
    _demo_desk_stock(campaign, depot)
    _demo_visits(today)
    return Campaign.objects.get(pk=campaign.pk)


def _demo_desk_stock(campaign: Campaign, depot: StockLocation) -> None:
    """Stock at demo-staff's first station for the desk to hand out, and a delivery on its
    way there to sign for (once: not again when loaded twice)."""
    station = Station.objects.filter(code="QH-XN-0001").first()
    if station is None:
        return
    location = ledger.stock_location_ensure(actor=None, station=station)
    if Transfer.objects.filter(destination=location).exists():
        return
    codes = ["water", "herbal_tea", "cooling_towel"]
    items = {i.code: i for i in Item.objects.filter(code__in=codes)}
    arrived = ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=location, campaign=campaign,
        lines=[ledger.TransferRequest(items["water"], 48),
               ledger.TransferRequest(items["herbal_tea"], 24)],
    )  # fmt: skip
    ledger.stock_transfer_receive(actor=None, transfer=arrived)
    ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=location, campaign=campaign,
        lines=[ledger.TransferRequest(items["water"], 24),
               ledger.TransferRequest(items["cooling_towel"], 20)],
    )  # fmt: skip


def _demo_visits(today: dt.date) -> None:
    """A week of visits at Xining's stations; the uuids are fixed per station and day, so
    loading again adds nothing."""
    admin = get_user_model().objects.filter(username="demo-admin").first()
    if admin is None:
        return
    rng = random.Random(2027)  # noqa: S311 - demo data, not secrets
    categories = list(WorkerCategory.values)
    now = timezone.now()
    for station in Station.objects.filter(code__startswith="QH-XN-", status="active"):
        visits = []
        for days_ago in range(6):
            day = today - dt.timedelta(days=days_ago)
            for i in range(rng.randint(3, 25)):
                moment = dt.datetime.combine(day, dt.time(8 + i % 10, (i * 7) % 60),
                                             tzinfo=timezone.get_default_timezone())  # fmt: skip
                if moment > now:
                    continue
                visits.append(VisitInput(
                    uuid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo/{station.code}/{day}/{i}")),
                    station=station.code, occurred_at=moment.isoformat(),
                    category=rng.choice(categories),
                ))  # fmt: skip
        visit_record_batch(actor=admin, visits=visits)
