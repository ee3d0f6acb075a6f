"""The organizer pages of supervision: the dashboard panel on /organizer/, the home page,
recording an inspection with a finding and moving the finding, the workplace page with
一会三卡; each refused to another union's organizer and to strangers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import time as local_time
from supervision.models import Competition, Finding, Inspection, SafetyInspector
from supervision.services import (
    accidents,
    competitions,
    inspections,
    inspectors,
    workplace_safety,
)
from tests.factories import UserFactory
from tests.supervision.conftest import days_ago, finding_input

pytestmark = [pytest.mark.django_db]


def test_the_panel_on_the_organizer_overview(client, organizer_xining, plant):
    inspections.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=days_ago(0), inspectors="李明",
        findings=[finding_input()],
    )  # fmt: skip
    accidents.accident_register(actor=None, workplace=plant, occurred_on=days_ago(0), place="x",
                                category="fall", serious=1)  # fmt: skip
    client.force_login(organizer_xining)
    page = client.get("/organizer/").content.decode()
    assert 'id="supervision"' in page and 'id="findings-by-age"' in page
    assert "<script" not in page.split('id="supervision"')[1].split("</section>")[0]
    home = client.get("/organizer/supervision/")
    assert home.status_code == 200
    assert plant.name in home.content.decode()
    context = home.context["panel"]
    assert context["ages"][0]["count"] == 1
    assert context["accidents"]["this"]["accidents"] == 1
    assert context["inspections"][local_time.today().month - 1]["count"] == 1
    assert 'href="/organizer/supervision/"' in page  # the menu entry


def test_record_an_inspection_with_a_finding_and_move_it(client, organizer_xining, plant):
    client.force_login(organizer_xining)
    deadline = (local_time.today() + dt.timedelta(days=7)).isoformat()
    form = {"workplace": plant.pk, "inspected_on": local_time.today().isoformat(),
            "inspectors": "李明", "agencies": ["emergency"], "has_finding": "on",
            "category": "ppe", "severity": "major", "description": "",
            "deadline": deadline, "responsible_person": "王主任"}  # fmt: skip
    refused = client.post("/organizer/supervision/inspections/new/", form)
    assert refused.status_code == 400 and not Inspection.objects.exists()
    assert "此项必填" in refused.content.decode()
    form["description"] = "未发放防尘口罩"
    saved = client.post("/organizer/supervision/inspections/new/", form)
    assert saved.status_code == 302
    finding = Finding.objects.get()
    page = client.get(saved.url).content.decode()
    assert "未发放防尘口罩" in page and "意见书" in page
    step = f"/organizer/supervision/findings/{finding.pk}/step/"
    client.post(step, {"step": "verify", "on": local_time.today().isoformat()})
    finding.refresh_from_db()
    assert finding.status == "open"  # refused: not rectified yet
    client.post(step, {"step": "rectify", "on": local_time.today().isoformat(), "text": "已发放"})
    client.post(step, {"step": "government", "on": local_time.today().isoformat(),
                       "text": "西宁市应急管理局"})  # fmt: skip
    client.post(step, {"step": "verify", "on": local_time.today().isoformat()})
    finding.refresh_from_db()
    assert (finding.status, finding.government_recipient) == ("verified", "西宁市应急管理局")


def test_the_workplace_page_shows_missing_cards(client, organizer_xining, plant):
    workplace_safety.safety_card_record(actor=None, workplace=plant, kind="meeting",
                                        in_place=True, checked_on=days_ago(3))  # fmt: skip
    client.force_login(organizer_xining)
    page = client.get(f"/organizer/supervision/workplaces/{plant.pk}/").content.decode()
    cards = page.split('id="safety-cards"')[1].split("</ul>")[0]
    assert cards.count('class="missing"') == 3 and "班前会" in cards


@pytest.mark.parametrize(
    "url",
    ["/organizer/supervision/", "/organizer/supervision/inspections/new/",
     "/organizer/supervision/accidents/",
     "/organizer/supervision/inspections/{inspection}/",
     "/organizer/supervision/workplaces/{workplace}/"],
)  # fmt: skip
def test_pages_refuse_others(client, organizer_xining, organizer_golmud, staff_xining, plant,
                             url):  # fmt: skip
    inspection = inspections.inspection_record(
        actor=organizer_xining, workplace=plant, inspected_on=days_ago(1), inspectors="x"
    )
    url = url.format(inspection=inspection.pk, workplace=plant.pk)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(staff_xining)
    assert client.get(url).status_code == 403
    client.force_login(organizer_golmud)
    answer = client.get(url)
    if url.endswith(("/supervision/", "/new/", "/accidents/")):
        assert answer.status_code == 200
        assert plant.name not in answer.content.decode()
    else:
        assert answer.status_code == 404


def test_an_accident_from_register_to_close_on_the_pages(client, organizer_xining,
                                                         province_admin, plant):  # fmt: skip
    client.force_login(organizer_xining)
    bad = client.post("/organizer/supervision/accidents/", {
        "workplace": plant.pk, "occurred_on": days_ago(9).isoformat(), "place": "料场",
        "category": "fall", "cause": "unknown", "deaths": 0, "serious": 1, "minor": 0,
        "injured": "马建国 重伤",
    })  # fmt: skip
    assert bad.status_code == 400 and "第 1 行" in bad.content.decode()
    saved = client.post("/organizer/supervision/accidents/", {
        "workplace": plant.pk, "occurred_on": days_ago(9).isoformat(), "place": "料场",
        "category": "fall", "cause": "unsafe_act", "deaths": 0, "serious": 1, "minor": 0,
        "injured": "马建国，重伤",
    })  # fmt: skip
    assert saved.status_code == 302
    url = saved.url
    assert "马建国" in client.get(url).content.decode()
    today = local_time.today().isoformat()
    client.post(url, {"step": "close", "on": today})
    page = client.get(url).content.decode()
    assert "四不放过尚未完成" in page
    for kind in ("cause", "responsibility", "measures", "education"):
        client.post(url, {"step": "check", "kind": kind, "on": today, "evidence": f"{kind} 材料"})
    client.post(url, {"step": "close", "on": today})
    page = client.get(url).content.decode()
    assert "已结案" in page.split('id="accident-status"')[1][:80]
    client.force_login(province_admin)
    other_view = client.get(url).content.decode()
    assert "马建国" not in other_view and "姓名仅事故处理人可见" in other_view


def test_a_safety_inspector_reports_from_the_phone_page(client, organizer_xining, plant,
                                                        golmud_plant):  # fmt: skip
    worker = UserFactory(username="inspector-li", is_staff=False)
    inspectors.inspector_save(
        actor=None,
        inspector=SafetyInspector(workplace=plant, name="李师傅", user=worker,
                                  appointed_on=days_ago(30)),
    )  # fmt: skip
    assert client.get("/supervision/report/").status_code == 302
    client.force_login(UserFactory(username="nobody", is_staff=False))
    assert client.get("/supervision/report/").status_code == 403
    client.force_login(worker)
    page = client.get("/supervision/report/").content.decode()
    assert 'href="/supervision/report/"' in page  # the menu offers it
    assert plant.name in page and golmud_plant.name not in page
    deadline = (local_time.today() + dt.timedelta(days=5)).isoformat()
    form = {"workplace": golmud_plant.pk, "category": "illegal_command", "severity": "major",
            "description": "班长要求未断电检修", "responsible_person": "车间主任",
            "deadline": deadline}  # fmt: skip
    assert client.post("/supervision/report/", form).status_code == 400  # not their unit
    form["workplace"] = plant.pk
    assert client.post("/supervision/report/", form).status_code == 302
    finding = Finding.objects.get()
    assert (finding.source, finding.reported_by, finding.severity) == ("inspector", worker, "major")
    assert "班长要求未断电检修" in client.get("/supervision/report/").content.decode()
    client.force_login(organizer_xining)
    assert "班长要求未断电检修" in client.get("/organizer/supervision/").content.decode()


def test_the_cup_page_enrols_scores_ranks_and_awards(client, settings, tmp_path, network,
                                                     organizer_xining, organizer_golmud,
                                                     plant):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    cup = competitions.competition_save(
        actor=None,
        competition=Competition(union=network.xining, year=local_time.today().year, name="测试杯",
                                scoring_items=[{"code": "a", "label": "责任制", "max": 50},
                                               {"code": "b", "label": "培训", "max": 50}]),
    )  # fmt: skip
    url = f"/organizer/supervision/cup/{cup.pk}/"
    client.force_login(organizer_golmud)
    assert client.get(url).status_code == 404
    client.force_login(organizer_xining)
    assert plant.name in client.get(url).content.decode()
    client.post(url, {"action": "enrol", "workplace": plant.pk})
    entry = cup.entries.get()
    client.post(url, {"action": "group", "entry": entry.pk, "name": "甲班", "leader": "王",
                      "members": "9"})  # fmt: skip
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(url, {"action": "evidence", "entry": entry.pk, "file": pdf, "note": "台账"})
    client.post(url, {"action": "evaluating"})
    group = entry.groups.get()
    client.post(url, {"action": "group_score", "entry": entry.pk, "group": "x", "score": "9"})
    client.post(url, {"action": "group_score", "entry": entry.pk, "group": group.pk,
                      "score": "92", "award": "winner_group"})  # fmt: skip
    group.refresh_from_db()
    assert (group.score, group.award) == (92, "winner_group")
    assert entry.evidence.get().note == "台账"
    client.post(url, {"action": "evaluate", "entry": entry.pk, "score-a": "45", "score-b": "60"})
    entry.refresh_from_db()
    assert entry.total is None  # 60 > 50: refused
    client.post(url, {"action": "evaluate", "entry": entry.pk, "score-a": "45", "score-b": "40"})
    client.post(url, {"action": "award", "entry": entry.pk, "award": "winner_unit"})
    entry.refresh_from_db()
    assert (entry.total, entry.award) == (85, "winner_unit")
    page = client.get(url + "?by=industry").content.decode()
    assert "1. " + plant.name in page
