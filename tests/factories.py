"""Factories for the station network. Regions, unions and stations are written through the
services so tests build data the same way the product does."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from stations.models import Region, Station, Union
from stations.services.regions_unions import region_save, union_save
from stations.services.stations import PeriodInput, station_save


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-12345678")
        if create:
            self.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"{630000 + n * 100}")
    name = factory.Sequence(lambda n: f"区划{n}")
    level = Region.Level.PREFECTURE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A region is known by its code: asking again for one returns it unchanged.
        region = model_class(*args, **kwargs)
        existing = Region.objects.filter(code=region.code).first()
        if existing is not None:
            return existing
        return region_save(actor=None, region=region)


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union

    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"工会{n}")
    kind = Union.Kind.COUNTY
    region = factory.SubFactory(RegionFactory)
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return union_save(actor=None, union=model_class(*args, **kwargs))


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"QH-T-{n:04d}")
    name = factory.Sequence(lambda n: f"测试驿站{n}")
    name_en = factory.Sequence(lambda n: f"Test station {n}")
    kind = Station.Kind.STANDALONE
    union = factory.SubFactory(UnionFactory)
    region = factory.SelfAttribute("union.region")
    location = factory.LazyFunction(lambda: Point(101.7782, 36.6171, srid=4326))
    address = "青海省西宁市城中区"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return station_save(actor=None, station=model_class(*args, **kwargs))

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            station_save(actor=None, station=self, services=extracted)


def period(weekday: int, opens: str, closes: str, **kwargs) -> PeriodInput:
    return PeriodInput(
        weekday=weekday,
        opens=dt.time.fromisoformat(opens),
        closes=dt.time.fromisoformat(closes),
        **kwargs,
    )


def bare_visits(station: Station, n: int, *, when: dt.datetime, category: str = "delivery") -> None:
    """``n`` visits written straight to the table, as an import or a restore leaves them,
    then the daily rollup rebuilt for that day (what reports and the planner read)."""
    import uuid

    from core import time as local_time
    from stations.models import Visit
    from stations.services.visits import visit_rollup_rebuild

    Visit.objects.bulk_create(
        Visit(uuid=uuid.uuid4(), station=station, occurred_at=when, category=category,
              batch=uuid.uuid4())
        for _ in range(n)
    )  # fmt: skip
    day = local_time.to_local(when).date()
    visit_rollup_rebuild(start=day, end=day)
