"""The campaign list, the dashboard and its summary export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns import exports
from campaigns.selectors.campaigns import (
    campaign_dashboard,
    campaigns_visible,
    transfers_in_transit,
    transfers_in_transit_count,
)
from campaigns.views._common import campaign_for_organizer
from core import time as local_time
from core.access import organizer_required


@organizer_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible(actor=request.user)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


#: Rows of a long list shown before the rest is folded away (or paged) on a phone.
FOLD_AFTER = 10
DASHBOARD_STOCK_ROWS = 20


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_organizer(request, pk)
    data = campaign_dashboard(campaign=campaign, on=local_time.today())
    alerts = data["alerts"]
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "d": data,
            "by_day": [(f"{day:%m-%d}", n) for day, n in data["by_day"]],
            "progress": round(100 * data["reached"] / campaign.target_workers)
            if campaign.target_workers
            else None,
            "alerts_first": alerts[:FOLD_AFTER],
            "alerts_rest": alerts[FOLD_AFTER:],
            "expired_count": sum(1 for a in alerts if a.kind == "expired"),
            "transfers": transfers_in_transit(campaign=campaign),
            "transfers_count": transfers_in_transit_count(campaign=campaign),
            "fold_after": FOLD_AFTER,
            "stock_rows": data["stock"][:DASHBOARD_STOCK_ROWS],
            "stock_more": max(0, len(data["stock"]) - DASHBOARD_STOCK_ROWS),
        },
    )


@login_required
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_organizer(request, pk)
    data = campaign_dashboard(campaign=campaign, on=local_time.today())
    response = HttpResponse(
        exports.campaign_summary_xlsx(campaign=campaign, dashboard=data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-summary.xlsx"'
    return response
