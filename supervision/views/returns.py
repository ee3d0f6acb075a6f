"""The accident statistics, the quarterly or yearly accident return and the
labour-protection statistics, on the page and as the XLSX files unions send upward."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import time as local_time
from core.access import organizer_scope
from supervision import exports
from supervision.selectors import returns as return_selectors
from supervision.views._common import XLSX, union_or_own, year_param


@login_required
def accident_report(request: HttpRequest) -> HttpResponse:
    """The year's accident statistics for the union above, as XLSX."""
    scope = organizer_scope(request)
    union = union_or_own(scope, request.GET.get("union", ""))
    year = year_param(request.GET.get("year", ""))
    response = HttpResponse(
        exports.accident_report_xlsx(scope=scope, union=union, year=year), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="accidents-{union.code}-{year}.xlsx"'
    return response


@login_required
def accident_return(request: HttpRequest) -> HttpResponse:
    """The quarterly (``?quarter=1``–``4``) or yearly accident return, as XLSX."""
    scope = organizer_scope(request)
    union = union_or_own(scope, request.GET.get("union", ""))
    year = year_param(request.GET.get("year", ""))
    quarter_text = request.GET.get("quarter", "")
    if quarter_text not in ("", "1", "2", "3", "4"):
        raise Http404(_("季度应为 1 到 4。"))
    quarter = int(quarter_text) if quarter_text else None
    response = HttpResponse(
        exports.accident_return_xlsx(scope=scope, union=union, year=year, quarter=quarter),
        content_type=XLSX,
    )
    suffix = f"Q{quarter}" if quarter else "year"
    response["Content-Disposition"] = (
        f'attachment; filename="accident-return-{union.code}-{year}-{suffix}.xlsx"'
    )
    return response


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    """The accident return of a quarter or the year on the page (统计表 with subtotals up
    the tree), with the XLSX files unions send upward."""
    scope = organizer_scope(request)
    union = union_or_own(scope, request.GET.get("union", ""))
    today = local_time.today()
    year = year_param(request.GET.get("year", ""))
    quarter_text = request.GET.get("quarter", "")
    if quarter_text not in ("", "1", "2", "3", "4"):
        raise Http404(_("季度应为 1 到 4。"))
    quarter = int(quarter_text) if quarter_text else None
    data = return_selectors.accident_return(scope, union=union, year=year, quarter=quarter)
    rows = [
        {**row, "loss_wan": row["subtotal"]["direct_loss"] / 10000,
         "has_below": any(o is not row and o["union"].path.startswith(row["union"].path)
                          for o in data["rows"])}
        for row in data["rows"]
    ]  # fmt: skip
    return render(request, "supervision/returns.html", {
        "union": union, "year": year, "quarter": quarter, "rows": rows,
        "cases": data["cases"], "quarters": (1, 2, 3, 4), "this_year": today.year,
    })  # fmt: skip


@login_required
def protection_statistics(request: HttpRequest) -> HttpResponse:
    """The yearly labour-protection statistics table, as XLSX."""
    scope = organizer_scope(request)
    union = union_or_own(scope, request.GET.get("union", ""))
    year = year_param(request.GET.get("year", ""))
    response = HttpResponse(
        exports.labour_protection_xlsx(scope=scope, union=union, year=year), content_type=XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="labour-protection-{union.code}-{year}.xlsx"'
    )
    return response
