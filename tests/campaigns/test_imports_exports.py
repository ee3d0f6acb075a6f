"""Goods receipts imported from a spreadsheet through the ledger, and the admin exports of
campaigns, hand-outs and visits: filtered as the list is, Chinese headers, nobody named."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Distribution, StockEntry, StockLevel
from campaigns.resources import ReceiptResource
from campaigns.services import ledger
from core import time as local_time
from core.identity import worker_key
from core.importing import import_file
from stations.services.visits import VisitInput, visit_record_batch

pytestmark = [pytest.mark.django_db]

HEADER = "入库单号,仓库,物资,批号,有效期至,数量,关爱活动"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("gbk")


def run(actor, data: bytes, *, dry_run: bool = False):
    return import_file(ReceiptResource(actor=actor), data, filename="入库.csv", dry_run=dry_run)


def rows(stock) -> tuple[str, str]:
    return (
        f"RK-001,DEPOT-XN,water,B1,2028-05-01,240,{stock.campaign.name}",
        "RK-001,西宁市总工会仓库,遮阳帽,,,50,",
    )


def test_receipts_post_ledger_entries_and_a_second_import_changes_nothing(
    network, stock, organizer_xining
):
    report = run(organizer_xining, csv(*rows(stock)))
    assert report.written and report.counts["new"] == 2, report.to_dict()
    level = StockLevel.objects.get(location=stock.depot, lot__item=stock.water)
    assert (
        level.quantity == 240
        and level.lot.batch == "B1"
        and level.lot.expires_on == dt.date(2028, 5, 1)
    )
    assert StockEntry.objects.filter(movement__reason="入库单 RK-001").count() == 2
    again = run(organizer_xining, csv(*rows(stock)))
    assert again.counts == {"new": 0, "update": 0, "unchanged": 2, "error": 0}
    assert StockLevel.objects.get(location=stock.depot, lot__item=stock.water).quantity == 240


def test_a_changed_quantity_of_a_received_note_is_refused(network, stock, organizer_xining):
    run(organizer_xining, csv(*rows(stock)))
    report = run(organizer_xining, csv(rows(stock)[0].replace(",240,", ",250,"), rows(stock)[1]))
    assert not report.written
    assert "盘点调整" in report.rows[0]["errors"][0]["message"]
    assert StockLevel.objects.get(location=stock.depot, lot__item=stock.water).quantity == 240


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("RK-002,DEPOT-XN,water,,,-5,", "数量", "正整数"),
        ("RK-002,DEPOT-XN,矿泉水桶,,,5,", "物资", "未知的物资"),
        ("RK-002,DEPOT-XN,water,,2028-13-01,5,", "有效期至", "不是日期"),
        ("RK-002,NOWHERE,water,,,5,", "仓库", "未知的库存地点"),
    ],
)
def test_bad_receipt_rows_write_nothing(network, stock, organizer_xining, row, column, message):
    report = run(organizer_xining, csv(rows(stock)[1].replace("RK-001", "RK-002"), row))
    errors = [(e["column"], e["message"]) for r in report.rows for e in r["errors"]]
    assert any(c == column and message in m for c, m in errors), errors
    assert not StockEntry.objects.filter(movement__reason="入库单 RK-002").exists()


def test_receipts_into_another_unions_stock_are_refused(network, stock, organizer_golmud):
    report = run(organizer_golmud, csv(*rows(stock)))
    assert "无权管理" in report.rows[0]["errors"][0]["message"]
    assert not StockEntry.objects.exists()


def test_receipts_export_then_import_changes_nothing(network, stock, organizer_xining):
    run(organizer_xining, csv(*rows(stock)))
    data = ReceiptResource().export().export("csv").encode("utf-8")
    assert data.decode().splitlines()[0] == HEADER
    report = run(organizer_xining, data, dry_run=True)
    assert report.ok and report.counts["unchanged"] == 2, report.to_dict()


def export(client, name: str, query: str = "") -> str:
    response = client.post(
        reverse(f"admin:{name}_export") + query, {"format": "1", "resource": "0"}
    )
    assert response.status_code == 200, response.content[:300]
    return response.content.decode("utf-8-sig")


def test_distribution_export_names_nobody_and_follows_the_list_filter(
    client, network, stock, organizer_xining
):
    run(organizer_xining, csv(*rows(stock)))
    phone = "13912345678"
    ledger.stock_distribute(actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
                            quantity=1, category="courier", phone=phone, on=dt.date(2027, 6, 2))  # fmt: skip
    ledger.stock_distribute(actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
                            quantity=20, category="sanitation", workers=20, on=dt.date(2027, 6, 2))  # fmt: skip
    client.force_login(organizer_xining)
    text = export(client, "campaigns_distribution")
    assert text.splitlines()[0].startswith(
        "发放日期,关爱活动,发放地点,物资,数量,劳动者类别,覆盖人数"
    )
    assert len(text.strip().splitlines()) == 3
    key = Distribution.objects.exclude(worker_key="").get().worker_key
    assert key not in text and phone not in text and worker_key(phone) not in text
    filtered = export(client, "campaigns_distribution", "?category=sanitation")
    assert len(filtered.strip().splitlines()) == 2 and "环卫工人" in filtered


def test_campaign_export_is_scoped(client, network, stock, organizer_golmud):
    client.force_login(organizer_golmud)
    text = export(client, "campaigns_campaign")
    assert text.splitlines()[0].startswith("活动名称,类型")
    assert stock.campaign.name not in text


def test_visit_export_names_nobody(client, network, staff_xining, organizer_xining):
    moment = (local_time.now() - dt.timedelta(hours=1)).isoformat()
    (outcome,) = visit_record_batch(actor=staff_xining, visits=[VisitInput(
        uuid=str(uuid.uuid4()), station="QH-XN-0001", occurred_at=moment, category="courier",
        services=[])])  # fmt: skip
    assert outcome.status == "created", outcome
    client.force_login(organizer_xining)
    text = export(client, "stations_visit")
    assert text.splitlines()[0] == "到访时间,站点编号,站点名称,劳动者类别,使用的服务"
    assert "QH-XN-0001" in text and "快递员" in text
    assert staff_xining.username not in text


def test_the_receipts_command(network, stock, tmp_path):
    path = tmp_path / "入库.csv"
    path.write_bytes(csv(*rows(stock)))
    out = io.StringIO()
    call_command("import_receipts", str(path), "--no-progress", stdout=out)
    assert "2 rows: 2 new" in out.getvalue()
    assert StockLevel.objects.get(location=stock.depot, lot__item=stock.water).quantity == 240


def test_receipts_import_in_the_admin_ledger(client, network, stock, organizer_xining):
    client.force_login(organizer_xining)
    listing = client.get(reverse("admin:campaigns_stockentry_changelist")).content.decode()
    assert reverse("admin:campaigns_stockentry_import_file") in listing
    response = client.post(reverse("admin:campaigns_stockentry_import_file"),
                           {"file": SimpleUploadedFile("入库.csv", csv(*rows(stock)))})  # fmt: skip
    assert response.status_code == 302
    assert "新增 2" in client.get(response["Location"]).content.decode()
    client.post(response["Location"])
    assert StockLevel.objects.get(location=stock.depot, lot__item=stock.water).quantity == 240
