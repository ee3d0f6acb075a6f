"""The accident report for the union above (XLSX): subtotals rolled up the union tree, and
the year by month, accident type, cause, region and industry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.scoping import Scope
from core.tabular import workbook_bytes
from stations.models import Union
from supervision import selectors

HEAD = Font(bold=True)


def _head(sheet: Any, row: list[Any]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = HEAD


def accident_report_xlsx(*, scope: Scope, union: Union, year: int) -> bytes:
    counts = [_("事故起数"), _("死亡"), _("重伤"), _("轻伤")]
    book = Workbook()
    sheet = book.active
    sheet.title = _("按工会汇总")
    sheet.append([_("%(year)d 年职工伤亡事故统计") % {"year": year}, union.name])
    _head(sheet, [_("工会"), _("层级"), *[_("本级") + c for c in counts],
                  *[_("合计") + c for c in counts]])  # fmt: skip
    for row in selectors.accident_rollup(scope, union=union, year=year):
        sheet.append([
            "　" * row["depth"] + row["union"].name, row["depth"],
            *[row["own"][k] for k in selectors.COUNTS],
            *[row["subtotal"][k] for k in selectors.COUNTS],
        ])  # fmt: skip
    sheet.column_dimensions["A"].width = 30

    months = book.create_sheet(_("按月"))
    _head(months, [_("月份"), *counts])
    for row in selectors.accidents_by_month(scope, union=union, year=year):
        label = _("%(m)d 月") % {"m": row["month"]} if row["month"] else _("全年合计")
        months.append([label, *[row[k] for k in selectors.COUNTS]])

    titles = {"category": (_("按事故类别"), _("事故类别")), "cause": (_("按原因"), _("原因")),
              "region": (_("按区划"), _("区划")), "industry": (_("按行业"), _("行业"))}  # fmt: skip
    for by, (title, column) in titles.items():
        part = book.create_sheet(title)
        _head(part, [column, *counts])
        total = dict.fromkeys(selectors.COUNTS, 0)
        for row in selectors.accident_statistics(scope, union=union, year=year, by=by):
            part.append([row["label"], *[row[k] for k in selectors.COUNTS]])
            for k in selectors.COUNTS:
                total[k] += row[k]
        part.append([_("合计"), *[total[k] for k in selectors.COUNTS]])
    return workbook_bytes(book)
