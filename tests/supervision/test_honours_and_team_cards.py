"""安康杯 先进个人 and 示范企业: quotas per union, nominations upward within them, no model
enterprise after a death, the competition's union decides; 一会三卡 per team with meeting
dates and the cards issued."""

from __future__ import annotations

import datetime as dt

import pytest

from core import time as local_time
from core.errors import Conflict
from supervision.exceptions import SupervisionError
from supervision.models import Competition
from supervision.services import accidents, competitions, honours, workplace_safety
from tests.supervision.conftest import days_ago

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def cup(network, organizer_xining):
    return competitions.competition_save(actor=organizer_xining, competition=Competition(
        union=network.xining, year=local_time.today().year, name="安康杯",
        scoring_items=[{"code": "a", "label": "a", "max": 100}]))  # fmt: skip


def test_nominations_upward_within_the_quota(network, organizer_xining, cup, plant):
    with pytest.raises(SupervisionError):  # the competition's own union nominates to no one
        honours.honour_quota_set(actor=organizer_xining, competition=cup, union=network.xining,
                                 kind="advanced_individual", quota=2)  # fmt: skip
    honours.honour_quota_set(actor=organizer_xining, competition=cup, union=network.chengzhong,
                             kind="advanced_individual", quota=1)  # fmt: skip
    first = honours.nomination_submit(
        actor=organizer_xining, competition=cup, union=network.chengzhong,
        kind="advanced_individual", workplace=plant, person_name="王强", deeds="排查隐患 36 项",
    )  # fmt: skip
    with pytest.raises(Conflict) as exc:
        honours.nomination_submit(
            actor=organizer_xining, competition=cup, union=network.chengzhong,
            kind="advanced_individual", workplace=plant, person_name="李四", deeds="x",
        )  # fmt: skip
    assert "名额 1 个已用完" in exc.value.message
    with pytest.raises(Conflict) as exc:  # no quota for 示范企业
        honours.nomination_submit(
            actor=organizer_xining, competition=cup, union=network.chengzhong,
            kind="model_enterprise", workplace=plant, deeds="x",
        )  # fmt: skip
    assert exc.value.field == "kind"
    honours.nomination_decide(actor=organizer_xining, nomination=first, approve=False,
                              on=local_time.today())  # fmt: skip
    # A declined nomination frees its place.
    second = honours.nomination_submit(
        actor=organizer_xining, competition=cup, union=network.chengzhong,
        kind="advanced_individual", workplace=plant, person_name="李四", deeds="带班组零事故",
    )  # fmt: skip
    honours.nomination_decide(actor=organizer_xining, nomination=second, approve=True,
                              on=local_time.today())  # fmt: skip
    second.refresh_from_db()
    assert second.status == "approved"


def test_another_union_cannot_nominate(network, organizer_golmud, cup, plant):
    with pytest.raises(Exception) as exc:
        honours.nomination_submit(
            actor=organizer_golmud, competition=cup, union=network.chengzhong,
            kind="advanced_individual", workplace=plant, person_name="王强", deeds="x",
        )  # fmt: skip
    assert exc.value.status_code == 403


def test_no_model_enterprise_after_a_death(network, organizer_xining, cup, plant):
    honours.honour_quota_set(actor=organizer_xining, competition=cup, union=network.chengzhong,
                             kind="model_enterprise", quota=3)  # fmt: skip
    accidents.accident_register(actor=None, workplace=plant, occurred_on=days_ago(0),
                                place="车间", category="fall", deaths=1)  # fmt: skip
    with pytest.raises(Conflict) as exc:
        honours.nomination_submit(
            actor=organizer_xining, competition=cup, union=network.chengzhong,
            kind="model_enterprise", workplace=plant, deeds="安全生产标准化一级",
        )  # fmt: skip
    assert "死亡事故" in exc.value.message


def test_team_meetings_and_cards(organizer_xining, plant):
    today = local_time.today()
    for day, cards in ((today - dt.timedelta(days=2), 2), (today - dt.timedelta(days=1), 1)):
        workplace_safety.team_meeting_record(
            actor=organizer_xining, workplace=plant, team="电解一车间甲班", held_on=day,
            attendees=14, hazardous_work_cards=cards, emergency_cards=14,
        )  # fmt: skip
    workplace_safety.team_meeting_record(
        actor=organizer_xining, workplace=plant, team="铸造乙班", held_on=today, attendees=9,
        checkup_cards=1,
    )  # fmt: skip
    with pytest.raises(SupervisionError) as exc:  # the same team's meeting twice on a day
        workplace_safety.team_meeting_record(
            actor=organizer_xining, workplace=plant, team="铸造乙班", held_on=today,
        )  # fmt: skip
    assert exc.value.field == "held_on"
    summary = workplace_safety.team_cards_summary(workplace=plant, year=today.year)
    if (today - dt.timedelta(days=2)).year != today.year:
        pytest.skip("the meetings straddle new year")
    first = next(r for r in summary if r["team"] == "电解一车间甲班")
    assert first["meetings"] == 2 and first["hazardous_work_cards"] == 3
    assert first["emergency_cards"] == 28 and first["last"] == today - dt.timedelta(days=1)
    assert [r["team"] for r in summary] == sorted(["电解一车间甲班", "铸造乙班"])


def test_an_inspector_incentive_is_recorded_by_a_union_above(network, organizer_xining, plant):
    from decimal import Decimal

    from supervision.models import InspectorIncentive, SafetyInspector
    from supervision.services import inspectors

    inspector = inspectors.inspector_save(actor=organizer_xining, inspector=SafetyInspector(
        workplace=plant, name="王师傅", appointed_on=days_ago(300)))  # fmt: skip
    with pytest.raises(SupervisionError) as exc:
        inspectors.inspector_incentive_save(actor=None, incentive=InspectorIncentive(
            inspector=inspector, kind="bonus", awarded_on=days_ago(1), reason="发现重大隐患",
            amount=Decimal(0), awarded_by=network.xining))  # fmt: skip
    assert exc.value.field == "amount"
    with pytest.raises(SupervisionError) as exc:  # Golmud is not above the inspector's unit
        inspectors.inspector_incentive_save(actor=None, incentive=InspectorIncentive(
            inspector=inspector, kind="commendation", awarded_on=days_ago(1), reason="x",
            awarded_by=network.golmud))  # fmt: skip
    assert exc.value.field == "awarded_by"
    saved = inspectors.inspector_incentive_save(actor=organizer_xining, incentive=(
        InspectorIncentive(inspector=inspector, kind="bonus", awarded_on=days_ago(1),
                           reason="发现天车制动器隐患", amount=Decimal("500"),
                           awarded_by=network.xining)))  # fmt: skip
    assert list(inspector.incentives.all()) == [saved]
