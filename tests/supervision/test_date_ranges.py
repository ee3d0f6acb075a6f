"""Dates a person types are range-checked (security review 2, smaller findings): a health
check, an accident or an inspection in 1900, a reward paid before its year, and a
rectification deadline in 2836 are refused naming the field; the edges are accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from core import time as local_time
from core.dates import EARLIEST, deadline_latest
from core.errors import DomainError
from supervision.services import accidents, inspections
from tests.supervision.conftest import finding_input
from tests.welfare.factories import WorkerFactory, WorkplaceFactory
from welfare import services as welfare

pytestmark = pytest.mark.django_db

OLD = dt.date(1900, 1, 1)


def _refused(field: str, call) -> None:
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.field == field, exc.value.message


def test_a_health_check_in_1900_is_refused(network, organizer_xining):
    worker = WorkerFactory(union=network.xining, hazards=["noise"])
    _refused("checked_on", lambda: welfare.health_check_record(
        actor=organizer_xining, worker=worker, kind="periodic", checked_on=OLD, result="normal"))  # fmt: skip
    welfare.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                checked_on=EARLIEST, result="normal")  # fmt: skip


def test_an_accident_or_inspection_in_1900_is_refused(network, organizer_xining):
    plant = WorkplaceFactory(union=network.xining)
    _refused("occurred_on", lambda: accidents.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=OLD, place="车间",
        category="struck", minor=1))  # fmt: skip
    _refused("inspected_on", lambda: inspections.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=OLD, inspectors="李明"))  # fmt: skip


def test_a_deadline_in_2836_is_refused(network, organizer_xining):
    plant = WorkplaceFactory(union=network.xining)
    today = local_time.today()
    _refused("findings[0].deadline", lambda: inspections.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=today, inspectors="李明",
        findings=[finding_input(deadline=dt.date(2836, 1, 1))]))  # fmt: skip
    inspection = inspections.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=today, inspectors="李明",
        findings=[finding_input(deadline=deadline_latest())],
    )  # fmt: skip
    assert inspection.findings.get().deadline == deadline_latest()
