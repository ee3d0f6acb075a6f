"""The quarterly and yearly accident returns (统计表 and 情况表) as XLSX: the sums of the
统计表 match the cases, subtotals roll up the union tree, and a case outside the quarter
or the organizer's tree is not counted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import time as local_time
from supervision.services import accidents as svc
from supervision.services.accidents import InjuredInput
from tests.welfare.factories import WorkplaceFactory

pytestmark = [pytest.mark.django_db]

YEAR = local_time.today().year - 1


def register(workplace, day, **kwargs):
    values = {"place": "车间", "category": "machinery"}
    values.update(kwargs)
    return svc.accident_register(actor=None, workplace=workplace, occurred_on=day, **values)


@pytest.fixture
def cases(network, plant, golmud_plant):
    city = WorkplaceFactory(name="西宁某建筑（测试）", union=network.xining, industry="建筑业")
    register(
        plant,
        dt.date(YEAR, 1, 10),
        deaths=1,
        serious=1,
        direct_loss="1200000",
        injured=[InjuredInput("甲", "death"), InjuredInput("乙", lost_workdays=150)],
    )
    register(
        plant,
        dt.date(YEAR, 3, 31),
        minor=2,
        direct_loss="35000.50",
        injured=[InjuredInput("丙", lost_workdays=20), InjuredInput("丁", lost_workdays=7)],
    )
    register(city, dt.date(YEAR, 2, 14), deaths=3, direct_loss="15000000")  # 较大
    register(city, dt.date(YEAR, 3, 1), kind="hazard_event", category="poisoning",
             description="苯超标")  # fmt: skip
    register(city, dt.date(YEAR, 4, 1), minor=1)  # the second quarter
    register(golmud_plant, dt.date(YEAR, 2, 1), deaths=2)  # not under Xining
    return city


def workbook(client, organizer, **query):
    client.force_login(organizer)
    response = client.get("/organizer/supervision/returns.xlsx", {"union": "QH-XN", **query})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def table(sheet, header_row):
    head = [c.value for c in sheet[header_row]]
    return [dict(zip(head, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=header_row + 1)]  # fmt: skip


def test_the_first_quarter_return_sums_match_the_cases(client, organizer_xining, cases):
    book = workbook(client, organizer_xining, year=YEAR, quarter=1)
    assert book.sheetnames == ["统计表", "情况表"]
    listed = table(book["情况表"], 2)
    assert len(listed) == 4  # the April case and Golmud's are not in it
    assert {r["事故单位"] for r in listed} == {"西宁某铝业（测试）", "西宁某建筑（测试）"}
    rows = table(book["统计表"], 3)
    top = next(r for r in rows if r["工会"] == "西宁市总工会" and r["本级或合计"] == "合计")
    accidents = [r for r in listed if r["性质"] == "生产安全事故"]
    assert top["事故起数"] == len(accidents) == 3
    assert top["职业危害事件"] == 1
    assert top["死亡人数"] == sum(r["死亡人数"] for r in listed) == 4
    assert top["重伤人数"] == sum(r["重伤人数"] for r in listed) == 1
    assert top["轻伤人数"] == sum(r["轻伤人数"] for r in listed) == 2
    assert top["损失工作日"] == sum(r["损失工作日"] for r in listed) == 6000 + 150 + 20 + 7
    assert Decimal(str(top["直接经济损失（万元）"])) == Decimal("1623.50005")
    assert Decimal(str(sum(r["直接经济损失（元）"] for r in listed))) == Decimal("16235000.5")
    assert top["较大事故"] == 1 and top["一般事故"] == 2
    # The levels: Xining's own row plus 城中区's make the subtotal.
    own = next(r for r in rows if r["工会"] == "西宁市总工会" and r["本级或合计"] == "本级")
    county = next(r for r in rows if r["工会"].strip("　") == "城中区总工会")
    for key in ("事故起数", "死亡人数", "轻伤人数", "损失工作日", "职业危害事件"):
        assert own[key] + county[key] == top[key], key
    assert county["事故起数"] == 2 and own["死亡人数"] == 3


def test_the_yearly_return_takes_the_whole_year(client, organizer_xining, cases):
    book = workbook(client, organizer_xining, year=YEAR)
    assert f"{YEAR} 年职工伤亡事故统计表" in book["统计表"]["A1"].value
    assert len(table(book["情况表"], 2)) == 5
    listed = table(book["情况表"], 2)
    assert all(isinstance(r["发生日期"], dt.datetime) for r in listed)  # dates as dates


def test_a_bad_quarter_is_refused(client, organizer_xining, cases):
    client.force_login(organizer_xining)
    response = client.get("/organizer/supervision/returns.xlsx", {"quarter": "5"})
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not response.content.startswith(b"PK")  # no workbook was written
