"""Issue 24: imports that forgive clerks. Services are known by their aliases too (seeded,
extended by organizers in the admin); an unknown service name is a warning that keeps the
row without it, summed up by name with one action to add an alias; errors that refuse a
row stay errors, and every error of a row is reported."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import PermissionDenied as DomainPermissionDenied
from stations.exceptions import StationsError
from stations.models import Service, ServiceAlias, Station
from stations.services.service_aliases import service_alias_save
from tests.factories import UserFactory
from tests.imports.test_station_import import HEADER, ROW_A, ROW_B, csv, errors_of, run

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _aliases():
    """The seeded aliases (a transactional test elsewhere may have flushed them)."""
    import_module("stations.migrations.0010_service_alias_home_choice").load(apps, None)


def test_the_ways_clerks_write_services_are_known(network, organizer_xining):
    row = ROW_A.replace("饮用水、热水、充电", "开水、厕所、ＷＩＦＩ、Wi-Fi、电瓶车充电")
    report = run(organizer_xining, csv(row))
    assert report.ok and report.written and report.unknown == []
    station = Station.objects.get(code="QH-XN-0900")
    assert station.service_codes == ["hot_water", "toilet", "ebike_charging", "wifi"]


def test_an_unknown_service_is_a_warning_and_the_row_is_kept(network, organizer_xining):
    rows = [
        ROW_A.replace("饮用水、热水、充电", "饮用水、按摩椅、热水"),
        ROW_B.replace("微波炉", "按摩椅、足疗"),
        ROW_A.replace("QH-XN-0900", "QH-XN-0902").replace("饮用水、热水、充电", "按摩椅"),
    ]
    preview = run(organizer_xining, csv(*rows), dry_run=True)
    assert preview.ok and preview.counts["new"] == 3
    by_line = {r["line"]: r for r in preview.rows}
    assert by_line[2]["warnings"][0]["column"] == "服务内容"
    assert "按摩椅" in by_line[2]["warnings"][0]["message"]
    assert [(u["value"], u["rows"], u["lines"]) for u in preview.unknown] == [
        ("按摩椅", 3, [2, 3, 4]), ("足疗", 1, [3]),
    ]  # fmt: skip
    add = preview.unknown[0]["action"]["url"]
    assert add == reverse("admin:stations_servicealias_add") + "?alias=" + quote("按摩椅")
    report = run(organizer_xining, csv(*rows))
    assert report.written
    assert Station.objects.get(code="QH-XN-0900").service_codes == ["water", "hot_water"]
    assert Station.objects.get(code="QH-XN-0901").service_codes == []


def test_an_alias_added_in_the_admin_is_known_by_the_next_import(client, network, organizer_xining):
    report = run(organizer_xining, csv(ROW_A.replace("饮用水、热水、充电", "按摩椅")), dry_run=True)
    organizer_xining.is_staff = True
    organizer_xining.save()
    client.force_login(organizer_xining)
    add = client.get(report.unknown[0]["action"]["url"])
    assert add.status_code == 200 and 'value="按摩椅"' in add.content.decode()
    rest = Service.objects.get(code="rest")
    saved = client.post(reverse("admin:stations_servicealias_add"),
                        {"alias": "按摩椅", "service": rest.pk})  # fmt: skip
    assert saved.status_code == 302
    assert ServiceAlias.objects.get(alias="按摩椅").service == rest
    again = run(organizer_xining, csv(ROW_A.replace("饮用水、热水、充电", "按摩椅")))
    assert again.written and again.unknown == []
    assert Station.objects.get(code="QH-XN-0900").service_codes == ["rest"]


def test_an_alias_means_one_service_and_only_organizers_add_them(network, organizer_xining):
    water = Service.objects.get(code="water")
    for word in ("热水", "HOT WATER", "开水"):  # another service's name, English name, alias
        with pytest.raises(StationsError) as refused:
            service_alias_save(
                actor=organizer_xining, alias=ServiceAlias(alias=word, service=water)
            )
        assert refused.value.field == "alias"
    stranger = UserFactory(username="no-role")
    with pytest.raises(DomainPermissionDenied) as denied:
        service_alias_save(actor=stranger, alias=ServiceAlias(alias="白开水", service=water))
    assert "组织者" in str(denied.value)
    assert not ServiceAlias.objects.filter(alias="白开水").exists()


def test_errors_that_refuse_a_row_stay_errors_and_every_one_is_reported(network, organizer_xining):
    both = ROW_A.replace("101.7752", "东经101度").replace("饮用水、热水、充电", "按摩椅")
    twice = ROW_A.replace("周一至周五 9:00-17:00，周六日 10:00-16:00", "看心情").replace(
        "630103", "999999"
    )
    report = run(organizer_xining, csv(ROW_A, both, twice))
    assert not report.written and report.counts["error"] == 2
    errors = errors_of(report)
    line3 = [(c, m) for n, c, m in errors if n == 3]
    line4 = [(c, m) for n, c, m in errors if n == 4]
    # Line 3: bad coordinates and a duplicate code — both, with the unknown service a warning.
    assert any(c == "经度" for c, _m in line3) and any("与第 2 行重复" in m for _c, m in line3)
    assert next(r for r in report.rows if r["line"] == 3)["warnings"][0]["column"] == "服务内容"
    # Line 4: hours, region and the duplicate code, all three.
    assert {c for c, _m in line4} == {"开放时间", "行政区划", "站点编号"}
    assert not Station.objects.filter(code="QH-XN-0900").exists()


def test_the_admin_preview_lists_unknown_names_with_the_action(client, network, organizer_xining):
    client.force_login(organizer_xining)
    data = csv(ROW_A.replace("饮用水、热水、充电", "饮用水、按摩椅"), ROW_B)
    response = client.post(
        reverse("admin:stations_station_import_file"),
        {"file": SimpleUploadedFile("站点.csv", data), "crs": "wgs84"},
    )
    text = client.get(response["Location"]).content.decode()
    assert 'id="import-unknown"' in text and "按摩椅" in text and "添加为服务项目别名" in text
    assert "确认导入" in text  # a warning does not stop the import
    assert HEADER.split(",")[0] == "站点编号"
