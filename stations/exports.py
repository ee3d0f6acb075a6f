"""CSV and XLSX files of the organizers' visit report (``selectors.visit_report``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.categories import WorkerCategory
from core.tabular import formula_safe, workbook_bytes

# A text cell starting with one of these is run as a formula by spreadsheet programs.


def report_header(report: dict[str, Any]) -> list[str]:
    """Column titles: station code, name, day or week, one per category, total."""
    labels = dict(WorkerCategory.choices)
    return [
        _("站点编号"),
        _("站点名称"),
        _("日期/周"),
        *[str(labels.get(code, code)) for code in report["categories"]],
        _("合计"),
    ]


def report_rows(report: dict[str, Any]) -> list[list[str | int]]:
    """One list per report row, in the order of :func:`report_header`."""
    return [
        [
            row["station"],
            row["name"],
            row["period"],
            *[row[code] for code in report["categories"]],
            row["total"],
        ]
        for row in report["rows"]
    ]


def visits_csv(report: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the Chinese correctly; header row first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([formula_safe(value) for value in report_header(report)])
    for row in report_rows(report):
        writer.writerow([formula_safe(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def visits_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet, header row in bold and frozen, counts stored as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "visits"
    header = report_header(report)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        sheet.append(row)
    widths = {0: 14, 1: 24, 2: 12}
    for index in range(len(header)):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = widths.get(index, 10)
    sheet.freeze_panes = "A2"
    return workbook_bytes(book)


def area_xlsx(table: Any, *, city_of: Any) -> bytes:
    """The province overview's table (``stations.views.province.AreaTable``) as XLSX: a
    sheet 各市州 (or 各县区) with the city in its own column, the report date as a date
    cell, numbers and rates as numbers, columns sized."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("各县区") if table.parent is not None else _("各市州")
    header = [_("市（州）"), _("工会"), _("工会编号")]
    for column in table.columns:
        if column.kind == "ratio":
            header += [f"{column.label}·{_('已发放')}", f"{column.label}·{_('目标')}"]
        elif column.kind == "percent":
            header.append(f"{column.label}（%）")
        else:
            header.append(str(column.label))
    header.append(_("统计日期"))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for union, values in table.rows:
        city = city_of(union, table.parent)
        line: list[Any] = [city.name, union.name, union.code]
        for column, value in zip(table.columns, values, strict=True):
            if column.kind == "ratio":
                line += [value[0] if value else 0, value[1] if value else None]
            else:
                line.append(value)
        line.append(table.today)
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text
        sheet.cell(row=sheet.max_row, column=len(header)).number_format = "yyyy-mm-dd"
    widths = [12, 18, 14] + [12] * (len(header) - 4) + [12]
    for index, width in enumerate(widths, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(width, min(24, len(header[index - 1]) * 2))
    sheet.freeze_panes = "C2"
    return workbook_bytes(book)
