"""The campaign summary in the shape unions report upward (XLSX)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from campaigns.models import Campaign
from core.categories import WorkerCategory
from core.tabular import workbook_bytes


def campaign_summary_xlsx(*, campaign: Campaign, dashboard: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "summary"
    sheet.append([_("活动"), campaign.name])
    sheet.append([_("时间"), f"{campaign.starts_on} – {campaign.ends_on}"])
    sheet.append([_("范围（工会）"), campaign.union.name])
    sheet.append([_("涉及站点和发放点"), dashboard["locations_involved"]])
    sheet.append([_("覆盖人数"), dashboard["reached"]])
    sheet.append([_("目标覆盖人数"), campaign.target_workers])
    sheet.append([_("预算（元）"), float(campaign.budget)])
    sheet.append([_("支出（元）"), float(dashboard["spend"])])
    sheet.append([])
    sheet.append([_("劳动者类别"), _("覆盖人数"), _("目标")])
    for code, label in WorkerCategory.choices:
        sheet.append([str(label), dashboard["by_category"].get(code, 0),
                      campaign.category_targets.get(code, 0)])  # fmt: skip
    sheet.append([])
    sheet.append([_("物资"), _("单位"), _("发放数量")])
    for row in dashboard["items"]:
        sheet.append([row["item__name"], row["item__unit"], row["quantity"]])
    sheet.append([])
    sheet.append([_("地区"), _("覆盖人数")])
    for region, n in dashboard["by_region"]:
        sheet.append([region, n])
    return workbook_bytes(book)
