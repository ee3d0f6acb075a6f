"""Visits to a spreadsheet, as the desk logged them (export only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from core import time as local_time
from core.importing import RowInvalid, TabularResource
from core.tabular import Column
from stations.models import Service, Visit


class VisitResource(TabularResource):
    """Visits as the desk logged them: station, time, category, services. Nobody is named
    (not the worker, not the staff member who logged it); export only."""

    kind = "visits"
    key_column = "station"
    columns = (
        Column("occurred_at", "到访时间"), Column("station", "站点编号"),
        Column("station_name", "站点名称"), Column("category", "劳动者类别"),
        Column("services", "使用的服务"),
    )  # fmt: skip

    class Meta:
        model = Visit
        fields = ()

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        raise RowInvalid({"station": _("到访记录只能由站点工作台上传，不能导入。")})

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {}

    def prepare(self) -> None:
        self.service_names = dict(Service.objects.values_list("code", "name"))

    def export_values(self, visit: Visit) -> dict[str, str]:
        if not self._prepared:
            self.prepare()
            self._prepared = True
        return {
            "occurred_at": f"{local_time.to_local(visit.occurred_at):%Y-%m-%d %H:%M}",
            "station": visit.station.code, "station_name": visit.station.name,
            "category": str(visit.get_category_display()),
            "services": "、".join(self.service_names.get(c, c) for c in visit.services or ()),
        }  # fmt: skip

    def export_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("station")
