"""Stations imported from the spreadsheets union offices keep: preview, all or nothing,
normalising, scoping, history, and every bad file of the issue refused with its message."""

from __future__ import annotations

import csv as csv_module
import io

import pytest
import tablib
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from core.datum import wgs84_to_bd09, wgs84_to_gcj02
from core.importing import import_file
from stations.models import OpeningPeriod, Region, Station
from stations.resources.stations import StationResource
from stations.services.regions_unions import region_save
from tests.imports.test_tabular import zip_bomb

pytestmark = [pytest.mark.django_db]

HEADER = "站点编号,站点名称,地址,经度,纬度,服务内容,开放时间,联系电话,所属工会,行政区划"
ROW_A = 'QH-XN-0900,西大街驿站,城中区西大街1号,101.7752,36.62105,饮用水、热水、充电,"周一至周五 9:00-17:00，周六日 10:00-16:00",0971-8372945,QH-XN-CZ,630103'
ROW_B = "QH-XN-0901,南川驿站,城中区南川东路2号,101.7700,36.6100,微波炉,24小时,,城中区总工会,城中区"


def csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def run(actor, data: bytes, *, name: str = "站点.csv", dry_run: bool = False, **options):
    return import_file(
        StationResource(actor=actor, options=options), data, filename=name, dry_run=dry_run
    )


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(r["line"], e["column"], e["message"]) for r in report.rows for e in r["errors"]]


def test_a_chinese_file_imports_stations_with_services_and_hours(network, organizer_xining):
    report = run(organizer_xining, csv(ROW_A, ROW_B))
    assert report.ok and report.written, report.to_dict()
    assert report.counts == {"new": 2, "update": 0, "unchanged": 0, "error": 0}
    a = Station.objects.get(code="QH-XN-0900")
    assert (a.union, a.region.code, a.phone) == (network.chengzhong, "630103", "0971-8372945")
    assert a.service_codes == ["water", "hot_water", "charging"]
    assert OpeningPeriod.objects.filter(station=a).count() == 7
    assert a.schedule["periods"][0] == [1, "09:00", "17:00", False, "", ""]
    assert (
        a.history.last().history_type == "+" and a.history.last().history_user == organizer_xining
    )
    b = Station.objects.get(code="QH-XN-0901")
    assert b.is_24h and b.service_codes == ["microwave"] and b.kind == "other"


def test_the_preview_says_new_update_unchanged_and_error_and_writes_nothing(
    network, organizer_xining
):
    run(organizer_xining, csv(ROW_A, ROW_B))
    changed_b = ROW_B.replace("南川驿站", "南川东路驿站").replace("24小时", "8:00-20:00")
    bad = "QH-XN-0902,新站,地址,101.77,36.61,,看心情,,QH-XN-CZ,630103"
    new = "QH-XN-0903,新站,地址,101.77,36.61,,,,QH-XN-CZ,630103"
    report = run(organizer_xining, csv(ROW_A, changed_b, bad, new), dry_run=True)
    by_line = {r["line"]: r for r in report.rows}
    assert report.counts == {"new": 1, "update": 1, "unchanged": 1, "error": 1}
    assert by_line[3]["action"] == "update" and by_line[3]["changed"] == ["站点名称", "开放时间"]
    assert by_line[4]["action"] == "error"
    assert (
        by_line[4]["errors"][0]["column"] == "开放时间"
        and "“看心情”" in by_line[4]["errors"][0]["message"]
    )
    assert by_line[5]["action"] == "new"
    assert not report.written
    assert not Station.objects.filter(code="QH-XN-0903").exists()
    assert Station.objects.get(code="QH-XN-0901").name == "南川驿站"


def test_an_update_keeps_history_and_changes_only_what_the_file_says(network, organizer_xining):
    run(organizer_xining, csv(ROW_A))
    station = Station.objects.get(code="QH-XN-0900")
    report = run(
        organizer_xining,
        csv(ROW_A.replace("西大街驿站", "西大街爱心驿站").replace("饮用水、热水、充电", "饮用水")),
    )
    assert report.counts["update"] == 1 and report.written
    station.refresh_from_db()
    assert station.name == "西大街爱心驿站" and station.service_codes == ["water"]
    kinds = [h.history_type for h in station.history.all()]
    assert kinds[0] == "~" and kinds[-1] == "+" and len(kinds) > len(set(kinds)) - 1
    assert station.history.first().name == "西大街爱心驿站"
    assert OpeningPeriod.objects.filter(station=station).count() == 7


def assert_nothing_written():
    assert not Station.objects.filter(code__in=["QH-XN-0900", "QH-XN-0901"]).exists()


@pytest.mark.parametrize(
    ("rows", "line", "column", "message"),
    [
        ([ROW_A, ROW_A.replace("西大街驿站", "另一个")], 3, "站点编号", "与第 2 行重复"),
        ([ROW_A.replace("101.7752,36.62105", "36.62105,101.7752"), ROW_B], 2, "经度", "填反"),
        ([ROW_A.replace("101.7752,36.62105", "2.35,48.85"), ROW_B], 2, "经度", "不在中国境内"),
        ([ROW_A.replace("101.7752", "东经101度"), ROW_B], 2, "经度", "不是数字"),
        ([ROW_A.replace("周一至周五 9:00-17:00，周六日 10:00-16:00", "节假日另行通知"), ROW_B], 2, "开放时间",
         "“节假日另行通知”"),
        ([ROW_A, ROW_B.replace("城中区总工会", "格尔木市总工会")], 3, "所属工会", "无权管理"),
        ([ROW_A.replace("630103", "999999"), ROW_B], 2, "行政区划", "999999"),
        ([ROW_A.replace("QH-XN-0900", "qh_xn 0900"), ROW_B], 2, "站点编号", "格式不对"),
    ],
)  # fmt: skip
def test_a_bad_row_is_an_error_naming_its_column_and_nothing_is_written(
    network, organizer_xining, rows, line, column, message
):
    report = run(organizer_xining, csv(*rows))
    assert not report.ok and not report.written
    assert any(n == line and c == column and message in m for n, c, m in errors_of(report)), (
        errors_of(report)
    )
    assert_nothing_written()


def test_a_row_for_an_existing_station_of_another_union_is_refused(network, organizer_xining):
    row = ROW_A.replace("QH-XN-0900", "QH-HX-0001")
    report = run(organizer_xining, csv(row))
    assert errors_of(report)[0][1] == "站点编号" and "无权修改" in errors_of(report)[0][2]
    assert Station.objects.get(code="QH-HX-0001").name != "西大街驿站"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("站点.pdf", b"%PDF", "不支持的文件类型"),
        ("站点.xlsx", b"PK\x03\x04broken", "已损坏"),
        ("站点.csv", csv(ROW_A, header=HEADER.replace(",地址", "")), "缺少必填列：地址"),
    ],
)
def test_a_bad_file_is_refused_whole_and_writes_nothing(
    network, organizer_xining, name, data, message
):
    report = run(organizer_xining, data, name=name)
    assert not report.ok and not report.written
    assert any(message in e for e in report.errors), report.errors
    assert_nothing_written()


def test_an_xlsx_zip_bomb_writes_nothing(network, organizer_xining):
    report = run(organizer_xining, zip_bomb(), name="站点.xlsx")
    assert "压缩炸弹" in report.errors[0]
    assert_nothing_written()


def test_gbk_without_bom_semicolons_full_width_and_one_cell_coordinates(network, organizer_xining):
    header = "站点编号;站点名称;地址;经纬度;服务内容;开放时间;所属工会;行政区划"
    row = "ＱＨ-ＸＮ-０９００; 西大街驿站 ;城中区西大街1号;１０１．７７５２，３６．６２１０５;饮用水；热水;08：00—20：00;QH-XN-CZ;630103"
    report = run(organizer_xining, csv(row, header=header, encoding="gbk"))
    assert report.ok and report.written, report.to_dict()
    station = Station.objects.get(code="QH-XN-0900")
    assert station.name == "西大街驿站"
    assert (round(station.location.x, 6), round(station.location.y, 6)) == (101.7752, 36.62105)
    assert station.schedule["periods"][0][1:3] == ["08:00", "20:00"]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_coordinates_in_gcj02_or_bd09_are_stored_as_wgs84(network, organizer_xining, crs):
    wgs = (101.7752, 36.62105)
    shifted = wgs84_to_gcj02(*wgs) if crs == "gcj02" else wgs84_to_bd09(*wgs)
    row = ROW_A.replace("101.7752,36.62105", f"{shifted[0]:.7f},{shifted[1]:.7f}")
    assert run(organizer_xining, csv(row), crs=crs).written
    station = Station.objects.get(code="QH-XN-0900")
    assert abs(station.location.x - wgs[0]) < 2e-6 and abs(station.location.y - wgs[1]) < 2e-6


def test_a_bd09_file_imported_as_gcj02_warns(network, organizer_xining):
    region = Region.objects.get(code="630103")
    region.boundary = MultiPolygon(Polygon.from_bbox((101.760, 36.600, 101.785, 36.625)))
    region_save(actor=None, region=region)
    rows = []
    for i, (lng, lat) in enumerate([(101.7840, 36.6240), (101.7835, 36.6235), (101.7845, 36.6230)]):
        bd = wgs84_to_bd09(lng, lat)
        rows.append(f"QH-XN-09{i:02d},站{i},地址,{bd[0]:.6f},{bd[1]:.6f},,,,QH-XN-CZ,630103")
    as_gcj = run(organizer_xining, csv(*rows), crs="gcj02", dry_run=True)
    assert any("百度" in w for w in as_gcj.warnings), as_gcj.warnings
    as_bd = run(organizer_xining, csv(*rows), crs="bd09", dry_run=True)
    assert as_bd.warnings == []


def test_an_organizer_named_union_bounds_the_file(network, organizer_xining):
    report = run(organizer_xining, csv(ROW_A.replace(",QH-XN-CZ,", ",,")), union="QH-XN-CZ")
    assert report.written
    assert Station.objects.get(code="QH-XN-0900").union == network.chengzhong
    report = run(organizer_xining, csv(ROW_B.replace("城中区总工会", "QH-XN")), union="QH-XN-CZ")
    assert "不在导入时指定的工会" in errors_of(report)[0][2]


def xlsx_of(text: bytes) -> bytes:
    book = Workbook()
    for line in text.decode().splitlines():
        book.active.append(next(csv_module.reader([line])))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_imports_like_the_csv(network, organizer_xining):
    report = run(organizer_xining, xlsx_of(csv(ROW_A, ROW_B)), name="站点.xlsx")
    assert report.written and report.counts["new"] == 2
    assert Station.objects.get(code="QH-XN-0900").service_codes == [
        "water",
        "hot_water",
        "charging",
    ]


def test_export_then_import_changes_nothing(network, organizer_xining):
    run(organizer_xining, csv(ROW_A, ROW_B))
    queryset = StationResource().get_queryset().filter(code__startswith="QH-XN")
    for fmt in ("csv", "xlsx"):
        dataset = StationResource().export(queryset)
        data = dataset.export(fmt)
        data = data.encode("utf-8") if isinstance(data, str) else data
        report = run(organizer_xining, data, name=f"导出.{fmt}", dry_run=True)
        assert report.ok and report.counts["unchanged"] == 4 and report.total == 4, report.to_dict()


def test_the_command_imports_with_a_summary_and_dry_runs(network, tmp_path):
    path = tmp_path / "站点.csv"
    path.write_bytes(csv(ROW_A, ROW_B, encoding="gbk"))
    out = io.StringIO()
    call_command("import_stations", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "2 rows: 2 new" in out.getvalue() and "nothing written" in out.getvalue()
    assert_nothing_written()
    call_command(
        "import_stations", str(path), "--crs", "wgs84", "--union", "QH-XN", stdout=io.StringIO()
    )
    assert Station.objects.filter(code__in=["QH-XN-0900", "QH-XN-0901"]).count() == 2
    path.write_bytes(csv(ROW_A, ROW_A))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_stations", str(path), "--no-progress", stdout=out)
    assert "line 3 QH-XN-0900 [站点编号]" in out.getvalue()


def test_django_import_export_row_by_row_gives_the_same_outcomes(network, organizer_xining):
    data = tablib.Dataset(headers=HEADER.split(","))
    data.append(next(csv_module.reader([ROW_A])))
    result = StationResource(actor=organizer_xining).import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Station.objects.get(code="QH-XN-0900").service_codes == [
        "water",
        "hot_water",
        "charging",
    ]
    again = StationResource(actor=organizer_xining).import_data(data, dry_run=True)
    assert again.totals["skip"] == 1


@pytest.mark.postgis
def test_the_copy_merge_writes_what_the_services_write(network, organizer_xining):
    """The same file through station_upsert row by row and through COPY + merge."""
    assert connection.vendor == "postgresql"
    rows = [ROW_A, ROW_B]
    run(organizer_xining, csv(*rows), bulk=False)
    by_service = {
        s.code: snapshot(s) for s in Station.objects.filter(code__in=["QH-XN-0900", "QH-XN-0901"])
    }
    Station.objects.filter(code__in=by_service).delete()  # test reset
    run(organizer_xining, csv(*rows))
    by_merge = {s.code: snapshot(s) for s in Station.objects.filter(code__in=by_service)}
    for code in by_service:
        for key in by_service[code]:
            assert by_merge[code][key] == by_service[code][key], (code, key)
    # an update through the merge: history row with its services
    run(organizer_xining, csv(ROW_A.replace("饮用水、热水、充电", "热水")))
    station = Station.objects.get(code="QH-XN-0900")
    latest = station.history.first()
    assert latest.history_type == "~" and latest.history_user == organizer_xining
    assert [s.service_id for s in latest.services.all()] == [station.services.get().pk]


def snapshot(station: Station) -> dict:
    return {
        "fields": (station.name, station.kind, station.address, station.phone, station.is_24h,
                   station.union_id, station.region_id, round(station.location.x, 6), station.status),
        "services": sorted(s.code for s in station.services.all()),
        "service_codes": station.service_codes,
        "schedule": station.schedule,
        "periods": sorted((p.weekday, p.opens, p.closes) for p in station.periods.all()),
        # station_save adds a "~" row when it sets the services; the merge writes one "+"
        # row that already holds them. Either way: created, and the latest row is complete.
        "created": station.history.last().history_type,
        "latest_services": sorted(s.service.code for s in station.history.first().services.all()),
    }  # fmt: skip


def many(count: int, start: int = 0) -> bytes:
    rows = [
        f"QH-XN-M{i:04d},站{i},地址{i},{101.70 + i * 1e-4:.4f},36.6200,饮用水,8:00-20:00,,QH-XN-CZ,630103"
        for i in range(start, start + count)
    ]
    return csv(*rows)


@pytest.mark.postgis
def test_the_merge_is_set_based_the_same_statements_for_10_or_900_rows(network, organizer_xining):
    """Writes do not grow with the file: one COPY stream and the same merge statements."""
    counts = []
    for count, start in ((10, 0), (900, 100)):
        with CaptureQueriesContext(connection) as queries:
            report = run(organizer_xining, many(count, start))
        assert report.written and report.counts["new"] == count
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE", "WITH"))
        ]
        counts.append(len(writes))
        assert sum("INSERT INTO stations_station " in sql for sql in writes) == 1
    assert counts[0] == counts[1], counts
    assert Station.objects.filter(code__startswith="QH-XN-M").count() == 910


@pytest.mark.parametrize("bulk", [True, False], ids=["copy-merge", "services"])
def test_altitude_is_imported_and_a_blank_keeps_the_recorded_one(network, organizer_xining, bulk):
    header = HEADER + ",海拔（米）"
    report = run(organizer_xining, csv(ROW_A + ",2261米", ROW_B + ",", header=header), bulk=bulk)
    assert report.ok, report.to_dict()
    a, b = Station.objects.get(code="QH-XN-0900"), Station.objects.get(code="QH-XN-0901")
    assert (a.altitude_m, b.altitude_m) == (2261, None)
    # A blank altitude leaves the recorded one alone; a number changes it.
    again = run(organizer_xining, csv(ROW_A + ",", ROW_B + ",2300", header=header), bulk=bulk)
    assert again.counts["update"] == 1 and again.counts["unchanged"] == 1, again.to_dict()
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.altitude_m, b.altitude_m) == (2261, 2300)


def test_a_bad_altitude_names_its_column(network, organizer_xining):
    report = run(organizer_xining, csv(ROW_A + ",珠峰", header=HEADER + ",海拔"))
    assert not report.ok and not Station.objects.filter(code="QH-XN-0900").exists()
    [(line, column, message)] = errors_of(report)
    assert line == 2 and "海拔" in column and "珠峰" in message


def test_chinese_choices_read_the_same_when_the_page_is_in_english(network, organizer_xining):
    header = HEADER + ",状态"
    with translation.override("en"):
        report = run(organizer_xining, csv(ROW_A + ",暂停", header=header))
    assert report.ok, report.to_dict()
    assert Station.objects.get(code="QH-XN-0900").status == Station.Status.PAUSED


def test_services_and_hours_given_to_a_station_without_them_are_an_update(
    network, organizer_xining
):
    bare = "QH-XN-0902,北大街驿站,城中区北大街3号,101.7800,36.6200,,,,QH-XN-CZ,630103"
    assert run(organizer_xining, csv(bare)).counts["new"] == 1
    filled = "QH-XN-0902,北大街驿站,城中区北大街3号,101.7800,36.6200,热水,24小时,,QH-XN-CZ,630103"
    report = run(organizer_xining, csv(filled))
    assert report.counts["update"] == 1, report.to_dict()
    station = Station.objects.get(code="QH-XN-0902")
    assert station.is_24h and station.service_codes == ["hot_water"]
