"""Workplaces, rosters and health checks imported from spreadsheets through the welfare
services; exports of workplaces carry no personal data and import back unchanged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from core.importing import import_file
from core.tabular import xlsx_bytes
from tests.welfare.factories import WorkplaceFactory, credit_code
from welfare.models import HealthCheck, Worker, Workplace
from welfare.resources.workers import HealthCheckResource, WorkerResource
from welfare.resources.workplaces import WorkplaceResource
from welfare.services.health import phone_key_of

pytestmark = [pytest.mark.django_db]

CODE_A, CODE_B = credit_code(1), credit_code(2)
WP_HEADER = "统一社会信用代码,企业名称,地址,经纬度,行政区划,所属工会,行业,危害因素,联系人,联系电话"


def csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("gbk")


def run(resource, data: bytes, *, dry_run: bool = False, name: str = "表.csv"):
    return import_file(resource, data, filename=name, dry_run=dry_run)


def errors_of(report):
    return [(r["line"], e["column"], e["message"]) for r in report.rows for e in r["errors"]]


def wp_rows():
    return (
        f'{CODE_A},西宁建工,城中区南川东路1号,"101.7752,36.6210",630103,QH-XN-CZ,建筑业,"高温 12、粉尘 3",王经理,0971-1234567',
        f'{CODE_B},城中环卫,城中区西大街9号,"101.78,36.62",城中区,城中区总工会,环卫,高温,,',
    )


def test_workplaces_import_with_hazards_and_an_update_keeps_history(network, organizer_xining):
    report = run(WorkplaceResource(actor=organizer_xining), csv(WP_HEADER, *wp_rows()))
    assert report.written and report.counts["new"] == 2, report.to_dict()
    a = Workplace.objects.get(credit_code=CODE_A)
    assert {h.hazard: h.exposed for h in a.hazards.all()} == {"high_temperature": 12, "dust": 3}
    assert a.contact_name == "王经理" and a.union == network.chengzhong
    changed = wp_rows()[0].replace("西宁建工", "西宁建工集团")
    report = run(WorkplaceResource(actor=organizer_xining), csv(WP_HEADER, changed, wp_rows()[1]))
    assert report.counts == {"new": 0, "update": 1, "unchanged": 1, "error": 0}
    assert report.rows[0]["changed"] == ["企业名称"]
    a.refresh_from_db()
    assert a.name == "西宁建工集团" and a.history.count() == 2


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (wp_rows()[0].replace(CODE_A, CODE_A[:-1] + "0"), "统一社会信用代码", "校验位"),
        (wp_rows()[0].replace("QH-XN-CZ", "QH-HX-GEM"), "所属工会", "无权管理"),
        (wp_rows()[0].replace("101.7752,36.6210", "36.6210,101.7752"), "经纬度", "填反"),
        (wp_rows()[0].replace("高温 12", "辐射 2"), "危害因素", "辐射"),
    ],
)
def test_a_bad_workplace_row_writes_nothing(network, organizer_xining, row, column, message):
    report = run(WorkplaceResource(actor=organizer_xining), csv(WP_HEADER, row, wp_rows()[1]))
    assert not report.written
    assert any(c == column and message in m for _l, c, m in errors_of(report)), errors_of(report)
    assert Workplace.objects.count() == 0


def test_workplace_export_has_no_personal_data_and_imports_unchanged(
    client, network, organizer_xining
):
    run(WorkplaceResource(actor=organizer_xining), csv(WP_HEADER, *wp_rows()))
    client.force_login(organizer_xining)
    response = client.post(
        reverse("admin:welfare_workplace_export"), {"format": "1", "resource": "0"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "王经理" not in text and "0971-1234567" not in text and "联系人" not in text
    assert text.splitlines()[0].startswith("统一社会信用代码,企业名称")
    report = run(WorkplaceResource(actor=organizer_xining), text.encode("utf-8"), dry_run=True)
    assert report.ok and report.counts["unchanged"] == 2, report.to_dict()


WK_HEADER = "统一社会信用代码,姓名,身份证后四位,手机号,岗位,接触危害因素,劳动者类别"
HC_HEADER = "统一社会信用代码,姓名,身份证后四位,手机号,体检类型,体检日期,结论,备注"


def test_a_roster_and_its_health_checks_import(network, organizer_xining):
    WorkplaceFactory(credit_code=CODE_A, union=network.chengzhong)
    roster = csv(WK_HEADER, f"{CODE_A},张三,123X,138 0000 0000,焊工,高温、噪声,建筑工人",
                 f"{CODE_A},李四,5678,,司机,,")  # fmt: skip
    report = run(WorkerResource(actor=organizer_xining, options={"consent": True}), roster)
    assert report.written and report.counts["new"] == 2, report.to_dict()
    zhang = Worker.objects.get(name="张三")
    assert zhang.phone_key == phone_key_of("13800000000") and "13800000000" not in str(
        zhang.__dict__
    )
    assert zhang.hazards == ["high_temperature", "noise"] and zhang.category == "construction"
    again = run(
        WorkerResource(actor=organizer_xining, options={"consent": True}), roster, dry_run=True
    )
    assert again.counts["unchanged"] == 2
    checks = csv(HC_HEADER, f"{CODE_A},张三,,13800000000,在岗期间,2026-05-20,未见异常,",
                 f"{CODE_A},李四,5678,,上岗前,2026/05/21,需复查,血压偏高")  # fmt: skip
    report = run(HealthCheckResource(actor=organizer_xining), checks)
    assert report.written and report.counts["new"] == 2, report.to_dict()
    assert HealthCheck.objects.get(worker__name="李四").result == "review"
    assert (
        run(HealthCheckResource(actor=organizer_xining), checks, dry_run=True).counts["unchanged"]
        == 2
    )


def test_a_roster_without_consent_writes_nothing(network, organizer_xining):
    WorkplaceFactory(credit_code=CODE_A, union=network.chengzhong)
    report = run(WorkerResource(actor=organizer_xining), csv(WK_HEADER, f"{CODE_A},张三,123X,,,,"))
    assert not report.written and "同意" in errors_of(report)[0][2]
    assert Worker.objects.count() == 0


def test_a_check_for_an_unknown_worker_is_a_row_error(network, organizer_xining):
    WorkplaceFactory(credit_code=CODE_A, union=network.chengzhong)
    report = run(HealthCheckResource(actor=organizer_xining),
                 csv(HC_HEADER, f"{CODE_A},王五,9999,,在岗期间,2026-05-20,未见异常,"))  # fmt: skip
    assert "请先导入名册" in errors_of(report)[0][2]
    assert HealthCheck.objects.count() == 0


def test_the_commands_import_workplaces_rosters_and_checks(network, tmp_path):
    path = tmp_path / "单位.csv"
    path.write_bytes(csv(WP_HEADER, *wp_rows()))
    out = io.StringIO()
    call_command("import_workplaces", str(path), "--crs", "wgs84", "--no-progress", stdout=out)
    assert "2 rows: 2 new" in out.getvalue() and Workplace.objects.count() == 2
    roster = tmp_path / "名册.xlsx"
    roster.write_bytes(xlsx_bytes(WK_HEADER.split(","), [[CODE_A, "张三", "123X", "", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_workers", str(roster), "--no-progress", stdout=io.StringIO())
    assert Worker.objects.count() == 0
    out = io.StringIO()
    try:
        call_command("import_workers", str(roster), "--consent", "--no-progress", stdout=out)
    except CommandError:
        raise AssertionError(out.getvalue()) from None
    assert Worker.objects.get().name == "张三", out.getvalue()
    checks = tmp_path / "体检.csv"
    checks.write_bytes(csv(HC_HEADER, f"{CODE_A},张三,123X,,在岗期间,2026-05-20,未见异常,"))
    call_command(
        "import_health_checks", str(checks), "--dry-run", "--no-progress", stdout=io.StringIO()
    )
    assert HealthCheck.objects.count() == 0
    call_command("import_health_checks", str(checks), "--no-progress", stdout=io.StringIO())
    assert HealthCheck.objects.count() == 1


def test_a_roster_in_the_admin_needs_the_consent_box(client, network, organizer_xining):
    WorkplaceFactory(credit_code=CODE_A, union=network.chengzhong)
    client.force_login(organizer_xining)
    url = reverse("admin:welfare_worker_import_file")
    data = csv(WK_HEADER, f"{CODE_A},张三,123X,,,,")
    refused = client.post(url, {"file": SimpleUploadedFile("名册.csv", data)})
    assert refused.status_code == 200 and "consent" in refused.context["form"].errors
    response = client.post(url, {"file": SimpleUploadedFile("名册.csv", data), "consent": "on"})
    assert response.status_code == 302
    client.post(response["Location"])
    assert Worker.objects.get().name == "张三"
    # rosters are never exported
    assert client.get(reverse("admin:welfare_worker_changelist")).status_code == 200
    with pytest.raises(NoReverseMatch):
        reverse("admin:welfare_worker_export")
