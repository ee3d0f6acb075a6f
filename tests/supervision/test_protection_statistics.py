"""The yearly labour-protection statistics table: committees, appointed inspectors,
enterprises inspected, findings and 整改率, 安康杯 participation, training 学时 and migrant
workers, per union with subtotals that add up."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import time as local_time
from supervision.models import (
    AppointedInspector,
    Competition,
    ProtectionCommittee,
    TrainingRecord,
)
from supervision.services import competitions, inspections, workplace_safety
from supervision.services.workplace_safety import committee_save
from tests.supervision.conftest import finding_input
from tests.welfare.factories import WorkplaceFactory

pytestmark = [pytest.mark.django_db]

YEAR = local_time.today().year - 1


@pytest.fixture
def year_of_work(network, plant, golmud_plant):
    city = WorkplaceFactory(name="西宁某建筑（测试）", union=network.xining, industry="建筑业")
    day = dt.date(YEAR, 5, 10)
    for workplace, union in ((plant, network.chengzhong), (city, network.xining)):
        committee_save(
            actor=None,
            committee=ProtectionCommittee(
                union=union, workplace=workplace, established_on=dt.date(YEAR - 2, 3, 1), members=5
            ),
        )
    committee_save(
        actor=None,
        committee=ProtectionCommittee(  # dissolved before the year
            union=network.xining,
            established_on=dt.date(YEAR - 3, 1, 1),
            dissolved_on=dt.date(YEAR - 1, 6, 1),
        ),
    )
    AppointedInspector.objects.create(
        union=network.xining,
        name="李明",
        certificate_number="A1",
        valid_from=dt.date(YEAR - 1, 1, 1),
        valid_until=dt.date(YEAR, 2, 1),
    )
    AppointedInspector.objects.create(  # lapsed before the year: not counted
        union=network.xining,
        name="王五",
        certificate_number="A2",
        valid_from=dt.date(YEAR - 4, 1, 1),
        valid_until=dt.date(YEAR - 1, 12, 31),
    )
    first = inspections.inspection_record(
        actor=None,
        workplace=plant,
        inspected_on=day,
        inspectors="李明",
        findings=[
            finding_input(deadline=day),
            finding_input(deadline=day),
            finding_input(deadline=day),
        ],
    )
    inspections.inspection_record(actor=None, workplace=plant, inspected_on=day, inspectors="李明")
    inspections.inspection_record(
        actor=None,
        workplace=city,
        inspected_on=day,
        inspectors="李明",
        findings=[finding_input(deadline=day)],
    )
    inspections.inspection_record(  # Golmud: not under Xining
        actor=None,
        workplace=golmud_plant,
        inspected_on=day,
        inspectors="马",
        findings=[finding_input(deadline=day)],
    )
    for finding in list(first.findings.order_by("pk"))[:2]:
        inspections.finding_rectify(actor=None, finding=finding, rectified_on=day, evidence="已改")
    cup = competitions.competition_save(
        actor=None,
        competition=Competition(
            union=network.xining,
            year=YEAR,
            name="安康杯",
            scoring_items=[{"code": "a", "label": "a", "max": 100}],
        ),
    )
    entry = competitions.competition_enrol(
        actor=None, competition=cup, workplace=plant, enrolled_on=day
    )
    competitions.group_register(actor=None, entry=entry, name="甲班", leader="王", members=9)
    competitions.competition_enrol(actor=None, competition=cup, workplace=city, enrolled_on=day)
    for union, hours, reached, migrant in (
        (network.chengzhong, "4.5", 120, 80),
        (network.xining, "8", 300, 200),
    ):
        workplace_safety.training_record_save(actor=None, record=TrainingRecord(
            union=union, kind="safety_month", title="安全生产月", held_on=day, reached=reached,
            hours=Decimal(hours), migrant_workers=migrant))  # fmt: skip
    return city


def test_the_yearly_table_adds_up(client, organizer_xining, year_of_work):
    client.force_login(organizer_xining)
    response = client.get("/organizer/supervision/labour-protection.xlsx",
                          {"union": "QH-XN", "year": YEAR})  # fmt: skip
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    head = [c.value for c in sheet[3]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=4)]
    total = next(r for r in rows if r["工会"] == "西宁市总工会" and r["本级或合计"] == "合计")
    assert total["监督检查委员会（个）"] == 2
    assert total["劳动保护监督检查员（人）"] == 1
    assert total["检查企业（家）"] == 2 and total["检查（次）"] == 3
    assert total["发现隐患问题（项）"] == 4 and total["已整改（项）"] == 2
    assert total["整改率"] == 0.5
    assert total["安康杯参赛单位（家）"] == 2 and total["安康杯参赛班组（个）"] == 1
    assert total["培训学时"] == 12.5 and total["培训职工（人次）"] == 420
    assert total["其中农民工（人次）"] == 280
    county = next(r for r in rows if r["工会"].strip("　") == "城中区总工会")
    own = next(r for r in rows if r["工会"] == "西宁市总工会" and r["本级或合计"] == "本级")
    for key in ("检查（次）", "发现隐患问题（项）", "培训职工（人次）", "安康杯参赛单位（家）"):
        assert county[key] + own[key] == total[key], key
    assert county["整改率"] == pytest.approx(2 / 3)


def test_more_migrant_workers_than_workers_reached_is_refused(network):
    from supervision.exceptions import SupervisionError

    with pytest.raises(SupervisionError) as exc:
        workplace_safety.training_record_save(actor=None, record=TrainingRecord(
            union=network.xining, kind="other", title="培训", held_on=dt.date(YEAR, 1, 5),
            reached=10, hours=Decimal(2), migrant_workers=11))  # fmt: skip
    assert exc.value.field == "migrant_workers"
