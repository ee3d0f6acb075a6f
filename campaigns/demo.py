"""Quick-start demo: a Xining depot, the season's campaign and a week of visits at the Xining
stations, so the planner has demand to work with.

The season follows today's date (``core.seasons``; ``YIZHAN_DEMO_SEASON`` forces one):
winter (Nov–Mar) an active 冬季送温暖 campaign with the winter catalogue, summer (May–Sep)
an active 送清凉 campaign, and in April and October the next season's campaign being
planned, its supplies received at the depot.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from campaigns.models import Campaign, Item, Movement, StockLocation, Transfer
from campaigns.services import ledger, lifecycle, locations
from core import seasons
from core import time as local_time
from core.categories import WorkerCategory
from stations.models import Station, Union
from stations.services.visits import VisitInput, visit_record_batch

DEMO_CAMPAIGN = "演示：西宁市送清凉"
DEMO_WINTER_CAMPAIGN = "演示：西宁市冬季送温暖"


@dataclass(frozen=True)
class DemoSeason:
    """What the quick start loads for a season: the campaign, the depot's receipt
    (item, quantity, batch, expires in days), and the desk's delivered and coming stock."""

    kind: str
    name: str
    targets: dict[str, int]
    receipt: tuple[tuple[str, int, str, int | None], ...]
    delivered: tuple[tuple[str, int], ...]
    coming: tuple[tuple[str, int], ...]


SUMMER_DEMO = DemoSeason(
    kind="summer", name=DEMO_CAMPAIGN,
    targets={"delivery": 1500, "courier": 1200, "sanitation": 1500, "construction": 800},
    receipt=(("water", 2400, "DEMO-W-01", 200), ("water", 480, "DEMO-W-00", 10),
             ("herbal_tea", 960, "DEMO-T-01", 300), ("huoxiang", 200, "DEMO-H-01", 400),
             ("sun_hat", 300, "", None), ("cooling_towel", 300, "", None)),
    delivered=(("water", 48), ("herbal_tea", 24)),
    coming=(("water", 24), ("cooling_towel", 20)),
)  # fmt: skip
WINTER_DEMO = DemoSeason(
    kind="winter", name=DEMO_WINTER_CAMPAIGN,
    targets={"sanitation": 2000, "delivery": 1500, "courier": 1200, "construction": 800},
    receipt=(("gloves", 600, "", None), ("cotton_coat", 200, "", None),
             ("hand_warmer", 5000, "DEMO-N-01", 300), ("hand_warmer", 500, "DEMO-N-00", 10),
             ("thermos", 300, "", None)),
    delivered=(("gloves", 40), ("hand_warmer", 200)),
    coming=(("thermos", 20), ("gloves", 20)),
)  # fmt: skip


def load_demo_campaign() -> Campaign:
    if not getattr(settings, "YIZHAN_ALLOW_DEMO", False):
        raise ImproperlyConfigured("The demo campaign is only loaded by the quick start.")
    xining = Union.objects.get(code="QH-XN")
    depot = locations.depot_create(
        actor=None, code="DEPOT-QH-XN", name="西宁市总工会物资仓库", union=xining,
        lat=36.6236, lng=101.7620, address="青海省西宁市城西区五四大街",
    )  # fmt: skip
    today = local_time.today()
    season = seasons.current_season(today)
    planning = season == seasons.PLANNING
    if planning:
        season = seasons.next_care_season(today)
    demo = WINTER_DEMO if season == seasons.WINTER else SUMMER_DEMO
    name = demo.name + ("（筹备中）" if planning else "")
    campaign = Campaign.objects.filter(name=name).first()
    if campaign is None:
        starts_on = _season_start(today, season) if planning else today - dt.timedelta(days=7)
        campaign = lifecycle.campaign_create(
            actor=None, kind=demo.kind, name=name, union=xining, starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=90 if planning else 67),
            target_workers=5000, budget=Decimal("50000"), category_targets=demo.targets,
        )  # fmt: skip
        if not planning:
            lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")

    if not Movement.objects.filter(campaign=campaign).exists():
        items = {i.code: i for i in Item.objects.all()}
        ledger.stock_receive(
            actor=None, location=depot, campaign=campaign,
            lines=[
                # A batch per campaign: a quick start loaded again months later keeps its
                # earlier lots and their dates.
                ledger.ReceiptLine(
                    items[code], quantity, f"{batch}-{campaign.pk}", today + dt.timedelta(days=days)
                ) if days is not None else ledger.ReceiptLine(items[code], quantity)
                for code, quantity, batch, days in demo.receipt
            ],
        )  # fmt: skip
    if not planning:  # a planned campaign has nothing at the stations yet
        _demo_desk_stock(campaign, depot, demo)
    _demo_visits(today)
    return Campaign.objects.get(pk=campaign.pk)


def _season_start(today: dt.date, season: str) -> dt.date:
    """The first day of the coming season: 1 November or 1 May."""
    month = 11 if season == seasons.WINTER else 5
    start = dt.date(today.year, month, 1)
    return start if start > today else dt.date(today.year + 1, month, 1)


def _demo_desk_stock(campaign: Campaign, depot: StockLocation, demo: DemoSeason) -> None:
    """Stock at demo-staff's first station for the desk to hand out, and a delivery on its
    way there to sign for (once: not again when loaded twice)."""
    station = Station.objects.filter(code="QH-XN-0001").first()
    if station is None:
        return
    location = locations.stock_location_ensure(actor=None, station=station)
    if Transfer.objects.filter(destination=location, campaign=campaign).exists():
        return
    items = {i.code: i for i in Item.objects.all()}
    arrived = ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=location, campaign=campaign,
        lines=[ledger.TransferRequest(items[code], n) for code, n in demo.delivered],
    )  # fmt: skip
    ledger.stock_transfer_receive(actor=None, transfer=arrived)
    ledger.stock_transfer_dispatch(
        actor=None, source=depot, destination=location, campaign=campaign,
        lines=[ledger.TransferRequest(items[code], n) for code, n in demo.coming],
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
