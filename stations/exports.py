"""CSV and XLSX files of the organizers' visit report."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from stations.models import Visit


def report_header() -> list[str]:
    labels = dict(Visit.Category.choices)
    return [
        _("站点编号"),
        _("站点名称"),
        _("日期/周"),
        *[str(labels[c]) for c in Visit.Category.values],
        _("合计"),
    ]


def report_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [row["station"], row["name"], row["period"], *[row[c] for c in report["categories"]],
         row["total"]]
        for row in report["rows"]
    ]  # fmt: skip


def visits_csv(report: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report_header())
    writer.writerows(report_rows(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def visits_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "visits"
    sheet.append(report_header())
    for row in report_rows(report):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
