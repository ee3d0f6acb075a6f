"""The province overview: one row per city (a tap shows its counties) with the figures
each app registers as an area column (``stations.panels``), and its XLSX export.

Any organizer may open it for the unions under them; the province's organizers and admins
land here after login (``config.navigation``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import time as local_time
from core.access import organizer_scope
from stations import exports
from stations.models import Union
from stations.overview import area_rows
from stations.panels import AreaColumn, area_columns

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class AreaTable:
    parent: Union | None
    columns: list[AreaColumn]
    rows: list[tuple[Union, list[Any]]]
    totals: list[Any]
    today: dt.date


def _parent(request: HttpRequest) -> Union | None:
    scope = organizer_scope(request)
    code = request.GET.get("union", "").strip()[:40]
    if not code:
        return None
    union = Union.objects.filter(code=code).first()
    if union is None or not scope.covers_union(union):
        raise Http404(_("没有编号为 %(code)s 的工会，或它不在您的管理范围内。") % {"code": code})
    return union


def _total(column: AreaColumn, values: list[Any]) -> Any:
    if column.kind == "ratio":
        done = sum(v[0] for v in values if v)
        targets = {v[1] for v in values if v and v[1]}
        # Rows measured against one shared (province) target add up against it once.
        target = targets.pop() if len(targets) == 1 else (sum(targets) or None)
        return (done, target)
    if column.kind == "percent":
        return None  # a rate does not add up; the page says so
    return sum(v or 0 for v in values)


def area_table(request: HttpRequest) -> AreaTable:
    parent = _parent(request)
    today = local_time.today()
    unions = area_rows(user=request.user, parent=parent)
    columns = area_columns()
    figures = [column.values(request.user, unions, today) for column in columns]
    rows = [(union, [f.get(union.pk) for f in figures]) for union in unions]
    totals = [_total(c, [r[1][i] for r in rows]) for i, c in enumerate(columns)]
    return AreaTable(parent=parent, columns=columns, rows=rows, totals=totals, today=today)


def shown(column: AreaColumn, value: Any) -> str:
    """A figure as the page shows it."""
    if value is None:
        return "—"
    if column.kind == "percent":
        return f"{value:g}%"
    if column.kind == "ratio":
        done, target = value
        if not target:
            return f"{done}"
        return f"{done} / {target}（{round(100 * done / target)}%）"
    return str(value)


@login_required
def province(request: HttpRequest) -> HttpResponse:
    table = area_table(request)
    rows = [
        {
            "union": union,
            "has_children": union.children.exists() and union != table.parent,
            "cells": [shown(c, v) for c, v in zip(table.columns, values, strict=True)],
        }
        for union, values in table.rows
    ]
    return render(
        request,
        "stations/organizer/province.html",
        {
            "table": table,
            "rows": rows,
            "totals": [shown(c, v) for c, v in zip(table.columns, table.totals, strict=True)],
            "query": f"?union={table.parent.code}" if table.parent else "",
        },
    )


def _city_of(union: Union, parent: Union | None) -> Union:
    """The city (prefecture) a row belongs to: itself, or — for a county — its parent."""
    if parent is not None and parent.kind == Union.Kind.PREFECTURE:
        return parent
    return union


@login_required
def province_xlsx(request: HttpRequest) -> HttpResponse:
    """The same table as XLSX: a sheet 各市州 (or 各县区) with the city in its own column,
    the report date as a date cell, numbers and rates as numbers, columns sized."""
    table = area_table(request)
    body = exports.area_xlsx(table, city_of=_city_of)
    area = table.parent.code if table.parent else "all"
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="province-{area}-{table.today.isoformat()}.xlsx"'
    )
    return response
