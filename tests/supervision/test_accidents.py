"""Casualty accidents: the 四不放过 gate, the follow-up of the injured, names only for the
handler, and statistics rolled up the union tree against hand-counted figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from supervision.exceptions import SupervisionError
from supervision.selectors.accidents import (
    accident_rollup,
    accident_statistics,
    accidents_by_month,
    accidents_in_scope,
)
from supervision.services import accidents as svc
from supervision.services.accidents import InjuredInput
from tests.supervision.conftest import days_ago
from tests.welfare.factories import WorkplaceFactory

pytestmark = [pytest.mark.django_db]

YEAR = local_time.today().year - 1  # a whole past year: no date of it lies in the future


def register(actor, workplace, **kwargs):
    values = {"occurred_on": days_ago(20), "place": "三号车间", "category": "machinery",
              "minor": 1}  # fmt: skip
    values.update(kwargs)
    return svc.accident_register(actor=actor, workplace=workplace, **values)


def test_the_four_checks_gate_the_closing(organizer_xining, plant):
    accident = register(organizer_xining, plant, serious=1, minor=0)
    today = local_time.today()
    with pytest.raises(Conflict) as exc:
        svc.accident_close(actor=organizer_xining, accident=accident, closed_on=today)
    assert exc.value.field == "checks" and "事故原因已查清" in exc.value.message
    # "cause found" needs the cause itself
    with pytest.raises(Conflict) as exc:
        svc.accident_check_record(
            actor=organizer_xining, accident=accident, kind="cause", done_on=today, evidence="x"
        )
    assert exc.value.field == "cause"
    svc.accident_set_cause(actor=organizer_xining, accident=accident, cause="unsafe_condition")
    evidence = {
        "cause": "事故调查报告（西应急调〔2025〕3号）",
        "responsibility": "车间主任记过处分",
        "measures": "冲床加装双手按钮",
    }
    for kind, text in evidence.items():
        svc.accident_check_record(
            actor=organizer_xining, accident=accident, kind=kind, done_on=days_ago(5), evidence=text
        )
    with pytest.raises(Conflict) as exc:  # the same check twice
        svc.accident_check_record(
            actor=organizer_xining, accident=accident, kind="measures", done_on=today, evidence="x"
        )
    assert exc.value.field == "kind"
    with pytest.raises(SupervisionError) as exc:  # before the accident
        svc.accident_check_record(
            actor=organizer_xining, accident=accident, kind="education", done_on=days_ago(30),
            evidence="x",
        )  # fmt: skip
    assert exc.value.field == "done_on"
    with pytest.raises(Conflict) as exc:
        svc.accident_close(actor=organizer_xining, accident=accident, closed_on=today)
    assert "有关人员已受到教育" in exc.value.message and "事故原因" not in exc.value.message

    svc.accident_check_record(
        actor=organizer_xining, accident=accident, kind="education", done_on=days_ago(2),
        evidence="全厂安全教育 320 人次",
    )  # fmt: skip
    with pytest.raises(SupervisionError) as exc:  # before the last check
        svc.accident_close(actor=organizer_xining, accident=accident, closed_on=days_ago(3))
    assert exc.value.field == "closed_on"
    svc.accident_close(actor=organizer_xining, accident=accident, closed_on=today)
    accident.refresh_from_db()
    assert (accident.status, accident.closed_on) == ("closed", today)
    for move in (
        lambda: svc.accident_close(actor=organizer_xining, accident=accident, closed_on=today),
        lambda: svc.accident_set_cause(actor=organizer_xining, accident=accident, cause="other"),
    ):
        with pytest.raises(Conflict):
            move()


def test_registration_is_checked_and_atomic(organizer_xining, organizer_golmud, plant):
    with pytest.raises(SupervisionError) as exc:
        register(organizer_xining, plant, minor=0)
    assert exc.value.field == "deaths"
    with pytest.raises(SupervisionError) as exc:
        register(organizer_xining, plant, category="meteor")
    assert exc.value.field == "category"
    with pytest.raises(SupervisionError) as exc:
        register(organizer_xining, plant, minor=1,
                 injured=[InjuredInput("甲", "minor"), InjuredInput("乙", "minor")])  # fmt: skip
    assert exc.value.field == "injured"
    with pytest.raises(PermissionDenied):
        register(organizer_golmud, plant)
    assert not accidents_in_scope(scope_for(organizer_xining)).exists()


def test_injured_follow_up_and_names_only_for_the_handler(
    organizer_xining, province_admin, organizer_golmud, plant
):
    accident = register(
        organizer_xining, plant, serious=1, minor=1,
        injured=[InjuredInput("马建国", "serious"), InjuredInput("韩梅", "minor")],
    )  # fmt: skip
    person = accident.injured.get(injury="serious")
    with pytest.raises(Conflict):
        svc.injured_follow_up(
            actor=organizer_xining, person=person, insurance_granted_on=days_ago(1)
        )
    svc.injured_follow_up(actor=organizer_xining, person=person, insurance_claimed_on=days_ago(15))
    with pytest.raises(SupervisionError) as exc:
        svc.injured_follow_up(
            actor=organizer_xining, person=person, insurance_granted_on=days_ago(16)
        )
    assert exc.value.field == "insurance_granted_on"
    svc.injured_follow_up(
        actor=province_admin, person=person, insurance_granted_on=days_ago(3),
        placement="伤愈后调整到质检岗位",
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.insurance_claimed_on, person.insurance_granted_on) == (
        days_ago(15), days_ago(3),
    )  # fmt: skip
    assert person.placement == "伤愈后调整到质检岗位"
    # the history keeps no names
    assert "name" not in {f.name for f in person.history.model._meta.fields}

    url = f"/api/v1/supervision/accidents/{accident.pk}/"
    handler = APIClient()
    handler.force_login(organizer_xining)
    names = sorted(p["name"] for p in handler.get(url).json()["injured"])
    assert names == ["韩梅", "马建国"]
    above = APIClient()
    above.force_login(province_admin)
    body = above.get(url).json()
    assert [p["name"] for p in body["injured"]] == [None, None]
    assert "马建国" not in above.get("/api/v1/supervision/accidents/").content.decode()
    other = APIClient()
    other.force_login(organizer_golmud)
    assert other.get(url).status_code == 404
    refused = other.post(
        f"/api/v1/supervision/injured/{person.pk}/follow-up/", {"placement": "x"}, format="json"
    )
    assert refused.status_code == 404


def test_the_api_runs_a_case_to_its_close(organizer_xining, plant):
    client = APIClient()
    client.force_login(organizer_xining)
    created = client.post(
        "/api/v1/supervision/accidents/",
        {"workplace": plant.pk, "occurred_on": days_ago(10).isoformat(), "place": "料场",
         "category": "fall", "serious": 1, "cause": "unsafe_act",
         "injured": [{"name": "李四", "injury": "serious"}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    base = f"/api/v1/supervision/accidents/{created.json()['id']}/"
    early = client.post(base + "close/", {"closed_on": local_time.today().isoformat()})
    assert early.status_code == 409 and early.json()["error"]["field"] == "checks"
    for kind in ("cause", "responsibility", "measures", "education"):
        done = client.post(
            base + "checks/",
            {"kind": kind, "done_on": days_ago(1).isoformat(), "evidence": f"{kind} 证据"},
        )
        assert done.status_code == 201, done.content
    closed = client.post(base + "close/", {"closed_on": local_time.today().isoformat()})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert len(closed.json()["checks"]) == 4


@pytest.fixture
def year_of_accidents(network, plant, golmud_plant):
    """Hand-counted: four accidents in YEAR (two at 城中区, one directly under 西宁市, one
    at 格尔木市) and one the year before, which every figure must leave out."""
    xining_direct = WorkplaceFactory(name="西宁某物流（测试）", union=network.xining,
                                     industry="交通运输")  # fmt: skip
    rows = [
        (plant, dt.date(YEAR, 3, 10), "fall", 1, 0, 2, "unsafe_act"),
        (plant, dt.date(YEAR, 3, 25), "machinery", 0, 1, 0, "unsafe_condition"),
        (xining_direct, dt.date(YEAR, 7, 2), "fall", 0, 0, 3, "unsafe_act"),
        (golmud_plant, dt.date(YEAR, 7, 15), "poisoning", 2, 1, 0, "management"),
        (golmud_plant, dt.date(YEAR - 1, 12, 30), "fall", 1, 0, 0, "unsafe_act"),
    ]
    for workplace, day, category, deaths, serious, minor, cause in rows:
        svc.accident_register(
            actor=None, workplace=workplace, occurred_on=day, place="现场", category=category,
            deaths=deaths, serious=serious, minor=minor, cause=cause,
        )  # fmt: skip
    return network


def counts(row):
    return (row["accidents"], row["deaths"], row["serious"], row["minor"])


def test_statistics_roll_up_the_union_tree(year_of_accidents, province_admin, organizer_xining):
    network = year_of_accidents
    scope = scope_for(province_admin)
    rollup = {
        row["union"].code: (counts(row["own"]), counts(row["subtotal"]))
        for row in accident_rollup(scope, union=network.province, year=YEAR)
    }
    assert rollup == {
        "QH": ((0, 0, 0, 0), (4, 3, 2, 5)),
        "QH-XN": ((1, 0, 0, 3), (3, 1, 1, 5)),
        "QH-XN-CZ": ((2, 1, 1, 2), (2, 1, 1, 2)),
        "QH-HX": ((0, 0, 0, 0), (1, 2, 1, 0)),
        "QH-HX-GEM": ((1, 2, 1, 0), (1, 2, 1, 0)),
    }
    by_category = accident_statistics(scope, union=network.province, year=YEAR,
                                                by="category")  # fmt: skip
    assert [(r["label"], *counts(r)) for r in by_category] == [
        ("高处坠落", 2, 1, 0, 5), ("中毒和窒息", 1, 2, 1, 0), ("机械伤害", 1, 0, 1, 0),
    ]  # fmt: skip
    by_cause = accident_statistics(scope, union=network.xining, year=YEAR, by="cause")
    assert {r["key"]: counts(r) for r in by_cause} == {
        "unsafe_act": (2, 1, 0, 5), "unsafe_condition": (1, 0, 1, 0),
    }  # fmt: skip
    by_industry = accident_statistics(scope, union=network.province, year=YEAR,
                                                by="industry")  # fmt: skip
    assert {r["label"]: r["accidents"] for r in by_industry} == {
        "制造业": 2, "交通运输": 1, "化工": 1,
    }  # fmt: skip
    by_region = accident_statistics(scope, union=network.province, year=YEAR,
                                              by="region")  # fmt: skip
    assert {r["label"]: r["accidents"] for r in by_region} == {
        "城中区": 2, "西宁市": 1, "格尔木市": 1,
    }  # fmt: skip
    march = accident_statistics(scope, union=network.province, year=YEAR, month=3,
                                          by="category")  # fmt: skip
    assert sum(r["accidents"] for r in march) == 2
    months = accidents_by_month(scope, union=network.province, year=YEAR)
    assert [m["accidents"] for m in months[:12]] == [0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0]
    assert counts(months[12]) == (4, 3, 2, 5)
    # an organizer of Xining counts only Xining, even asked about the province's tree
    xn = accident_rollup(scope_for(organizer_xining), union=network.xining, year=YEAR)
    assert counts(xn[0]["subtotal"]) == (3, 1, 1, 5)


def test_the_xlsx_report_carries_the_subtotals(client, year_of_accidents, province_admin):
    client.force_login(province_admin)
    response = client.get(f"/organizer/supervision/accidents.xlsx?union=QH&year={YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    tree = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [(r[0].strip("　"), r[1], *r[6:10]) for r in tree] == [
        ("青海省总工会", 0, 4, 3, 2, 5),
        ("海西州总工会", 1, 1, 2, 1, 0),
        ("格尔木市总工会", 2, 1, 2, 1, 0),
        ("西宁市总工会", 1, 3, 1, 1, 5),
        ("城中区总工会", 2, 2, 1, 1, 2),
    ]
    by_category = list(book["按事故类别"].iter_rows(min_row=2, values_only=True))
    assert by_category[-1] == ("合计", 4, 3, 2, 5)
    months = list(book["按月"].iter_rows(min_row=2, values_only=True))
    assert months[2] == ("3 月", 2, 1, 1, 2) and months[-1] == ("全年合计", 4, 3, 2, 5)


def test_statistics_refuse_a_union_outside_the_scope(year_of_accidents, organizer_golmud, client):
    api = APIClient()
    api.force_login(organizer_golmud)
    other = api.get(f"/api/v1/supervision/accidents/statistics/?union=QH-XN&year={YEAR}&by=cause")
    assert other.status_code == 404 and other.json()["error"]["field"] == "union"
    own = api.get(f"/api/v1/supervision/accidents/statistics/?union=QH-HX-GEM&year={YEAR}&by=cause")
    assert [(r["key"], r["deaths"]) for r in own.json()] == [("management", 2)]
    bad = api.get("/api/v1/supervision/accidents/statistics/?union=QH-HX-GEM&year=x&by=cause")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "year"
    client.force_login(organizer_golmud)
    assert (
        client.get(f"/organizer/supervision/accidents.xlsx?union=QH&year={YEAR}").status_code == 404
    )
    client.logout()
    assert client.get("/organizer/supervision/accidents.xlsx").status_code == 302
