"""Workplaces and their hazards (with headcounts) to and from spreadsheets. A workplace's
contact person is imported but never exported."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import datum
from core.errors import DomainError
from core.importing import RowInvalid
from core.normalize import parse_altitude, point_from_cells
from core.tabular import Column, fold, tidy
from stations.models import Region
from welfare import services
from welfare.models import Workplace, WorkplaceHazard
from welfare.resources.scoped import ScopedResource
from welfare.services.roster import HAZARD_SPLIT, hazard_lookup
from welfare.validators import credit_code_normalize, validate_credit_code

HAZARD_COUNT = re.compile(r"^(?P<name>.*?)[\s:：(（]*(?P<n>\d+)?\s*人?[)）]?$")


WORKPLACE_COLUMNS = (
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码"),
        True,
        gettext_lazy("18 位，已有的代码会更新该单位。"),
        "91630100MA7XXXXXXX",
    ),
    Column("name", "企业名称", ("单位名称", "名称"), True, "", "西宁某某建筑工程有限公司"),
    Column("address", "地址", ("单位地址",), True, "", "西宁市城中区南川东路1号"),
    Column(
        "lng", "经度", ("lon", "longitude"), False, gettext_lazy("坐标系按导入时的选择"), "101.7752"
    ),
    Column("lat", "纬度", ("latitude",), False, "", "36.6210"),
    Column(
        "lnglat", "经纬度", ("坐标", "location"), False, gettext_lazy("“经度,纬度”写在一格里"), ""
    ),
    Column(
        "region",
        "行政区划",
        ("区划代码", "region_code"),
        True,
        gettext_lazy("6 位代码或名称"),
        "630103",
    ),
    Column(
        "union",
        "所属工会",
        ("监督工会", "工会", "union_code"),
        False,
        gettext_lazy("工会编号或名称；导入时指定了工会则可省略。"),
        "QH-XN-CZ",
    ),
    Column("industry", "行业", (), False, "", "建筑业"),
    Column(
        "altitude_m",
        "海拔（米）",
        ("海拔", "海拔高度", "altitude", "elevation"),
        False,
        gettext_lazy("整数米；3000 米及以上为高原作业。空着则保留已登记的海拔"),
        "2261",
    ),
    Column(
        "hazards",
        "危害因素",
        ("接触危害因素", "危害因素及人数"),
        False,
        gettext_lazy("危害和接触人数，如“高温 12、粉尘 3”"),
        "高温 12、粉尘 3",
    ),
    Column("contact_name", "联系人", (), False, gettext_lazy("只导入，不导出（个人信息）"), ""),
    Column("contact_phone", "联系电话", (), False, gettext_lazy("只导入，不导出（个人信息）"), ""),
)
PRIVATE = {"contact_name", "contact_phone"}


class WorkplaceResource(ScopedResource):
    kind = "workplaces"
    columns = WORKPLACE_COLUMNS
    key_column = "credit_code"

    class Meta:
        model = Workplace
        fields = ()
        use_transactions = True

    def prepare(self) -> None:
        super().prepare()
        crs = datum.crs_name(self.options.get("crs") or "wgs84")
        if crs is None:
            raise DomainError(
                _("未知的坐标系：%(crs)s") % {"crs": self.options.get("crs")}, field="crs"
            )
        self.crs = crs
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_names = {r.name: r for r in self.regions.values()}
        self.hazards = hazard_lookup()

    def clean_row(self, cells: dict[str, str], *, crs: str | None = None) -> dict[str, Any]:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        code = credit_code_normalize(cells.get("credit_code", ""))
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors["credit_code"] = " ".join(exc.messages)
        values["credit_code"] = code
        for name in ("name", "address", "industry", "contact_name", "contact_phone"):
            if name in cells:
                values[name] = tidy(cells[name])
                limit = Workplace._meta.get_field(name).max_length
                if len(values[name]) > limit:
                    errors[name] = _("%(column)s最多 %(n)d 字。") % {
                        "column": self.label(name),
                        "n": limit,
                    }
        for name in ("name", "address"):
            if not values.get(name):
                errors[name] = _("%(column)s不能为空。") % {"column": self.label(name)}
        try:
            values["lng"], values["lat"] = point_from_cells(cells, crs=crs or self.crs)[0]
        except RowInvalid as exc:
            errors.update(exc.errors)
        try:
            values["union"] = self.row_union(cells).code
        except RowInvalid as exc:
            errors.update(exc.errors)
        region_text = tidy(cells.get("region", ""))
        region = self.regions.get(fold(region_text)) or self.region_names.get(region_text)
        if region is None:
            errors["region"] = _("未知的行政区划：%(v)s") % {"v": region_text or "—"}
        else:
            values["region"] = region.code
        if cells.get("altitude_m"):
            try:
                values["altitude_m"] = parse_altitude(cells["altitude_m"])
            except RowInvalid as exc:
                errors.update(exc.errors)
        if cells.get("hazards"):
            try:
                values["hazards"] = self.parse_hazards(cells["hazards"])
            except RowInvalid as exc:
                errors.update(exc.errors)
        if errors:
            raise RowInvalid(errors)
        return values

    def parse_hazards(self, text: str) -> tuple[tuple[str, int], ...]:
        found: dict[str, int] = {}
        unknown = []
        for part in HAZARD_SPLIT.split(fold(text)):
            match = HAZARD_COUNT.match(part.strip())
            name = (match["name"] if match else part).strip()
            if not name:
                continue
            code = self.hazards.get(re.sub(r"\s+", "", name).lower())
            if code is None:
                unknown.append(name)
                continue
            found[code] = found.get(code, 0) + int(match["n"] or 0 if match else 0)
        if unknown:
            raise RowInvalid(
                {"hazards": _("不认识的危害因素：%(h)s。") % {"h": "、".join(unknown)}}
            )
        return tuple(sorted(found.items()))

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        # A file row is the enterprise's main site (site ""); other sites are kept in the admin.
        found = Workplace.objects.filter(credit_code__in=keys, site="").select_related(
            "union", "region"
        )
        for workplace in found.prefetch_related("hazards"):
            refused = self.out_of_scope(workplace.union, workplace.name)
            if refused:
                out[workplace.credit_code] = refused
                continue
            cells = {**self.export_values(workplace), "contact_name": workplace.contact_name,
                     "contact_phone": workplace.contact_phone}  # fmt: skip
            saved = (self.scope, self.default_union)
            self.scope = self.default_union = None
            try:
                out[workplace.credit_code] = self.clean_row(cells, crs="wgs84")
                # A blank column filled in by the file is a change (see stations.resources).
                for column in WORKPLACE_COLUMNS:
                    out[workplace.credit_code].setdefault(column.key, None)
            except RowInvalid:
                out[workplace.credit_code] = {}
            finally:
                self.scope, self.default_union = saved
        return out

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> Any:
        workplace = Workplace.objects.filter(
            credit_code=values["credit_code"], site=""
        ).first() or Workplace(credit_code=values["credit_code"])
        for name in ("name", "address", "industry", "contact_name", "contact_phone", "altitude_m"):
            if name in values:
                setattr(workplace, name, values[name])
        workplace.location = Point(values["lng"], values["lat"], srid=4326)
        workplace.region = self.regions[values["region"]]
        workplace.union = self.unions[values["union"]]
        hazards = dict(values["hazards"]) if "hazards" in values else None
        try:
            services.workplace_save(actor=self.actor, workplace=workplace, hazards=hazards)
        except DomainError as exc:
            raise RowInvalid({exc.field or "name": exc.message}) from exc
        return workplace.pk

    def export_values(self, workplace: Workplace) -> dict[str, str]:
        labels = dict(WorkplaceHazard._meta.get_field("hazard").choices)
        hazards = sorted(workplace.hazards.all(), key=lambda h: h.hazard)
        return {
            "credit_code": workplace.credit_code, "name": workplace.name,
            "address": workplace.address, "lng": f"{workplace.location.x:.6f}",
            "lat": f"{workplace.location.y:.6f}", "lnglat": "", "region": workplace.region.code,
            "union": workplace.union.code, "industry": workplace.industry,
            "altitude_m": "" if workplace.altitude_m is None else str(workplace.altitude_m),
            "hazards": "、".join(f"{labels[h.hazard]} {h.exposed}" for h in hazards),
        }  # fmt: skip

    def _export_columns(self, selected_fields: Any = None) -> list[Column]:
        return [c for c in super()._export_columns(selected_fields) if c.key not in PRIVATE]

    def export_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("union", "region").prefetch_related("hazards")

    def get_queryset(self) -> Any:
        return self.export_queryset(Workplace.objects.all())
