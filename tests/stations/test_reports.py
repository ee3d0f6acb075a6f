"""Organizers' visit reports: counts by station, day/week and category; CSV/XLSX; scope."""

import csv
import datetime as dt
import io
import uuid
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook

from stations import services
from stations.models import Inspection
from stations.templatetags.charts import bar_chart

pytestmark = [pytest.mark.django_db]
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 7, 14, 20, 0, tzinfo=SH)  # a Wednesday


def log(actor, station, when, category, n=1):
    return services.visit_record_batch(
        actor=actor,
        visits=[
            services.VisitInput(uuid=str(uuid.uuid4()), station=station,
                                occurred_at=when.isoformat(), category=category)
            for _ in range(n)
        ],
        now=NOW,
    )  # fmt: skip


@pytest.fixture
def visits(network, province_admin):
    with time_machine.travel(NOW, tick=False):
        log(province_admin, "QH-XN-0001", NOW.replace(hour=9), "delivery", 3)
        log(province_admin, "QH-XN-0001", NOW.replace(hour=9), "courier", 2)
        # 23:30 on Monday the 12th in Shanghai is 15:30 UTC: it counts for the 12th.
        log(
            province_admin, "QH-XN-0001", dt.datetime(2027, 7, 12, 23, 30, tzinfo=SH), "delivery", 4
        )
        log(province_admin, "QH-XN-0002", NOW.replace(hour=8), "sanitation", 5)
        log(province_admin, "QH-HX-0001", NOW.replace(hour=8), "driver", 7)


def rows_by_key(rows):
    return {(r["station"], r["period"]): r for r in rows}


@time_machine.travel(NOW, tick=False)
def test_daily_report_for_an_organizer(client, visits, organizer_xining):
    client.force_login(organizer_xining)
    response = client.get("/organizer/", {"start": "2027-07-10", "end": "2027-07-14"})
    assert response.status_code == 200
    report = response.context["report"]
    rows = rows_by_key(report["rows"])
    assert set(rows) == {
        ("QH-XN-0001", "2027-07-12"),
        ("QH-XN-0001", "2027-07-14"),
        ("QH-XN-0002", "2027-07-14"),
    }  # no Golmud
    assert rows[("QH-XN-0001", "2027-07-14")]["delivery"] == 3
    assert rows[("QH-XN-0001", "2027-07-14")]["courier"] == 2
    assert rows[("QH-XN-0001", "2027-07-12")]["delivery"] == 4
    assert report["total"] == 14
    assert "<svg" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_weekly_report_sums_days(client, visits, province_admin):
    client.force_login(province_admin)
    response = client.get(
        "/organizer/", {"start": "2027-07-10", "end": "2027-07-14", "period": "week"}
    )
    rows = rows_by_key(response.context["report"]["rows"])
    assert rows[("QH-XN-0001", "2027-W28")]["total"] == 9
    assert rows[("QH-HX-0001", "2027-W28")]["driver"] == 7


@time_machine.travel(NOW, tick=False)
def test_csv_and_xlsx_match_the_table(client, visits, organizer_xining):
    client.force_login(organizer_xining)
    query = {"union": "QH-XN", "start": "2027-07-10", "end": "2027-07-14"}
    response = client.get("/organizer/visits.csv", query)
    assert response.status_code == 200
    assert 'filename="visits-QH-XN-2027-07-10-2027-07-14.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    header, body = table[0], table[1:]
    assert header[0] == "站点编号" and header[-1] == "合计"
    assert len(body) == 3
    line = next(r for r in body if r[0] == "QH-XN-0001" and r[2] == "2027-07-14")
    assert int(line[header.index("外卖骑手")]) == 3 and int(line[-1]) == 5
    xlsx = client.get("/organizer/visits.xlsx", query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header
    assert sorted(r[-1] for r in values[1:]) == sorted(int(r[-1]) for r in body)
    assert client.get("/organizer/visits.pdf", query).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_scope_and_bad_input(client, visits, organizer_xining, staff_xining):
    client.force_login(organizer_xining)
    assert client.get("/organizer/", {"union": "QH-HX-GEM"}).status_code == 404
    bad = client.get("/organizer/", {"start": "07/01/2027"})
    assert bad.status_code == 400
    assert "start" in bad.context["error"]
    client.force_login(staff_xining)
    assert client.get("/organizer/").status_code == 403
    assert client.get("/organizer/visits.csv").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_inspections_due_are_listed(client, network, organizer_xining):
    Inspection.objects.create(
        station=network.xining_station, inspected_on=dt.date(2027, 7, 13),
        inspector=organizer_xining,
        sign_ok=True, room_ok=True, facilities_ok=True, services_ok=True, rules_ok=True,
        findable_ok=True, stars=4,
    )  # fmt: skip
    client.force_login(organizer_xining)
    due = [s.code for s in client.get("/organizer/").context["due"]]
    assert due == ["QH-XN-0002"]


def test_bar_chart():
    svg = bar_chart([("a", 1), ("b", 3), ("<c>", 0)], title="t")
    assert svg.count("<rect") == 3 and "&lt;c&gt;" in svg
    flat = bar_chart([("x", 0), ("y", 0)], title="zero")
    assert flat.count("<rect") == 2 and 'height="0.0"' in flat
