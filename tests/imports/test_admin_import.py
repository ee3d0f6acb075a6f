"""Import and export in the admin: upload → preview → confirm, templates, scoping, and
the export of the change list as filtered."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import Station
from tests.factories import UserFactory
from tests.imports.test_station_import import ROW_A, ROW_B, csv

pytestmark = [pytest.mark.django_db]


def upload(client, data: bytes, name: str = "站点.csv", **fields):
    return client.post(
        reverse("admin:stations_station_import_file"),
        {"file": SimpleUploadedFile(name, data), "crs": "wgs84", **fields},
    )


def test_upload_previews_then_confirm_writes(client, network, organizer_xining):
    client.force_login(organizer_xining)
    page = client.get(reverse("admin:stations_station_changelist"))
    assert reverse("admin:stations_station_import_file").encode() in page.content
    response = upload(client, csv(ROW_A, ROW_B, encoding="gbk"))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "新增 2" in text and "这是预览，尚未写入" in text and "<script>" not in text
    assert not Station.objects.filter(code="QH-XN-0900").exists()
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert Station.objects.filter(code__in=["QH-XN-0900", "QH-XN-0901"]).count() == 2
    assert "已全部写入" in client.get(response["Location"]).content.decode()


def test_a_bad_file_shows_each_row_to_fix_and_offers_no_confirm(client, network, organizer_xining):
    client.force_login(organizer_xining)
    response = upload(client, csv(ROW_A, ROW_A, ROW_B.replace("城中区总工会", "格尔木市总工会")))
    text = client.get(response["Location"]).content.decode()
    assert "与第 2 行重复" in text and "无权管理" in text and "【所属工会】" in text
    assert "确认导入" not in text
    assert client.post(response["Location"]).status_code == 302
    assert not Station.objects.filter(code="QH-XN-0900").exists()


def test_wrong_extension_is_a_form_error(client, network, organizer_xining):
    client.force_login(organizer_xining)
    response = upload(client, b"%PDF", name="站点.pdf")
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()


def test_another_users_job_is_not_found(client, network, organizer_xining):
    client.force_login(organizer_xining)
    location = upload(client, csv(ROW_A))["Location"]
    client.force_login(UserFactory(username="root2", is_staff=True, is_superuser=True))
    seen = client.get(location)
    assert seen.status_code == 404
    assert "这是预览" not in seen.content.decode() and "新增 1" not in seen.content.decode()
    confirmed = client.post(location)  # nor can they confirm it
    assert confirmed.status_code == 404
    assert not Station.objects.filter(code="QH-XN-0900").exists()
    # The owner's job is still waiting for them, unconfirmed.
    client.force_login(organizer_xining)
    assert "这是预览，尚未写入" in client.get(location).content.decode()


def test_the_template_has_the_headers_a_sample_row_and_notes(client, network, organizer_xining):
    client.force_login(organizer_xining)
    response = client.get(reverse("admin:stations_station_import_template"))
    book = load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    header = [c.value for c in data[1]]
    assert header[:3] == ["站点编号", "站点名称", "英文名称"] and "开放时间" in header
    assert data[2][0].value == "QH-XN-0101"
    assert notes.title == "说明" and any("GBK" in (row[0].value or "") for row in notes.iter_rows())


def test_the_template_filled_in_imports(client, network, organizer_xining):
    client.force_login(organizer_xining)
    template = client.get(reverse("admin:stations_station_import_template")).content
    response = upload(client, template, name="模板.xlsx")
    text = client.get(response["Location"]).content.decode()
    assert "新增 1" in text and "出错 0" in text, text


def test_export_is_filtered_as_the_list_with_chinese_headers(client, network, organizer_xining):
    client.force_login(organizer_xining)
    url = reverse("admin:stations_station_export") + f"?union__id__exact={network.chengzhong.pk}"
    response = client.post(url, {"format": "1", "resource": "0",
                                 **{f"stationresource_{k}": "on" for k in ("code", "name")}})  # fmt: skip
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("站点编号,站点名称")
    assert [line.split(",")[0] for line in lines[1:]] == ["QH-XN-0001"]


def test_export_with_english_headers_imports_back_unchanged(client, network, organizer_xining):
    client.force_login(organizer_xining)
    upload(client, csv(ROW_A, ROW_B))
    job = upload(client, csv(ROW_A, ROW_B))["Location"]
    client.post(job)
    response = client.post(
        reverse("admin:stations_station_export") + "?code__startswith=QH-XN-09",
        {"format": "1", "resource": "1"},
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("code,name,name_en,kind")
    assert len(text.strip().splitlines()) == 3
    again = client.get(
        upload(client, text.encode(), name="export.csv")["Location"]
    ).content.decode()
    assert "未变 2" in again and "出错 0" in again


def test_an_import_uploaded_before_an_upgrade_runs_after_it(network, organizer_xining):
    """A job's state names its resource by dotted path; the resources moved into packages
    (issue 21), so a job uploaded under the old path still finds its resource."""
    from django.utils.module_loading import import_string

    from core.import_jobs import MOVED_RESOURCES, job_resource

    for old, new in MOVED_RESOURCES.items():
        resource = job_resource({"user_id": organizer_xining.pk, "resource": old, "options": {}})
        assert type(resource) is import_string(new)
        assert type(resource).__name__ == old.rpartition(".")[2]
