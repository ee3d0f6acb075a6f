"""Organizers' visit reports: counts by station, day/week and category; CSV/XLSX; scope;
overdue inspections; the SVG bar chart."""

import csv
import datetime as dt
import io
import itertools
import re
import uuid
import zoneinfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import Inspection
from stations.services.visits import VisitInput, visit_record_batch
from stations.templatetags.charts import bar_chart

pytestmark = [pytest.mark.django_db]
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 7, 14, 20, 0, tzinfo=SH)  # a Wednesday, ISO week 28
OVERVIEW = "/organizer/"


def export_url(fmt: str) -> str:
    return reverse("stations:organizer-export", args=[fmt])


def log(actor, station, when, category, n=1):
    outcomes = visit_record_batch(
        actor=actor,
        visits=[
            VisitInput(
                uuid=str(uuid.uuid4()),
                station=station,
                occurred_at=when.isoformat(),
                category=category,
            )
            for _ in range(n)
        ],
        now=NOW,
    )
    assert [o.status for o in outcomes] == ["created"] * n


@pytest.fixture
def visits(network, province_admin):
    with time_machine.travel(NOW, tick=False):
        log(province_admin, "QH-XN-0001", NOW.replace(hour=9), "delivery", 3)
        log(province_admin, "QH-XN-0001", NOW.replace(hour=9), "courier", 2)
        # 23:30 on Monday the 12th in Shanghai is 15:30 UTC: it counts for the 12th.
        log(
            province_admin, "QH-XN-0001", dt.datetime(2027, 7, 12, 23, 30, tzinfo=SH), "delivery", 4
        )
        # 00:30 on Sunday the 11th in Shanghai is still the 10th in UTC: the 11th, week 27.
        log(province_admin, "QH-XN-0001", dt.datetime(2027, 7, 11, 0, 30, tzinfo=SH), "courier", 1)
        log(province_admin, "QH-XN-0002", NOW.replace(hour=8), "sanitation", 5)
        log(province_admin, "QH-HX-0001", NOW.replace(hour=8), "driver", 7)


def rows_by_key(rows):
    return {(r["station"], r["period"]): r for r in rows}


def test_routes_are_the_ones_wired():
    assert reverse("stations:organizer") == OVERVIEW
    assert export_url("csv") == "/organizer/visits.csv"


@time_machine.travel(NOW, tick=False)
def test_daily_report_counts_per_station_day_and_category(client, visits, organizer_xining):
    client.force_login(organizer_xining)
    response = client.get(OVERVIEW, {"start": "2027-07-10", "end": "2027-07-14"})
    assert response.status_code == 200
    report = response.context["report"]
    rows = rows_by_key(report["rows"])
    assert set(rows) == {
        ("QH-XN-0001", "2027-07-11"),
        ("QH-XN-0001", "2027-07-12"),
        ("QH-XN-0001", "2027-07-14"),
        ("QH-XN-0002", "2027-07-14"),
    }
    today = rows[("QH-XN-0001", "2027-07-14")]
    assert (today["delivery"], today["courier"], today["sanitation"], today["total"]) == (
        3,
        2,
        0,
        5,
    )
    assert rows[("QH-XN-0001", "2027-07-12")]["delivery"] == 4
    assert rows[("QH-XN-0001", "2027-07-11")]["courier"] == 1
    assert rows[("QH-XN-0002", "2027-07-14")]["sanitation"] == 5
    assert report["total"] == 15

    html = response.content.decode()
    assert re.search(r'id="visit-total">15<', html)
    for header in ("外卖骑手", "快递员", "环卫工人", "建筑工人", "保安", "合计"):
        assert f">{header}</th>" in html
    assert "<svg" in html
    # The chart covers every day of the range, zeros included: one bar per day.
    assert response.context["series"] == [
        ("07-10", 0),
        ("07-11", 1),
        ("07-12", 4),
        ("07-13", 0),
        ("07-14", 10),
    ]
    assert html.count("<rect") == 5
    # Export links carry the same (normalized) parameters.
    assert f"{export_url('csv')}?start=2027-07-10&amp;end=2027-07-14&amp;period=day" in html


@time_machine.travel(NOW, tick=False)
def test_weekly_report_sums_days(client, visits, province_admin):
    client.force_login(province_admin)
    response = client.get(OVERVIEW, {"start": "2027-07-10", "end": "2027-07-14", "period": "week"})
    assert response.status_code == 200
    rows = rows_by_key(response.context["report"]["rows"])
    assert set(rows) == {
        ("QH-XN-0001", "2027-W27"),
        ("QH-XN-0001", "2027-W28"),
        ("QH-XN-0002", "2027-W28"),
        ("QH-HX-0001", "2027-W28"),
    }
    week28 = rows[("QH-XN-0001", "2027-W28")]
    assert (week28["delivery"], week28["courier"], week28["total"]) == (7, 2, 9)
    assert rows[("QH-XN-0001", "2027-W27")]["total"] == 1
    assert rows[("QH-HX-0001", "2027-W28")]["driver"] == 7
    assert response.context["series"] == [("W27", 1), ("W28", 21)]


def test_csv_and_xlsx_match_what_was_logged(client, visits, organizer_xining):
    query = {"union": "QH-XN", "start": "2027-07-10", "end": "2027-07-14"}
    with time_machine.travel(NOW, tick=False):
        client.force_login(organizer_xining)
        response = client.get(export_url("csv"), query)
        xlsx = client.get(export_url("xlsx"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="visits-QH-XN-2027-07-10-2027-07-14.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert header[:3] == ["站点编号", "站点名称", "日期/周"] and header[-1] == "合计"
    assert "外卖骑手" in header and "司机（网约车、出租车、货车）" in header
    counts = {(r[0], r[2]): {header[i]: int(r[i]) for i in range(3, len(header))} for r in body}
    assert set(counts) == {
        ("QH-XN-0001", "2027-07-11"),
        ("QH-XN-0001", "2027-07-12"),
        ("QH-XN-0001", "2027-07-14"),
        ("QH-XN-0002", "2027-07-14"),
    }
    assert counts[("QH-XN-0001", "2027-07-14")]["外卖骑手"] == 3
    assert counts[("QH-XN-0001", "2027-07-14")]["快递员"] == 2
    assert counts[("QH-XN-0001", "2027-07-14")]["合计"] == 5
    assert counts[("QH-XN-0001", "2027-07-12")]["外卖骑手"] == 4
    assert counts[("QH-XN-0002", "2027-07-14")]["环卫工人"] == 5
    assert sum(c["合计"] for c in counts.values()) == 15

    assert xlsx.status_code == 200
    assert 'filename="visits-QH-XN-2027-07-10-2027-07-14.xlsx"' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == header
    as_csv = [[*r[:3], *(int(v) for v in r[3:])] for r in body]
    assert values[1:] == as_csv  # same rows, counts stored as numbers


@time_machine.travel(NOW, tick=False)
def test_export_keeps_formula_like_names_as_text(client, visits, province_admin, network):
    network.xining_station_2.name = "=HYPERLINK(1)"
    network.xining_station_2.save()
    client.force_login(province_admin)
    query = {"union": "QH-XN", "start": "2027-07-14", "end": "2027-07-14"}
    table = list(csv.reader(io.StringIO(client.get(export_url("csv"), query).content.decode())))
    assert [r[1] for r in table if r[0] == "QH-XN-0002"] == ["'=HYPERLINK(1)"]
    sheet = load_workbook(io.BytesIO(client.get(export_url("xlsx"), query).content)).active
    cell = next(r[1] for r in sheet.iter_rows() if r[0].value == "QH-XN-0002")
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1)", "s")


@time_machine.travel(NOW, tick=False)
def test_week_export_and_unknown_format(client, visits, province_admin):
    client.force_login(province_admin)
    query = {"start": "2027-07-10", "end": "2027-07-14", "period": "week"}
    response = client.get(export_url("csv"), query)
    assert 'filename="visits-all-2027-07-10-2027-07-14-week.csv"' in response["Content-Disposition"]
    body = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert {(r[0], r[2], r[-1]) for r in body} == {
        ("QH-HX-0001", "2027-W28", "7"),
        ("QH-XN-0001", "2027-W27", "1"),
        ("QH-XN-0001", "2027-W28", "9"),
        ("QH-XN-0002", "2027-W28", "5"),
    }
    assert client.get(export_url("pdf"), query).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_xining_organizer_sees_only_xining(client, visits, organizer_xining):
    client.force_login(organizer_xining)
    assert client.get(OVERVIEW, {"union": "QH-HX-GEM"}).status_code == 404
    assert client.get(export_url("csv"), {"union": "QH-HX-GEM"}).status_code == 404
    assert client.get(OVERVIEW, {"union": "NO-SUCH"}).status_code == 404

    response = client.get(OVERVIEW)  # default: the last 14 days, whole scope
    assert response.status_code == 200
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2027, 7, 1),
        dt.date(2027, 7, 14),
    )
    assert {r["station"] for r in response.context["report"]["rows"]} == {
        "QH-XN-0001",
        "QH-XN-0002",
    }
    html = response.content.decode()
    assert "QH-HX-0001" not in html
    assert "QH-HX-GEM" not in html  # not offered in the union select either
    assert [u.code for u in response.context["unions"]] == ["QH-XN", "QH-XN-CZ"]

    # Narrowed to Chengzhong: only its station.
    narrow = client.get(OVERVIEW, {"union": "QH-XN-CZ"})
    assert {r["station"] for r in narrow.context["report"]["rows"]} == {"QH-XN-0001"}


@time_machine.travel(NOW, tick=False)
def test_station_staff_and_anonymous_are_refused(client, visits, staff_xining):
    anonymous = client.get(OVERVIEW)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={OVERVIEW}"
    login = client.get(anonymous["Location"]).content.decode()
    assert 'action="/accounts/login/"' in login and 'name="password"' in login
    client.force_login(staff_xining)
    for url in (OVERVIEW, export_url("csv"), export_url("xlsx")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"].startswith("text/html"), url  # no report file
        body = response.content.decode()
        assert "403 Forbidden" in body, url
        assert "QH-XN-0001" not in body and "QH-XN-0002" not in body, url


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "07/01/2027"}, "start"),
        ({"end": "2027-13-40"}, "end"),
        ({"start": "2027-07-10", "end": "2027-07-01"}, "end"),
        ({"period": "month"}, "period"),
    ],
)
def test_bad_input_is_400_naming_the_field(client, visits, organizer_xining, query, field):
    client.force_login(organizer_xining)
    response = client.get(OVERVIEW, query)
    assert response.status_code == 400
    assert field in response.context["error"]
    assert field in response.content.decode()
    # ... and the page still shows the default report.
    assert response.context["report"]["total"] == 15
    assert response.context["period"] == "day"
    assert response.context["end"] == dt.date(2027, 7, 14)
    export = client.get(export_url("csv"), query)
    assert export.status_code == 400
    assert field in export.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_range_over_a_year_is_cut_to_its_last_366_days(client, visits, organizer_xining):
    client.force_login(organizer_xining)
    response = client.get(OVERVIEW, {"start": "2025-01-01", "end": "2027-07-14", "period": "week"})
    assert response.status_code == 400
    assert response.context["start"] == dt.date(2026, 7, 14)
    assert response.context["period"] == "week"
    assert response.context["report"]["total"] == 15
    assert response.context["form"].errors["start"]
    assert 'name="start" value="2026-07-14" required aria-invalid="true"' in (
        response.content.decode()
    )


@time_machine.travel(NOW, tick=False)
def test_stale_inspections_list_never_inspected_and_hide_recent(client, network, organizer_xining):
    Inspection.objects.create(
        station=network.xining_station,
        inspected_on=dt.date(2027, 7, 13),  # yesterday
        inspector=organizer_xining,
        sign_ok=True,
        room_ok=True,
        facilities_ok=True,
        services_ok=True,
        rules_ok=True,
        findable_ok=True,
        stars=4,
    )
    client.force_login(organizer_xining)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert [s.code for s in response.context["due"]] == ["QH-XN-0002"]
    assert response.context["due_count"] == 1
    html = response.content.decode()
    assert reverse("admin:stations_station_change", args=[network.xining_station_2.pk]) in html
    assert reverse("admin:stations_station_change", args=[network.xining_station.pk]) not in html
    assert "从未检查" in html


@time_machine.travel(NOW, tick=False)
def test_stale_inspection_shows_the_last_date(client, network, province_admin, settings):
    settings.STATION_INSPECTION_MAX_AGE_DAYS = 30
    Inspection.objects.create(
        station=network.golmud_station,
        inspected_on=dt.date(2027, 5, 1),
        sign_ok=True,
        room_ok=True,
        facilities_ok=True,
        services_ok=True,
        rules_ok=True,
        findable_ok=True,
        stars=4,
    )
    client.force_login(province_admin)
    response = client.get(OVERVIEW, {"union": "QH-HX"})
    assert [s.code for s in response.context["due"]] == ["QH-HX-0001"]
    html = response.content.decode()
    assert "2027-05-01" in html and "超过 30 天" in html


def test_bar_chart_draws_one_bar_per_point_and_escapes():
    svg = str(bar_chart([("a", 1), ("b", 3), ("<c>", 0)], title="访问 & <t>"))
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and 'width="100%"' in svg
    assert svg.count("<rect") == 3
    assert "<c>" not in svg and "&lt;c&gt;" in svg
    assert (
        'aria-label="访问 &amp; &lt;t&gt;"' in svg and "<title>访问 &amp; &lt;t&gt;</title>" in svg
    )
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[1] == max(heights) and heights[0] == pytest.approx(heights[1] / 3, abs=0.1)
    assert heights[2] == 0
    assert ">3</text>" in svg  # the y-axis maximum


def test_bar_chart_handles_all_zero_and_empty_series():
    flat = str(bar_chart([("x", 0), ("y", 0)], title="zero"))
    assert flat.count("<rect") == 2
    assert set(re.findall(r'<rect [^>]*height="([\d.]+)"', flat)) == {"0.0"}
    assert "nan" not in flat.lower()
    empty = str(bar_chart([], title="none"))
    assert "<svg" in empty and "<rect" not in empty


def test_bar_chart_thins_x_labels_and_works_as_a_template_tag():
    series = [(f"07-{d:02d}", d) for d in range(1, 32)]
    svg = Template("{% load charts %}{% bar_chart series title=t %}").render(
        Context({"series": series, "t": "每日"})
    )
    assert svg.count("<rect") == 31
    x_labels = re.findall(r'<text x="([\d.]+)" y="\d+">(07-\d\d)</text>', svg)
    assert 2 <= len(x_labels) < 31
    positions = [float(x) for x, _ in x_labels]
    gaps = [b - a for a, b in itertools.pairwise(positions)]
    assert min(gaps) >= 5 * 9 * 0.6  # never closer than one label's width
    assert x_labels[0][1] == "07-01"
