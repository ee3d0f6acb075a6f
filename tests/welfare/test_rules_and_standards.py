"""GBZ 188-2014 cited and applied right, GB/T 14440 on the site's mean, province rules as
data (with history, edited by the province's union), multi-site enterprises."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import PermissionDenied
from stations.models import Region
from stations.services.memberships import membership_grant
from tests.factories import UserFactory
from tests.welfare.factories import WorkplaceFactory
from welfare import rules, services, surveillance
from welfare.exceptions import WelfareError
from welfare.models import HealthCheck, HealthFollowUp, ProvinceRule, Workplace
from welfare.surveillance import Exposure

ROOT = Path(__file__).resolve().parents[2]


# GBZ 188-2014: citations ------------------------------------------------------------------


def test_every_citation_matches_the_clause_table():
    """Every "GBZ 188-2014 §x" in the code and templates names a clause of ``CLAUSES``."""
    cited = set()
    for path in [
        *ROOT.joinpath("welfare").rglob("*.py"),
        *ROOT.joinpath("welfare").rglob("*.html"),
    ]:
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        cited |= set(re.findall(r"GBZ 188-2014 §([\d.]+\d)", text))
        cited |= set(re.findall(r'\bcite\("([\d.]+)"\)', text))
    assert cited, "no citations found"
    assert cited <= set(surveillance.CLAUSES), cited - set(surveillance.CLAUSES)
    assert {"4.6.3", "4.8.3", "7.1", "7.3"} <= cited
    for code, interval in surveillance.GBZ188_INTERVALS.items():
        if interval.local:
            continue
        clause = interval.clause.removeprefix("GBZ 188-2014 §")
        assert clause in surveillance.CLAUSES, code
    assert surveillance.RESULT_CLAUSE == "GBZ 188-2014 §4.8.3"
    with pytest.raises(KeyError):
        surveillance.cite("4.2.3")


def test_the_yearly_cold_check_is_our_own_rule():
    interval = surveillance.GBZ188_INTERVALS["low_temperature"]
    assert interval.local and interval.clause.startswith("本地规则")
    assert "本地规则" in surveillance.interval_label("low_temperature")


def test_five_results_of_4_8_3():
    assert [label for _value, label in HealthCheck.Result.choices] == [
        "目前未见异常", "需复查", "疑似职业病", "职业禁忌证", "其他疾病或异常"]  # fmt: skip


# GBZ 188-2014: periods --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hazard", "exposure", "months"),
    [("noise", Exposure(noise_dba=Decimal("84.9")), 24), ("noise", Exposure(noise_dba=Decimal(85)), 12),
     ("noise", Exposure(noise_dba=Decimal("80.0")), 24), ("noise", None, 12), ("noise", Exposure(), 12),
     ("dust", Exposure(dust_grade=1), 24), ("dust", Exposure(dust_grade=2), 12),
     ("dust", Exposure(dust_grade=3), 12), ("dust", None, 12)],
)  # fmt: skip
def test_noise_and_dust_periods_by_exposure_level(hazard, exposure, months):
    checked = dt.date(2027, 3, 1)
    due = surveillance.due_for_hazard(checked_on=checked, hazard=hazard, exposure=exposure)
    assert due == surveillance.add_months(checked, months)


@pytest.mark.parametrize(
    ("checked", "due"),
    [(dt.date(2027, 3, 2), dt.date(2028, 3, 2)), (dt.date(2027, 3, 4), dt.date(2028, 3, 4)),
     (dt.date(2027, 5, 31), dt.date(2028, 5, 31)), (dt.date(2027, 6, 1), dt.date(2028, 6, 1)),
     (dt.date(2027, 9, 30), dt.date(2028, 6, 1)), (dt.date(2027, 10, 1), dt.date(2028, 10, 1))],
)  # fmt: skip
def test_heat_checks_have_no_lead_time_cliff(checked, due):
    """A check on 2 March and one on 4 March both cover the coming summer; the next is due
    a year on. One within the season is due again before the next season."""
    assert not hasattr(surveillance, "SEASON_LEAD_DAYS")
    assert surveillance.due_for_hazard(checked_on=checked, hazard="high_temperature") == due


pytestmark_db = pytest.mark.django_db


def _worker(organizer, union, *, hazards, workplace=None):
    return services.worker_register(
        actor=organizer, name="测试工人", category="construction", union=union, consent=True,
        hazards=hazards, workplace=workplace,
    )  # fmt: skip


@pytestmark_db
@pytest.mark.parametrize(
    ("result", "reason", "days", "reassign"),
    [("normal", None, None, False), ("review", "recheck", 30, False),
     ("suspected", "diagnosis", 30, False), ("contraindication", None, None, True),
     ("other", "treatment", 30, False)],
)  # fmt: skip
def test_each_result_has_its_follow_up(network, organizer_xining, result, reason, days, reassign):
    worker = _worker(organizer_xining, network.xining, hazards=["noise"])
    check = services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                         checked_on=dt.date(2026, 3, 1), result=result)  # fmt: skip
    follow_up = HealthFollowUp.objects.filter(health_check=check).first()
    assert (follow_up.reason if follow_up else None) == reason
    if days:
        assert follow_up.due_on == dt.date(2026, 3, 1) + dt.timedelta(days=days)
    worker.refresh_from_db()
    assert worker.needs_reassignment is reassign


@pytestmark_db
def test_noise_level_on_the_workplace_sets_the_period(network, organizer_xining):
    workplace = WorkplaceFactory(union=network.xining)
    services.workplace_save(actor=organizer_xining, workplace=workplace,
                            hazards={"noise": {"exposed": 5, "noise_dba": "84.9"}})  # fmt: skip
    worker = _worker(organizer_xining, network.xining, hazards=["noise"], workplace=workplace)
    services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                 checked_on=dt.date(2026, 3, 1), result="normal")  # fmt: skip
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2028, 3, 1)  # 80–85 dB(A): every two years
    services.workplace_save(actor=organizer_xining, workplace=workplace,
                            hazards={"noise": {"exposed": 5, "noise_dba": "85.0"}})  # fmt: skip
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2027, 3, 1)  # ≥ 85 dB(A): yearly
    with pytest.raises(WelfareError):
        services.workplace_save(actor=organizer_xining, workplace=workplace,
                                hazards={"dust": {"exposed": 1, "noise_dba": "90"}})  # fmt: skip


@pytestmark_db
def test_xining_cold_season_starts_mid_october(network, organizer_xining, organizer_golmud):
    """A cold check on 10 April 2026: in Xining (heating 10-15 to 04-15) it falls within the
    season, so the next is due by 15 October; elsewhere (11-01 to 03-31) the season is
    over, the check covers the next one, and the next is due a year on."""
    xining = _worker(organizer_xining, network.xining, hazards=["low_temperature"])
    golmud = _worker(organizer_golmud, network.golmud, hazards=["low_temperature"])
    for actor, worker in ((organizer_xining, xining), (organizer_golmud, golmud)):
        services.health_check_record(actor=actor, worker=worker, kind="periodic",
                                     checked_on=dt.date(2026, 4, 10), result="normal")  # fmt: skip
        worker.refresh_from_db()
    assert xining.next_check_due == dt.date(2026, 10, 15)
    assert golmud.next_check_due == dt.date(2027, 4, 10)


# GB/T 14440: the site's mean -------------------------------------------------------------


@pytestmark_db
def test_cold_grade_is_of_the_sites_mean(network, organizer_xining):
    workplace = WorkplaceFactory(union=network.xining)
    day = dt.date(2027, 1, 10)
    first = services.measurement_record(actor=organizer_xining, workplace=workplace,
                                        measured_on=day, air_temperature=Decimal("-3.0"),
                                        intensity="moderate")  # fmt: skip
    assert first.cold_grade == 2  # −3 alone: column <0～−5, 100 %: II
    second = services.measurement_record(actor=organizer_xining, workplace=workplace,
                                         measured_on=day, air_temperature=Decimal("-8.0"),
                                         intensity="moderate")  # fmt: skip
    first.refresh_from_db()
    assert first.cold_grade == second.cold_grade == 3  # the mean −5.5: column <−5～−10: III
    other_day = services.measurement_record(actor=organizer_xining, workplace=workplace,
                                            measured_on=day + dt.timedelta(days=1),
                                            air_temperature=Decimal("-5.0"),
                                            intensity="moderate")  # fmt: skip
    assert other_day.cold_grade == 2  # exactly −5 is in the warmer column


# Province rules ---------------------------------------------------------------------------


@pytestmark_db
def test_seeded_defaults_are_qinghais_with_sources():
    seeded = {r.key: r for r in ProvinceRule.objects.filter(region__isnull=True)}
    for default in (d for d in rules.DEFAULTS if d["region_code"] == ""):
        row = seeded[default["key"]]
        assert row.value == default["value"] and row.source == default["source"]
        assert row.source.strip()
    assert all(d["source"] for d in rules.DEFAULTS)


@pytestmark_db
def test_rule_read_falls_back_from_county_to_default(network):
    chengzhong = Region.objects.get(code="630103")
    assert rules.seasons(region=chengzhong)["cold"] == ("10-15", "04-15")  # Xining's
    assert rules.seasons(region=Region.objects.get(code="632801"))["cold"] == ("11-01", "03-31")
    services.province_rule_save(actor=None, key="season_cold", region=chengzhong,
                                value={"start": "10-20", "end": "04-10"}, source="测试")  # fmt: skip
    assert rules.seasons(region=chengzhong)["cold"] == ("10-20", "04-10")
    assert len(rules.station_checklist(region=chengzhong)) == 6
    eight = [{"code": f"c{n}", "label": f"第{n}项"} for n in range(8)]
    services.province_rule_save(actor=None, key="station_checklist", region=chengzhong,
                                value=eight, source="某市“八有”标准")  # fmt: skip
    assert len(rules.station_checklist(region=chengzhong)) == 8


@pytestmark_db
def test_province_union_edits_its_rules_with_history(network, organizer_xining):
    province_admin = UserFactory(username="qh-admin", is_staff=True)
    membership_grant(actor=None, user=province_admin, union=network.province, role="admin")
    qinghai = Region.objects.get(code="630000")
    rule = services.province_rule_save(
        actor=province_admin, key="reward_amounts", region=qinghai,
        value={"general": 300, "major": 2000}, source="青海省总工会文件", reason="年度调整",
    )  # fmt: skip
    assert services.reward_amount(grade="major", region=Region.objects.get(code="630103")) == 2000
    services.province_rule_save(actor=province_admin, key="reward_amounts", region=qinghai,
                                value={"general": 400, "major": 2000}, source="青海省总工会文件")  # fmt: skip
    history = list(rule.history.order_by("history_date"))
    assert [h.value["general"] for h in history] == [300, 400]
    assert (
        history[0].history_user == province_admin and history[0].history_change_reason == "年度调整"
    )
    with pytest.raises(PermissionDenied):  # Xining's union does not set the province's rules
        services.province_rule_save(actor=organizer_xining, key="reward_amounts", region=qinghai,
                                    value={"general": 1, "major": 1}, source="x")  # fmt: skip
    with pytest.raises(PermissionDenied):  # nor does anyone but a superuser set the defaults
        services.province_rule_save(actor=province_admin, key="reward_amounts", region=None,
                                    value={"general": 1, "major": 1}, source="x")  # fmt: skip
    for key, bad in (("season_cold", {"start": "10-32", "end": "04-15"}),
                     ("reward_amounts", {"general": -1, "major": 5}),
                     ("station_checklist", []), ("hot_hours", {"method": "fixed"})):  # fmt: skip
        with pytest.raises(WelfareError):
            services.province_rule_save(actor=province_admin, key=key, region=qinghai,
                                        value=bad, source="x")  # fmt: skip
    with pytest.raises(WelfareError):
        services.province_rule_save(actor=province_admin, key="reward_amounts", region=qinghai,
                                    value={"general": 1, "major": 1}, source=" ")  # fmt: skip
    assert ProvinceRule.objects.get(key="reward_amounts", region=qinghai).value["general"] == 400


@pytestmark_db
def test_province_admin_sees_and_edits_rules_in_the_admin(client, network):
    province_admin = UserFactory(username="qh-admin2", is_staff=True)
    membership_grant(actor=None, user=province_admin, union=network.province, role="admin")
    qinghai = Region.objects.get(code="630000")
    rule = services.province_rule_save(actor=None, key="report_contacts", region=qinghai,
                                       value={"phone": "12351", "email": ""}, source="热线")  # fmt: skip
    client.force_login(province_admin)
    url = f"/admin/welfare/provincerule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": '{"phone": "0971-0000000", "email": ""}',
                                 "source": "青海省总工会", "reason": "更新电话"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.value["phone"] == "0971-0000000" and rule.history.count() == 2
    default = ProvinceRule.objects.get(key="report_contacts", region__isnull=True)
    assert client.get(f"/admin/welfare/provincerule/{default.pk}/change/").status_code in (302, 403)


# Multi-site enterprises -------------------------------------------------------------------


@pytestmark_db
def test_one_enterprise_many_sites(network):
    main = WorkplaceFactory(union=network.golmud)
    mine = WorkplaceFactory(union=network.golmud, credit_code=main.credit_code, site="察尔汗矿区")
    assert Workplace.objects.filter(credit_code=main.credit_code).count() == 2
    assert str(mine).endswith("察尔汗矿区")
    with pytest.raises(ValidationError), transaction.atomic():
        WorkplaceFactory(union=network.golmud, credit_code=main.credit_code, site="察尔汗矿区")
