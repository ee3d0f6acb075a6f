"""Factories for the welfare app. Each writes through ``welfare.services`` so tests build
data the way the product does (scoping, validation, history)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from core import time as local_time
from tests.factories import UnionFactory
from welfare import services
from welfare.models import HazardReport, HealthCheck, Worker, Workplace
from welfare.validators import credit_code_check_char


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each ``n``."""
    body = f"91630100MA7T{n:05d}"
    return body + credit_code_check_char(body)


class WorkplaceFactory(factory.django.DjangoModelFactory):
    """``hazards`` (hazard type → exposed headcount) goes to ``workplace_save``."""

    class Meta:
        model = Workplace

    name = factory.Sequence(lambda n: f"测试企业{n}")
    credit_code = factory.Sequence(credit_code)
    location = factory.LazyFunction(lambda: Point(101.78, 36.62, srid=4326))
    address = "青海省西宁市"
    union = factory.SubFactory(UnionFactory)
    region = factory.SelfAttribute("union.region")
    hazards = None
    actor = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        hazards, actor = kwargs.pop("hazards"), kwargs.pop("actor")
        return services.workplace_save(
            actor=actor, workplace=model_class(*args, **kwargs), hazards=hazards
        )


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: f"测试师傅{n}")
    category = "construction"
    union = factory.SubFactory(UnionFactory)
    workplace = None
    phone = ""
    hazards = factory.LazyFunction(list)
    actor = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.worker_register(consent=True, **kwargs)


class HealthCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthCheck

    worker = factory.SubFactory(WorkerFactory)
    kind = HealthCheck.Kind.PERIODIC
    checked_on = factory.LazyFunction(lambda: local_time.today() - dt.timedelta(days=30))
    result = HealthCheck.Result.NORMAL
    notes = ""
    actor = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.health_check_record(**kwargs)


class HazardReportFactory(factory.django.DjangoModelFactory):
    """The handling union follows from the place (nearest county with a reference point)."""

    class Meta:
        model = HazardReport

    category = HazardReport.Category.HEIGHT
    description = factory.Sequence(lambda n: f"脚手架没有护栏（{n}）")
    lat = 36.63
    lng = 101.77
    address = ""
    contact = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.hazard_report_submit(**kwargs)
