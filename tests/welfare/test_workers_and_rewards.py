"""Issue 10, welfare: workers by form and roster, GBZ 188 schedule, follow-ups, emergency
checks, leaving; hazard outcomes, rewards by grade and province, budgets; the organizer
pages and the panel on /organizer/, each tried by outsiders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from core import time as local_time
from core.errors import Conflict, PermissionDenied
from tests.welfare.conftest import XINING_POINT
from tests.welfare.factories import HazardReportFactory, WorkerFactory, WorkplaceFactory
from welfare import services, surveillance
from welfare.exceptions import WelfareError
from welfare.models import HazardReport, HazardReward, HealthCheck, HealthFollowUp, Worker

pytestmark = [pytest.mark.django_db]
TODAY = dt.date(2027, 3, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(local_time, "today", lambda: TODAY)


@pytest.fixture
def workplace(network):
    return WorkplaceFactory(union=network.xining, hazards={"high_temperature": 10, "noise": 5})


def roster(rows, headers=("姓名", "身份证后四位", "手机号", "岗位", "接触危害因素")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# GBZ 188 intervals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hazards", "checked", "due"),
    [
        (["high_temperature"], dt.date(2026, 11, 10), dt.date(2027, 11, 10)),  # covers 2027
        (["high_temperature"], dt.date(2027, 5, 20), dt.date(2028, 5, 20)),
        (["low_temperature"], dt.date(2027, 3, 1), dt.date(2027, 11, 1)),  # before winter
        (["noise"], dt.date(2027, 3, 1), dt.date(2028, 3, 1)),
        (["dust"], dt.date(2027, 3, 1), dt.date(2028, 3, 1)),
        (["toxic"], dt.date(2027, 3, 1), dt.date(2028, 3, 1)),
        (["high_altitude"], dt.date(2027, 3, 1), dt.date(2028, 3, 1)),
        (["noise", "high_temperature"], dt.date(2026, 8, 10), dt.date(2027, 6, 1)),
    ],
)
def test_gbz188_intervals_per_hazard(hazards, checked, due):
    assert services.next_check_due(checked_on=checked, kind="periodic", hazards=hazards) == due


def test_every_hazard_cites_its_clause():
    for code, interval in surveillance.GBZ188_INTERVALS.items():
        assert interval.clause.startswith("本地规则" if interval.local else "GBZ 188-2014 §"), code
    assert "GBZ 188-2014 §7.3" in surveillance.interval_label("high_temperature")


def test_emergency_check_does_not_reset_the_schedule(network, organizer_xining, workplace):
    worker = WorkerFactory(union=network.xining, workplace=workplace, hazards=["noise"])
    services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                 checked_on=dt.date(2026, 4, 1), result="normal")  # fmt: skip
    worker.refresh_from_db()
    assert worker.next_check_due == dt.date(2027, 4, 1)
    emergency = services.health_check_record(
        actor=organizer_xining, worker=worker, kind="emergency",
        checked_on=dt.date(2027, 3, 1), result="normal",
    )  # fmt: skip
    worker.refresh_from_db()
    assert emergency.next_due is None and worker.next_check_due == dt.date(2027, 4, 1)


def test_recheck_result_creates_a_follow_up_closed_by_the_next_check(
    network, organizer_xining, workplace
):
    worker = WorkerFactory(union=network.xining, workplace=workplace, hazards=["noise"])
    check = services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                         checked_on=dt.date(2027, 3, 1), result="review")  # fmt: skip
    follow_up = HealthFollowUp.objects.get(health_check=check)
    assert follow_up.reason == "recheck" and follow_up.due_on == dt.date(2027, 3, 31)
    suspected = services.health_check_record(
        actor=organizer_xining, worker=worker, kind="emergency",
        checked_on=dt.date(2027, 3, 10), result="suspected",
    )  # fmt: skip
    follow_up.refresh_from_db()
    assert follow_up.done_on == dt.date(2027, 3, 10) and follow_up.done_by == suspected
    assert HealthFollowUp.objects.get(health_check=suspected).reason == "diagnosis"
    # Corrected to normal: the open follow-up goes, with history.
    services.health_check_correct(actor=organizer_xining, check=suspected, result="normal",
                                  reason="录入错误")  # fmt: skip
    assert not HealthFollowUp.objects.filter(health_check=suspected).exists()
    assert HealthFollowUp.history.filter(history_type="-").count() == 1


def test_leaving_schedules_the_leaving_check(network, organizer_xining, workplace):
    worker = WorkerFactory(union=network.xining, workplace=workplace, hazards=["noise"])
    services.health_check_record(actor=organizer_xining, worker=worker, kind="periodic",
                                 checked_on=dt.date(2026, 6, 1), result="normal")  # fmt: skip
    services.worker_mark_left(actor=organizer_xining, worker=worker, left_on=dt.date(2027, 4, 30))
    worker.refresh_from_db()
    assert worker.left_on == dt.date(2027, 4, 30) and worker.next_check_due == dt.date(2027, 4, 30)
    with pytest.raises(Conflict):
        services.worker_mark_left(actor=organizer_xining, worker=worker, left_on=TODAY)
    services.health_check_record(actor=organizer_xining, worker=worker, kind="leaving",
                                 checked_on=dt.date(2027, 3, 14), result="normal")  # fmt: skip
    worker.refresh_from_db()
    assert worker.next_check_due is None
    # A periodic check in the 90 days before leaving counts as the leaving check.
    other = WorkerFactory(union=network.xining, workplace=workplace, hazards=["noise"])
    services.health_check_record(actor=organizer_xining, worker=other, kind="periodic",
                                 checked_on=dt.date(2027, 3, 1), result="normal")  # fmt: skip
    services.worker_mark_left(actor=organizer_xining, worker=other, left_on=dt.date(2027, 4, 1))
    other.refresh_from_db()
    assert other.next_check_due is None


def test_register_keeps_only_the_phone_hmac_and_the_id_tail(network, organizer_xining, workplace):
    worker = services.worker_register(
        actor=organizer_xining, name="马师傅", category="construction", union=network.xining,
        consent=True, workplace=workplace, phone="138 0000 1111", id_last4="123x", job="焊工",
        hazards=["noise"],
    )  # fmt: skip
    assert worker.id_last4 == "123X" and len(worker.phone_key) == 64
    assert "13800001111" not in str(Worker.objects.filter(pk=worker.pk).values().get())
    with pytest.raises(Conflict):
        services.worker_register(actor=organizer_xining, name="马", category="construction",
                                 union=network.xining, consent=True, workplace=workplace,
                                 phone="13800001111")  # fmt: skip
    with pytest.raises(WelfareError) as exc:
        services.worker_register(actor=organizer_xining, name="马", category="construction",
                                 union=network.xining, consent=True,
                                 id_last4="630102199001011234")  # fmt: skip
    assert exc.value.field == "id_last4"


# Roster --------------------------------------------------------------------------------


def test_roster_preview_then_all_or_nothing(network, organizer_xining, workplace):
    WorkerFactory(union=network.xining, workplace=workplace, phone="13900000001", name="旧名")
    data = roster([
        ("张一", "0011", "13900000001", "焊工", "高温、噪声"),
        ("张二", "0012", "13900000002", "司炉", "高温"),
        ("", "0013", "13900000003", "", ""),
        ("张四", "630102199001011234", "139", "", "辐射"),
        ("张五", "0015", "13900000002", "", ""),
    ])  # fmt: skip
    preview = services.roster_preview(actor=organizer_xining, workplace=workplace, data=data)
    actions = [(r.line, r.action) for r in preview.rows]
    assert actions == [(2, "update"), (3, "new"), (4, "error"), (5, "error"), (6, "error")]
    assert not preview.ok
    errors = {r.line: {e["column"] for e in r.errors} for r in preview.rows}
    assert errors[4] == {"姓名"} and errors[5] == {"身份证后四位", "手机号", "接触危害因素"}
    assert errors[6] == {"手机号"}  # the same phone as line 3
    assert "13900000002" not in str(preview.to_payload())
    with pytest.raises(WelfareError):
        services.roster_apply(actor=organizer_xining, workplace=workplace, category="other",
                              consent=True, rows=preview.to_payload()["rows"])  # fmt: skip
    assert Worker.objects.count() == 1 and Worker.objects.get().name == "旧名"


def test_roster_in_english_applies(network, organizer_xining, workplace):
    data = roster([("Li", "0021", "13900000021", "welder", "high temperature; noise")],
                  headers=("name", "ID last 4", "phone", "job", "hazards"))  # fmt: skip
    preview = services.roster_preview(actor=organizer_xining, workplace=workplace, data=data)
    assert preview.ok, preview.rows[0].errors
    counts = services.roster_apply(actor=organizer_xining, workplace=workplace, category="other",
                                   consent=True, rows=preview.to_payload()["rows"])  # fmt: skip
    assert counts == {"new": 1, "update": 0}
    worker = Worker.objects.get()
    assert worker.hazards == ["high_temperature", "noise"] and worker.job == "welder"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_chinese_roster_reads_the_same_whatever_the_page_language(
    network, organizer_xining, workplace, language
):
    """The employer's file is in Chinese even when the organizer's page is in English."""
    data = roster([("马师傅", "0031", "13900000031", "环卫", "高温、粉尘")])
    with translation.override(language):
        preview = services.roster_preview(actor=organizer_xining, workplace=workplace, data=data)
        also = services.roster_preview(
            actor=organizer_xining, workplace=workplace,
            data=roster([("Ma", "0032", "", "welder", "High temperature, Noise")]),
        )  # fmt: skip
    assert preview.ok, preview.rows[0].errors
    assert preview.rows[0].hazards == ["high_temperature", "dust"]
    assert also.ok and also.rows[0].hazards == ["high_temperature", "noise"]


def test_roster_pages(client, network, organizer_xining, workplace):
    client.force_login(organizer_xining)
    template = client.get("/organizer/workers/roster-template.xlsx")
    assert template.status_code == 200
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.rows)]
    assert headers == ["姓名", "身份证后四位", "手机号", "岗位", "接触危害因素"]
    rows = [(f"工人{i}", f"{i:04d}", f"139{i:08d}", "环卫", "高温") for i in range(50)]
    upload = io.BytesIO(roster(rows))
    upload.name = "roster.xlsx"
    preview = client.post("/organizer/workers/import/", {"workplace": workplace.pk,
                                                         "file": upload})  # fmt: skip
    assert preview.status_code == 200 and preview.context["counts"]["new"] == 50
    payload = preview.context["apply_form"].initial["payload"]
    missing_consent = client.post("/organizer/workers/import/", {"payload": payload,
                                                                 "category": "sanitation"})  # fmt: skip
    assert missing_consent.status_code == 400 and Worker.objects.count() == 0
    tampered = client.post("/organizer/workers/import/", {"payload": payload + "x",
                                                          "category": "other", "consent": "on"})  # fmt: skip
    assert tampered.status_code == 400 and Worker.objects.count() == 0
    done = client.post("/organizer/workers/import/", {"payload": payload,
                                                      "category": "sanitation", "consent": "on"})  # fmt: skip
    assert done.status_code == 302 and Worker.objects.filter(workplace=workplace).count() == 50
    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "x.xlsx"
    refused = client.post("/organizer/workers/import/", {"workplace": workplace.pk, "file": bad})
    assert refused.status_code == 400 and "file" in refused.context["form"].errors


# Hazard outcomes, rewards, budgets -----------------------------------------------------


def _verify(report, actor, grade):
    return services.hazard_report_advance(actor=actor, report=report, status="verified",
                                          grade=grade)  # fmt: skip


def _rule(key, region_code, value):
    from stations.models import Region

    region = Region.objects.get(code=region_code) if region_code else None
    services.province_rule_save(actor=None, key=key, region=region, value=value, source="测试")


def test_rewards_only_when_verified_by_grade_and_province(counties, organizer_xining):
    _rule("reward_amounts", "", {"general": 100, "major": 500})
    _rule("reward_amounts", "630000", {"general": 300, "major": 2000})
    major = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "major")
    assert major.reward.amount == Decimal("2000.00") and major.reward.year == 2027
    general = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "general")
    assert general.reward.amount == Decimal("300.00")
    _rule("reward_amounts", "630000", {"general": 100, "major": 500})
    other = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "general")
    assert other.reward.amount == Decimal("100.00")
    for status in ("unfounded", "referred"):
        report = HazardReportFactory(**XINING_POINT)
        with pytest.raises(WelfareError) as exc:  # the reporter is told why
            services.hazard_report_advance(actor=organizer_xining, report=report, status=status)
        assert exc.value.field == "note"
        services.hazard_report_advance(actor=organizer_xining, report=report, status=status,
                                       note="现场没有发现")  # fmt: skip
        assert not HazardReward.objects.filter(report=report).exists()
        with pytest.raises(Conflict):
            _verify(report, organizer_xining, "general")
    assert HazardReward.objects.count() == 3


def test_budget_limits_payments(counties, organizer_xining, organizer_golmud, network):
    first = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "major").reward
    second = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "general").reward
    with pytest.raises(Conflict) as exc:
        services.reward_mark_paid(actor=organizer_xining, reward=first, paid_on=TODAY)
    assert exc.value.field == "budget"
    # The city's budget pays its county union's rewards.
    with pytest.raises(PermissionDenied):
        services.reward_budget_set(actor=organizer_golmud, union=network.xining, year=2027,
                                   amount=1000)  # fmt: skip
    services.reward_budget_set(actor=organizer_xining, union=network.xining, year=2027,
                               amount=1100)  # fmt: skip
    services.reward_mark_paid(actor=organizer_xining, reward=first, paid_on=TODAY)
    with pytest.raises(Conflict) as exc:  # 100 left, 200 due
        services.reward_mark_paid(actor=organizer_xining, reward=second, paid_on=TODAY)
    assert "100" in exc.value.message
    with pytest.raises(Conflict):
        services.reward_budget_set(actor=organizer_xining, union=network.xining, year=2027,
                                   amount=900)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.reward_mark_paid(actor=organizer_golmud, reward=second, paid_on=TODAY)
    with pytest.raises(Conflict):
        services.reward_mark_paid(actor=organizer_xining, reward=first, paid_on=TODAY)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.paid_on == TODAY and second.paid_on is None
    assert first.history.first().history_user == organizer_xining


def test_status_page_says_the_outcome_in_words(counties, organizer_xining, client):
    report = HazardReportFactory(**XINING_POINT)
    services.hazard_report_advance(actor=organizer_xining, report=report, status="unfounded",
                                   note="现场护栏完好")  # fmt: skip
    page = client.get("/hazards/status/", {"code": report.tracking_code})
    text = page.content.decode()
    assert "不属实" in text and "现场护栏完好" in text
    for code in ("received", "unfounded"):
        assert f">{code}" not in text and f" {code} " not in text
    api = APIClient().get(f"/api/v1/hazard-reports/{report.tracking_code}/").json()
    assert api["final"] is True and "+08:00" in api["steps"][0]["at"]


def test_report_form_map_contacts_region_and_station(counties, client, network):
    _rule("report_contacts", "630000", {"phone": "0971-1234567", "email": "report@qh.example"})
    plain = client.get("/hazards/report/").content.decode()
    assert 'class="small-map"' in plain and 'id="use-location"' in plain
    assert "12351" in plain and 'name="region"' in plain
    station = network.xining_station
    page = client.get("/hazards/report/", {"station": station.code})
    text = page.content.decode()
    assert "0971-1234567" in text and "report@qh.example" in text
    form = page.context["form"]
    assert form.initial["lat"] == round(station.location.y, 6)
    assert form.initial["address"] == station.address
    assert client.get("/hazards/report/", {"station": "NOPE"}).status_code == 200
    # By API: only an address needs a region.
    body = {"address": "格尔木某工地", "category": "fire", "description": "灭火器过期"}
    response = APIClient().post("/api/v1/hazard-reports/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["field"] == "region"
    response = APIClient().post("/api/v1/hazard-reports/", {**body, "region": "632801"},
                                format="json")  # fmt: skip
    assert response.status_code == 201
    report = HazardReport.objects.get(tracking_code=response.json()["tracking_code"])
    assert report.union.code == "QH-HX-GEM"


# Organizer pages and outsiders ---------------------------------------------------------


def test_worker_pages_flow(client, network, organizer_xining, workplace):
    client.force_login(organizer_xining)
    assert client.get("/organizer/workers/new/").status_code == 200
    bad = client.post("/organizer/workers/new/", {"workplace": workplace.pk, "name": "王",
                                                  "phone": "12", "category": "other",
                                                  "consent": "on"})  # fmt: skip
    assert bad.status_code == 400 and "phone" in bad.context["form"].errors
    made = client.post("/organizer/workers/new/", {"workplace": workplace.pk, "name": "王师傅",
                                                   "phone": "13700000001", "category": "other",
                                                   "id_last4": "5678", "job": "司炉",
                                                   "hazards": ["high_temperature"],
                                                   "consent": "on"})  # fmt: skip
    assert made.status_code == 302
    worker = Worker.objects.get(name="王师傅")
    recorded = client.post(f"/organizer/workers/{worker.pk}/checks/", {
        "kind": "periodic", "checked_on": "2027-03-10", "result": "review"})  # fmt: skip
    assert recorded.status_code == 302
    future = client.post(f"/organizer/workers/{worker.pk}/checks/", {
        "kind": "periodic", "checked_on": "2027-04-10", "result": "normal"})  # fmt: skip
    assert future.status_code == 400 and "checked_on" in future.context["check_form"].errors
    overview = client.get("/organizer/").content.decode()
    assert workplace.name in overview and "待跟进 1 项" in overview and "2027-04-09" in overview
    left = client.post(f"/organizer/workers/{worker.pk}/leave/", {"left_on": "2027-05-01"})
    assert left.status_code == 302
    page = client.get(f"/organizer/workers/{worker.pk}/").content.decode()
    assert "离岗时体检" in page and "2027-05-01" in page


def test_hazard_pages_flow(client, counties, organizer_xining, province_admin):
    report = HazardReportFactory(**XINING_POINT, contact="13912345678")
    client.force_login(organizer_xining)
    assert report.tracking_code in client.get("/organizer/hazards/").content.decode()
    no_grade = client.post(f"/organizer/hazards/{report.pk}/", {"status": "verified"})
    assert no_grade.status_code == 400 and "grade" in no_grade.context["form"].errors
    done = client.post(f"/organizer/hazards/{report.pk}/", {"status": "verified",
                                                            "grade": "general"})  # fmt: skip
    assert done.status_code == 302
    page = client.get(f"/organizer/hazards/{report.pk}/").content.decode()
    assert "13912345678" in page and "200.00" in page
    client.force_login(province_admin)  # above, but not the handler
    page = client.get(f"/organizer/hazards/{report.pk}/").content.decode()
    assert "13912345678" not in page
    taken = client.post(f"/organizer/hazards/{report.pk}/", {"status": "passed_on"})
    assert taken.status_code == 403
    rewards = client.get("/organizer/rewards/").content.decode()
    assert report.tracking_code in rewards
    budget = client.post("/organizer/rewards/budget/", {"union": province_admin.memberships.first()
                                                        .union.pk, "year": 2027, "amount": "-1"})  # fmt: skip
    assert budget.status_code == 400 and "amount" in budget.context["budget_form"].errors
    reward = HazardReward.objects.get()
    unpaid = client.post(f"/organizer/rewards/{reward.pk}/paid/", {"paid_on": "2027-03-15"})
    assert unpaid.status_code == 409 and "预算" in unpaid.context["error"]


@pytest.fixture
def objects(counties, network, organizer_xining, workplace):
    worker = WorkerFactory(union=network.xining, workplace=workplace)
    report = HazardReportFactory(**XINING_POINT)
    _verify(report, organizer_xining, "general")
    return {"worker": worker, "report": report, "reward": report.reward}


PAGES = [
    ("get", "/organizer/workers/", {}),
    ("get", "/organizer/workers/new/", {}),
    ("get", "/organizer/workers/import/", {}),
    ("get", "/organizer/workers/roster-template.xlsx", {}),
    ("get", "/organizer/workers/{worker}/", {}),
    ("post", "/organizer/workers/{worker}/checks/",
     {"kind": "periodic", "checked_on": "2027-03-01", "result": "normal"}),
    ("post", "/organizer/workers/{worker}/leave/", {"left_on": "2027-03-01"}),
    ("get", "/organizer/hazards/", {}),
    ("get", "/organizer/hazards/{report}/", {}),
    ("post", "/organizer/hazards/{report}/", {"status": "passed_on"}),
    ("get", "/organizer/rewards/", {}),
    ("post", "/organizer/rewards/budget/", {"union": "{union}", "year": 2027, "amount": 5}),
    ("post", "/organizer/rewards/{reward}/paid/", {"paid_on": "2027-03-01"}),
]  # fmt: skip


def _url(path, objects):
    return path.format(worker=objects["worker"].pk, report=objects["report"].pk,
                       reward=objects["reward"].pk)  # fmt: skip


@pytest.mark.parametrize(("method", "path", "data"), PAGES)
def test_outsiders_are_kept_out(
    client, objects, network, staff_xining, organizer_golmud, method, path, data
):
    url = _url(path, objects)
    data = {k: (network.xining.pk if v == "{union}" else v) for k, v in data.items()}
    anonymous = getattr(client, method)(url, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(staff_xining)  # staff of a station under that union: not an organizer
    assert getattr(client, method)(url, data).status_code == 403
    client.force_login(organizer_golmud)  # an organizer of another union
    response = getattr(client, method)(url, data)
    object_page = "{" in path
    if object_page:
        assert response.status_code == 404
    elif method == "post":
        assert response.status_code == 400  # the union is not among the choices
    else:
        assert response.status_code == 200
        body = response.content
        assert objects["worker"].name.encode() not in body
        assert objects["report"].tracking_code.encode() not in body
    objects["worker"].refresh_from_db()
    assert objects["worker"].checks.count() == 0 and objects["worker"].left_on is None
    assert objects["report"].steps.count() == 2 and objects["reward"].paid_on is None


def test_the_panel_is_scoped(client, network, organizer_xining, organizer_golmud, workplace):
    worker = WorkerFactory(union=network.xining, workplace=workplace, hazards=["noise"])
    services.health_check_record(actor=None, worker=worker, kind="periodic",
                                 checked_on=dt.date(2026, 3, 1), result="normal")  # fmt: skip
    client.force_login(organizer_xining)
    page = client.get("/organizer/").content.decode()
    assert 'id="checks-due"' in page and workplace.name in page and "逾期 1 人" in page
    client.force_login(organizer_golmud)
    page = client.get("/organizer/").content.decode()
    assert 'id="checks-due"' in page and workplace.name not in page


def test_check_kinds_are_labelled():
    assert HealthCheck.Kind("emergency").label == "应急"
    assert HazardReport.Status("unfounded").label == "经核查不属实"


def test_a_reward_paid_before_its_year_is_refused(counties, organizer_xining, network):
    """Security review 2: a reward paid in 1900 (dates are range-checked, core.dates)."""
    reward = _verify(HazardReportFactory(**XINING_POINT), organizer_xining, "general").reward
    services.reward_budget_set(actor=organizer_xining, union=network.xining, year=reward.year,
                               amount=10000)  # fmt: skip
    for day in (dt.date(1900, 1, 1), dt.date(reward.year - 1, 12, 31)):
        with pytest.raises(WelfareError) as exc:
            services.reward_mark_paid(actor=organizer_xining, reward=reward, paid_on=day)
        assert exc.value.field == "paid_on"
    reward.refresh_from_db()
    assert reward.paid_on is None
