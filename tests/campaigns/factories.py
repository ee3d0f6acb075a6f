"""Factories for campaigns and stock. Every row is written through the campaigns services
(``item_save``, ``lot_for``, ``depot_create``, ``campaign_create``/``campaign_set_status``),
so tests build data the way the product does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.gis.geos import Point

from campaigns.models import Campaign, Item, Lot, StockLocation
from campaigns.services import items, lifecycle, locations
from tests.factories import UnionFactory


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"test-item-{n}")
    name = factory.Sequence(lambda n: f"测试物资{n}")
    unit = "件"
    pack_size = 1
    perishable = False
    season = Item.Season.ANY

    @classmethod
    def _create(cls, model_class: type[Item], *args: Any, **kwargs: Any) -> Item:
        return items.item_save(actor=None, item=model_class(*args, **kwargs))


class LotFactory(factory.django.DjangoModelFactory):
    """A lot as a receipt makes it: a perishable item gets a batch and an expiry."""

    class Meta:
        model = Lot

    item = factory.SubFactory(ItemFactory)
    batch = factory.Maybe(
        factory.SelfAttribute("item.perishable"), factory.Sequence(lambda n: f"B{n}"), ""
    )
    expires_on = factory.Maybe(
        factory.SelfAttribute("item.perishable"), dt.date(2027, 12, 31), None
    )

    @classmethod
    def _create(cls, model_class: type[Lot], *args: Any, **kwargs: Any) -> Lot:
        return items.lot_for(**kwargs)


class DepotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLocation

    code = factory.Sequence(lambda n: f"DEPOT-T-{n}")
    name = factory.Sequence(lambda n: f"测试仓库{n}")
    union = factory.SubFactory(UnionFactory)
    location = factory.LazyFunction(lambda: Point(101.77, 36.62, srid=4326))
    address = "青海省"

    @classmethod
    def _create(cls, model_class: type[StockLocation], *args: Any, **kwargs: Any) -> StockLocation:
        point = kwargs.pop("location", None)
        return locations.depot_create(
            actor=None, lat=point.y if point else None, lng=point.x if point else None, **kwargs
        )


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign, planned unless ``status`` says otherwise (reached by the allowed steps)."""

    class Meta:
        model = Campaign

    kind = Campaign.Kind.SUMMER
    name = factory.Sequence(lambda n: f"测试活动{n}")
    union = factory.SubFactory(UnionFactory)
    starts_on = dt.date(2027, 6, 1)
    ends_on = dt.date(2027, 8, 31)
    target_workers = 1000
    status = Campaign.Status.PLANNED

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: Any, **kwargs: Any) -> Campaign:
        status = kwargs.pop("status")
        campaign = lifecycle.campaign_create(actor=None, **kwargs)
        if status != campaign.status:
            campaign = lifecycle.campaign_set_status(actor=None, campaign=campaign, status=status)
        return campaign
