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
from supervision.selectors.accidents import (
    COUNTS,
    accident_rollup,
    accident_statistics,
    accidents_by_month,
)
from supervision.selectors.returns import (
    RETURN_COUNTS,
    accident_return,
    labour_protection_statistics,
)

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
    for row in accident_rollup(scope, union=union, year=year):
        sheet.append([
            "　" * row["depth"] + row["union"].name, row["depth"],
            *[row["own"][k] for k in COUNTS],
            *[row["subtotal"][k] for k in COUNTS],
        ])  # fmt: skip
    sheet.column_dimensions["A"].width = 30

    months = book.create_sheet(_("按月"))
    _head(months, [_("月份"), *counts])
    for row in accidents_by_month(scope, union=union, year=year):
        label = _("%(m)d 月") % {"m": row["month"]} if row["month"] else _("全年合计")
        months.append([label, *[row[k] for k in COUNTS]])

    titles = {"category": (_("按事故类别"), _("事故类别")), "cause": (_("按原因"), _("原因")),
              "region": (_("按区划"), _("区划")), "industry": (_("按行业"), _("行业"))}  # fmt: skip
    for by, (title, column) in titles.items():
        part = book.create_sheet(title)
        _head(part, [column, *counts])
        total = dict.fromkeys(COUNTS, 0)
        for row in accident_statistics(scope, union=union, year=year, by=by):
            part.append([row["label"], *[row[k] for k in COUNTS]])
            for k in COUNTS:
                total[k] += row[k]
        part.append([_("合计"), *[total[k] for k in COUNTS]])
    return workbook_bytes(book)


def accident_return_xlsx(
    *, scope: Scope, union: Union, year: int, quarter: int | None = None
) -> bytes:
    """The accident return as unions file it upward: 统计表 (each union with its own figures
    and its subtree's subtotal) and 情况表 (each case), for a quarter or the year."""
    data = accident_return(scope, union=union, year=year, quarter=quarter)
    period = (
        _("%(year)d 年第 %(q)d 季度") % {"year": year, "q": quarter}
        if quarter
        else _("%(year)d 年") % {"year": year}
    )
    figures = [
        _("事故起数"), _("死亡人数"), _("重伤人数"), _("轻伤人数"), _("损失工作日"),
        _("直接经济损失（万元）"), _("一般事故"), _("较大事故"), _("重大事故"),
        _("特别重大事故"), _("职业危害事件"),
    ]  # fmt: skip

    def values(row: dict[str, Any]) -> list[Any]:
        out = [row[k] for k in RETURN_COUNTS]
        out[5] = float(row["direct_loss"] / 10000)  # 万元
        return out

    book = Workbook()
    sheet = book.active
    sheet.title = _("统计表")
    sheet.append([_("%(period)s职工伤亡事故统计表") % {"period": period}])
    sheet.append([_("填报单位：%(u)s") % {"u": union.name}])
    _head(sheet, [_("工会"), _("本级或合计"), *figures])
    for row in data["rows"]:
        name = "　" * row["depth"] + row["union"].name
        has_below = any(
            other["union"].path.startswith(row["union"].path) and other is not row
            for other in data["rows"]
        )
        if has_below:
            sheet.append([name, _("本级"), *values(row["own"])])
            sheet.append([name, _("合计"), *values(row["subtotal"])])
            for cell in sheet[sheet.max_row]:
                cell.font = HEAD
        else:
            sheet.append([name, _("本级"), *values(row["own"])])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 10
    for column in "CDEFGHIJKLM":
        sheet.column_dimensions[column].width = 11
    sheet.freeze_panes = "C4"

    cases = book.create_sheet(_("情况表"))
    cases.append([_("%(period)s职工伤亡事故情况表") % {"period": period}])
    _head(cases, [
        _("序号"), _("事故单位"), _("所属工会"), _("行业"), _("发生日期"), _("发生地点"),
        _("性质"), _("事故类别"), _("主要原因"), _("事故等级"), _("死亡人数"), _("重伤人数"),
        _("轻伤人数"), _("损失工作日"), _("直接经济损失（元）"), _("四不放过"), _("状态"),
    ])  # fmt: skip
    for n, case in enumerate(data["cases"], start=1):
        cases.append([
            n, case.workplace.name, case.workplace.union.name, case.workplace.industry,
            case.occurred_on, case.place, case.get_kind_display(), case.get_category_display(),
            case.get_cause_display(), case.get_grade_display(), case.deaths, case.serious,
            case.minor, case.workdays or 0, float(case.direct_loss), f"{case.checks_done}/4",
            case.get_status_display(),
        ])  # fmt: skip
        cases.cell(row=cases.max_row, column=5).number_format = "yyyy-mm-dd"
    widths = (6, 28, 20, 10, 12, 20, 14, 12, 16, 12, 9, 9, 9, 11, 16, 10, 8)
    for column, width in zip("ABCDEFGHIJKLMNOPQ", widths, strict=True):
        cases.column_dimensions[column].width = width
    return workbook_bytes(book)


def labour_protection_xlsx(*, scope: Scope, union: Union, year: int) -> bytes:
    """The yearly labour-protection statistics table (工会劳动保护工作统计表): each union
    with its own figures and, where unions lie below it, the subtotal of its subtree."""
    rows = labour_protection_statistics(scope, union=union, year=year)
    heads = [
        _("监督检查委员会（个）"), _("劳动保护监督检查员（人）"), _("检查企业（家）"),
        _("检查（次）"), _("发现隐患问题（项）"), _("已整改（项）"), _("整改率"),
        _("安康杯参赛单位（家）"), _("安康杯参赛班组（个）"), _("培训宣传（次）"),
        _("培训学时"), _("培训职工（人次）"), _("其中农民工（人次）"),
    ]  # fmt: skip
    keys = ["committees", "appointed_inspectors", "enterprises_inspected", "inspections",
            "findings", "findings_rectified", "rate", "cup_units", "cup_groups", "trainings",
            "training_hours", "trained", "migrant_trained"]  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.title = _("劳动保护统计表")
    sheet.append([_("%(year)d 年工会劳动保护工作统计表") % {"year": year}])
    sheet.append([_("填报单位：%(u)s") % {"u": union.name}])
    _head(sheet, [_("工会"), _("本级或合计"), *heads])
    for row in rows:
        name = "　" * row["depth"] + row["union"].name
        has_below = any(o is not row and o["union"].path.startswith(row["union"].path)
                        for o in rows)  # fmt: skip
        for label, figures in ((_("本级"), row["own"]), (_("合计"), row["subtotal"])):
            if label == _("合计") and not has_below:
                continue
            values = [float(figures[k]) if k == "training_hours" else figures[k] for k in keys]
            sheet.append([name, label, *values])
            sheet.cell(row=sheet.max_row, column=9).number_format = "0.0%"
            if label == _("合计"):
                for cell in sheet[sheet.max_row]:
                    cell.font = HEAD
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 10
    for n in range(3, 3 + len(heads)):
        sheet.column_dimensions[sheet.cell(row=3, column=n).column_letter].width = 14
    sheet.freeze_panes = "C4"
    return workbook_bytes(book)
