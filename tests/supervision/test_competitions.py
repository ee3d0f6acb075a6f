"""The 安康杯: enrolment, scoring against the sheet, ranking by region and industry, awards,
safety-type groups, and the automatic exclusion after a fatal accident in the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from supervision.exceptions import SupervisionError
from supervision.models import Competition
from supervision.selectors.competitions import competition_ranking, participation
from supervision.services import accidents as accident_services
from supervision.services import competitions as svc
from tests.supervision.conftest import days_ago
from tests.welfare.factories import WorkplaceFactory

pytestmark = [pytest.mark.django_db]

SHEET = [
    {"code": "system", "label": "安全生产责任制落实", "max": 40},
    {"code": "hazards", "label": "隐患排查治理", "max": 40},
    {"code": "training", "label": "安全培训", "max": 20},
]
YEAR = local_time.today().year


@pytest.fixture
def cup(network, organizer_xining):
    return svc.competition_save(
        actor=organizer_xining,
        competition=Competition(union=network.xining, year=YEAR, name="西宁市安康杯",
                                scoring_items=SHEET),
    )  # fmt: skip


def scored(actor, entry, system, hazards, training):
    return svc.entry_evaluate(
        actor=actor, entry=entry,
        scores={"system": system, "hazards": hazards, "training": training},
    )  # fmt: skip


def test_a_year_of_the_cup(settings, tmp_path, network, organizer_xining, cup, plant):
    settings.MEDIA_ROOT = tmp_path
    other = WorkplaceFactory(name="西宁某建工（测试）", union=network.xining, industry="建筑业")
    third = WorkplaceFactory(name="西宁某化工（测试）", union=network.chengzhong, industry="制造业")
    entries = {
        w.name: svc.competition_enrol(actor=organizer_xining, competition=cup, workplace=w)
        for w in (plant, other, third)
    }
    organizing = svc.competition_enrol(
        actor=organizer_xining, competition=cup, unit_union=network.chengzhong
    )
    with pytest.raises(Conflict):
        svc.competition_enrol(actor=organizer_xining, competition=cup, workplace=plant)
    with pytest.raises(Conflict):  # scoring waits for the end of enrolment
        scored(organizer_xining, entries[plant.name], 30, 30, 15)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    evidence = svc.entry_evidence_add(
        actor=organizer_xining, entry=entries[plant.name], upload=pdf, note="制度汇编"
    )
    assert evidence.file.name.endswith(".pdf")
    with pytest.raises(SupervisionError) as exc:
        svc.entry_evidence_add(
            actor=organizer_xining, entry=entries[plant.name],
            upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf"),
        )  # fmt: skip
    assert exc.value.field == "file"
    group = svc.group_register(
        actor=organizer_xining, entry=entries[plant.name], name="电解一班", leader="王班长",
        members=12,
    )  # fmt: skip

    svc.competition_advance(actor=organizer_xining, competition=cup, status="evaluating")
    with pytest.raises(Conflict):
        svc.competition_enrol(actor=organizer_xining, competition=cup, workplace=plant)
    with pytest.raises(SupervisionError) as exc:
        scored(organizer_xining, entries[plant.name], 41, 30, 15)
    assert exc.value.field == "scores.system"
    with pytest.raises(SupervisionError) as exc:
        svc.entry_evaluate(actor=organizer_xining, entry=entries[plant.name],
                           scores={"system": 1, "hazards": 1})  # fmt: skip
    assert exc.value.field == "scores.training"
    scored(organizer_xining, entries[plant.name], 38, 36.5, 18)
    scored(organizer_xining, entries[other.name], 30, 30, 15)
    scored(organizer_xining, entries[third.name], 35, 30, 10)
    scored(organizer_xining, organizing, 35, 35, 15)

    overall = competition_ranking(cup)
    assert [(r["name"], r["total"], r["rank"]) for r in overall[0]["rows"]] == [
        (plant.name, Decimal("92.5"), 1), ("城中区总工会", Decimal("85.0"), 2),
        (other.name, Decimal("75.0"), 3), (third.name, Decimal("75.0"), 3),
    ]  # fmt: skip
    by_industry = {
        g["key"]: [(r["name"], r["rank"]) for r in g["rows"]]
        for g in competition_ranking(cup, by="industry")
    }
    assert by_industry == {
        "制造业": [(plant.name, 1), (third.name, 2)], "建筑业": [(other.name, 1)],
        "—": [("城中区总工会", 1)],
    }  # fmt: skip
    by_region = {g["key"]: len(g["rows"]) for g in competition_ranking(cup, by="region")}
    assert by_region == {"城中区": 3, "西宁市": 1}

    with pytest.raises(SupervisionError):  # a union is an organizing unit, not a winner
        svc.entry_award(actor=organizer_xining, entry=organizing, award="winner_unit")
    svc.entry_award(actor=organizer_xining, entry=organizing, award="organizer")
    svc.entry_award(actor=organizer_xining, entry=entries[plant.name], award="winner_unit")
    svc.group_evaluate(actor=organizer_xining, group=group, score=96, award="winner_group")
    svc.competition_advance(actor=organizer_xining, competition=cup, status="closed")
    with pytest.raises(Conflict):
        svc.entry_award(actor=organizer_xining, entry=entries[other.name], award="winner_unit")
    with pytest.raises(Conflict):
        svc.competition_advance(actor=organizer_xining, competition=cup, status="evaluating")
    entries[plant.name].refresh_from_db()
    group.refresh_from_db()
    assert (entries[plant.name].award, group.award) == ("winner_unit", "winner_group")


def test_a_fatal_accident_excludes_the_unit_from_awards(network, organizer_xining, cup, plant):
    entry = svc.competition_enrol(actor=organizer_xining, competition=cup, workplace=plant)
    group = svc.group_register(actor=organizer_xining, entry=entry, name="一班", leader="甲")
    svc.competition_advance(actor=organizer_xining, competition=cup, status="evaluating")
    scored(organizer_xining, entry, 40, 40, 20)
    svc.entry_award(actor=organizer_xining, entry=entry, award="winner_unit")
    svc.group_evaluate(actor=organizer_xining, group=group, score=99, award="winner_group")

    # an injury without death changes nothing
    accident_services.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(0), place="车间",
        category="machinery", minor=1,
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.award == "winner_unit" and not entry.excluded

    accident_services.accident_register(
        actor=organizer_xining, workplace=plant, occurred_on=days_ago(0), place="车间",
        category="fall", deaths=1,
    )  # fmt: skip
    entry.refresh_from_db()
    group.refresh_from_db()
    assert entry.excluded and entry.award == "" and group.award == ""
    assert "死亡事故" in entry.exclusion_reason
    with pytest.raises(Conflict) as exc:
        svc.entry_award(actor=organizer_xining, entry=entry, award="winner_unit")
    assert exc.value.field == "award"
    with pytest.raises(Conflict):
        svc.group_evaluate(actor=organizer_xining, group=group, score=99, award="winner_group")
    ranking = competition_ranking(cup)[0]["rows"]
    assert [(r["name"], r["rank"]) for r in ranking] == [(plant.name, None)]
    assert participation(scope_for(organizer_xining), year=YEAR) == {
        "competitions": 1,
        "entries": 1,
        "scored": 1,
        "awarded": 0,
        "excluded": 1,
    }


def test_a_fatal_accident_before_enrolment_excludes_at_once(network, organizer_xining, plant):
    last_year = Competition(union=network.xining, year=YEAR - 1, name="去年", scoring_items=SHEET)
    svc.competition_save(actor=organizer_xining, competition=last_year)
    accident_services.accident_register(
        actor=None, workplace=plant, occurred_on=dt.date(YEAR - 1, 6, 1), place="x",
        category="fall", deaths=1,
    )  # fmt: skip
    this_year = Competition(union=network.xining, year=YEAR, name="今年", scoring_items=SHEET)
    svc.competition_save(actor=organizer_xining, competition=this_year)
    old = svc.competition_enrol(actor=organizer_xining, competition=last_year, workplace=plant)
    new = svc.competition_enrol(actor=organizer_xining, competition=this_year, workplace=plant)
    assert old.excluded and not new.excluded  # only the accident's own year


def test_other_unions_and_the_api(network, organizer_xining, organizer_golmud, cup, plant,
                                  golmud_plant):  # fmt: skip
    with pytest.raises(PermissionDenied):
        svc.competition_enrol(actor=organizer_golmud, competition=cup, workplace=plant)
    with pytest.raises(SupervisionError) as exc:  # a unit outside the organizing union
        svc.competition_enrol(actor=None, competition=cup, workplace=golmud_plant)
    assert exc.value.field == "workplace"

    api = APIClient()
    api.force_login(organizer_xining)
    enrolled = api.post(f"/api/v1/supervision/competitions/{cup.pk}/entries/",
                        {"workplace": plant.pk}, format="json")  # fmt: skip
    assert enrolled.status_code == 201, enrolled.content
    entry_id = enrolled.json()["id"]
    early = api.post(f"/api/v1/supervision/entries/{entry_id}/evaluate/",
                     {"scores": {"system": 1, "hazards": 1, "training": 1}}, format="json")  # fmt: skip
    assert early.status_code == 409
    svc.competition_advance(actor=organizer_xining, competition=cup, status="evaluating")
    done = api.post(f"/api/v1/supervision/entries/{entry_id}/evaluate/",
                    {"scores": {"system": 30, "hazards": 30, "training": 10}}, format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["total"] == "70.0"
    ranking = api.get(f"/api/v1/supervision/competitions/{cup.pk}/ranking/?by=industry").json()
    assert ranking == [{"key": "制造业", "rows": [
        {"entry": entry_id, "name": plant.name, "total": "70.0", "rank": 1, "region": "城中区",
         "industry": "制造业"}]}]  # fmt: skip
    assert api.get(f"/api/v1/supervision/competitions/{cup.pk}/ranking/?by=x").status_code == 400

    other = APIClient()
    other.force_login(organizer_golmud)
    assert other.get("/api/v1/supervision/competitions/").json() == []
    refused = other.post(f"/api/v1/supervision/entries/{entry_id}/award/",
                         {"award": "winner_unit"}, format="json")  # fmt: skip
    assert refused.status_code == 404
    assert APIClient().get("/api/v1/supervision/competitions/").status_code in (401, 403)
