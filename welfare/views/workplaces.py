"""The organizers' layer of special-environment workplaces and the hot-days export."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.access import organizer_required, organizer_scope
from core.tabular import formula_safe
from welfare.forms import HotDaysForm
from welfare.models import Hazard
from welfare.selectors.forecasts import hot_day_threshold, hot_days
from welfare.selectors.workplaces import organizer_overview


@login_required
def workplace_map(request: HttpRequest) -> HttpResponse:
    """The organizers' layer of special-environment workplaces (not public)."""
    scope = organizer_scope(request)
    return render(
        request,
        "welfare/workplaces.html",
        {
            "hazards": Hazard.choices,
            "hot_day_threshold": hot_day_threshold(),
            **organizer_overview(scope=scope),
        },
    )


@organizer_required
def hot_days_csv(request: HttpRequest) -> HttpResponse:
    """Hot days per region in a year (they decide the heat allowance)."""
    form = HotDaysForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            " ".join(form.errors["year"]), status=400, content_type="text/plain; charset=utf-8"
        )
    year = form.cleaned_data["year"]
    threshold = hot_day_threshold()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("区划代码"), _("区划"), _("%(t)s°C 以上天数") % {"t": f"{threshold:g}"}, _("日期")]
    )
    for row in hot_days(year=year, threshold=threshold):
        writer.writerow(
            [
                row["region"],
                formula_safe(row["name"]),
                len(row["days"]),
                " ".join(d.isoformat() for d in row["days"]),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hot-days-{year}.csv"'
    return response
