"""Stations to and from spreadsheets, as union offices keep them.

Headers in Chinese (站点编号, 站点名称, 地址, 经度, 纬度, 服务内容, 开放时间, 联系电话,
所属工会, 行政区划 …) or English (``code``, ``name`` …). Coordinates may be in WGS-84,
GCJ-02 (Amap, Tencent) or BD-09 (Baidu), named per file (``options["crs"]``), and are
stored as WGS-84; "经度,纬度" may sit in one cell. Services may be written as their Chinese
names; hours as text ("周一至周五 9:00-17:00，周六日 10:00-16:00"). Each row is written
by ``stations.services.stations.station_upsert`` (scoping, validation, history), or on
PostGIS by ``stations.services.station_import`` for a whole file at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import datum
from core.errors import DomainError
from core.importing import WARNINGS, ImportReport, RowInvalid, RowOutcome, TabularResource
from core.normalize import choice, parse_altitude, parse_flag, point_from_cells
from core.scoping import scope_for
from core.spatial import is_postgis
from core.tabular import Column, fold, tidy
from stations import hours_text
from stations.models import Region, Service, ServiceAlias, Station, Union
from stations.services import station_import
from stations.services.service_aliases import service_key
from stations.services.stations import station_upsert

SERVICE_SPLIT = re.compile(r"[、,，;；/|\s]+")
#: More than this share of a GCJ-02 file's points land outside their region (by more than
#: BD09_SUSPECT_METRES) while the same numbers read as BD-09 fall inside it: the file is
#: probably BD-09 (Baidu), whose points read as GCJ-02 sit 0.7–1 km north-east of the truth.
BD09_SUSPECT_SHARE = 0.3
BD09_SUSPECT_METRES = 100.0

COLUMNS = (
    Column(
        "code",
        "站点编号",
        ("编号", "站点代码", "station_code"),
        True,
        gettext_lazy("如 QH-XN-0001：大写字母开头，字母、数字和连字符。已有的编号会更新该站点。"),
        "QH-XN-0101",
    ),
    Column("name", "站点名称", ("名称", "站名"), True, "", "城中区西大街爱心驿站"),
    Column("name_en", "英文名称", (), False, "", "West Street Station"),
    Column(
        "kind",
        "站点类型",
        ("类型", "类别"),
        False,
        gettext_lazy("银行网点、环卫站所、加油站、商铺、工会办公场所、公共建筑、独立站点、其他"),
        "银行网点",
    ),
    Column(
        "host_organization",
        "依托单位",
        ("承建单位", "host"),
        False,
        "",
        "中国工商银行西宁西大街支行",
    ),
    Column("address", "地址", ("详细地址", "站点地址"), True, "", "青海省西宁市城中区西大街28号"),
    Column(
        "lng",
        "经度",
        ("lon", "longitude", "x"),
        False,
        gettext_lazy("十进制度；坐标系按导入时的选择（WGS-84、GCJ-02 高德/腾讯、BD-09 百度）。"),
        "101.775200",
    ),
    Column("lat", "纬度", ("latitude", "y"), False, "", "36.621050"),
    Column(
        "lnglat",
        "经纬度",
        ("坐标", "经度,纬度", "location"),
        False,
        gettext_lazy("也可以把“经度,纬度”写在一格里，代替经度、纬度两列。"),
        "",
    ),
    Column(
        "services",
        "服务内容",
        ("服务项目", "服务设施", "设施"),
        False,
        gettext_lazy("用顿号或逗号分隔：饮用水、热水、卫生间、充电、微波炉、急救箱……"),
        "饮用水、热水、卫生间、手机充电",
    ),
    Column(
        "hours",
        "开放时间",
        ("营业时间", "opening_hours"),
        False,
        gettext_lazy(
            "如 24小时；8:00-20:00；周一至周五 9:00-17:00，周六日 10:00-16:00；夏季 7:00-21:00"
        ),
        "周一至周五 09:00-17:00，周六至周日 10:00-16:00",
    ),
    Column("phone", "联系电话", ("电话", "联系方式"), False, "", "0971-8372945"),
    Column(
        "union",
        "所属工会",
        ("运营工会", "工会", "工会编号", "union_code"),
        False,
        gettext_lazy("工会编号或名称；导入时指定了工会则可省略。"),
        "QH-XN-CZ",
    ),
    Column(
        "region",
        "行政区划",
        ("区划代码", "行政区划代码", "区划", "region_code"),
        True,
        gettext_lazy("6 位行政区划代码（GB/T 2260）或名称"),
        "630103",
    ),
    Column("status", "状态", (), False, gettext_lazy("运行中、暂停、已撤销"), "运行中"),
    Column("seats", "座位数", (), False, "", "8"),
    Column("step_free", "无障碍通道", (), False, gettext_lazy("是/否"), "是"),
    Column("accessible_toilet", "无障碍卫生间", (), False, gettext_lazy("是/否"), "否"),
    Column(
        "altitude_m",
        "海拔（米）",
        ("海拔", "海拔高度", "altitude", "elevation"),
        False,
        gettext_lazy("整数米，-500 至 9000；空着则保留已登记的海拔"),
        "2261",
    ),
)
TEXT_FIELDS = ("name", "name_en", "host_organization", "address", "phone")
FLAGS = ("step_free", "accessible_toilet")
STATION_FIELDS = (*TEXT_FIELDS, "kind", "status", "seats", *FLAGS, "altitude_m")


class StationResource(TabularResource):
    kind = "stations"
    columns = COLUMNS
    key_column = "code"

    class Meta:
        model = Station
        fields = ()
        use_transactions = True

    def prepare(self) -> None:
        crs = datum.crs_name(self.options.get("crs") or "wgs84")
        if crs is None:
            raise DomainError(
                _("未知的坐标系：%(crs)s") % {"crs": self.options.get("crs")}, field="crs"
            )
        self.crs = crs
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self.unions = {u.code: u for u in Union.objects.all()}
        self.union_names = {u.name: u for u in self.unions.values()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_names = {r.name: r for r in self.regions.values()}
        # A service is known by its code, its names and its aliases (stations.ServiceAlias,
        # seeded with the ways clerks write them; organizers add more in the admin).
        self.services: dict[str, str] = {}
        self.service_names: dict[str, str] = {}
        for service in Service.objects.all():
            for name in (service.code, service.name, service.name_en):
                self.services[service_key(name)] = service.code
            self.service_names[service.code] = service.name
        for alias, code in ServiceAlias.objects.values_list("alias", "service__code"):
            self.services.setdefault(service_key(alias), code)
        # Unknown service words → the lines they appeared on (the summary counts them).
        self.unknown_services: dict[str, list[int]] = {}
        self.default_union = None
        if self.options.get("union"):
            self.default_union = self._union(str(self.options["union"]))
        self.suspect: list[tuple[int, int]] = []  # for the BD-09 check: (outside, rows)
        self.outside_gcj = self.inside_as_bd09 = self.checked = 0

    def _union(self, text: str) -> Union:
        value = tidy(text)
        union = self.unions.get(fold(value).upper()) or self.union_names.get(value)
        if union is None:
            raise RowInvalid({"union": _("未知的工会：%(v)s") % {"v": value}})
        if self.scope is not None and not self.scope.covers_union(union):
            raise RowInvalid(
                {"union": _("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name}}
            )
        return union

    def clean_row(self, cells: dict[str, str], *, crs: str | None = None) -> dict[str, Any]:
        crs = crs or self.crs
        errors: dict[str, str] = {}
        warnings: dict[str, str] = {}
        values: dict[str, Any] = {}

        def attempt(column: str, action: Any) -> None:
            try:
                action()
            except RowInvalid as exc:
                errors.update(exc.errors)

        code = fold(cells.get("code", "")).upper()
        if not code:
            errors["code"] = _("站点编号不能为空。")
        elif not re.match(r"^[A-Z]{2}(-[A-Z0-9]{1,8}){1,4}$", code):
            errors["code"] = _("站点编号“%(v)s”格式不对，应如 QH-XN-0001。") % {
                "v": cells.get("code")
            }
        values["code"] = code
        for name in TEXT_FIELDS:
            if name in cells:
                values[name] = tidy(cells[name])
        for name in TEXT_FIELDS:
            limit = Station._meta.get_field(name).max_length
            if len(values.get(name, "")) > limit:
                errors[name] = _("%(column)s最多 %(n)d 字。") % {
                    "column": self.label(name),
                    "n": limit,
                }
        for name in ("name", "address"):
            if not values.get(name):
                errors[name] = _("%(column)s不能为空。") % {"column": self.label(name)}
        if cells.get("kind"):
            attempt(
                "kind",
                lambda: values.__setitem__(
                    "kind", choice(cells["kind"], Station.Kind.choices, "kind")
                ),
            )
        if cells.get("status"):
            attempt(
                "status",
                lambda: values.__setitem__(
                    "status", choice(cells["status"], Station.Status.choices, "status")
                ),
            )
        if cells.get("seats"):
            seats = fold(cells["seats"])
            if seats.isdigit() and int(seats) < 32768:
                values["seats"] = int(seats)
            else:
                errors["seats"] = _("座位数“%(v)s”应是整数。") % {"v": cells["seats"]}
        if cells.get("altitude_m"):
            attempt(
                "altitude_m",
                lambda: values.__setitem__("altitude_m", parse_altitude(cells["altitude_m"])),
            )
        for flag in FLAGS:
            if flag in cells:
                attempt(
                    flag, lambda flag=flag: values.__setitem__(flag, parse_flag(cells[flag], flag))
                )

        def point() -> None:
            (values["lng"], values["lat"]), raw = point_from_cells(cells, crs=crs)
            if crs == "gcj02":
                values["_raw"] = raw

        attempt("lng", point)
        if cells.get("services"):
            # An unknown service word is a warning: the row is kept without that service
            # (the summary lists the words, with a link to add an alias).
            codes, unknown = set(), []
            for part in SERVICE_SPLIT.split(fold(cells["services"])):
                if not part:
                    continue
                code_ = self.services.get(service_key(part))
                if code_ is None:
                    unknown.append(part)
                else:
                    codes.add(code_)
            values["services"] = tuple(sorted(codes))
            if unknown:
                warnings["services"] = _("不认识的服务内容，已略过：%(names)s。") % {
                    "names": "、".join(unknown)
                }
                for part in dict.fromkeys(unknown):
                    self.unknown_services.setdefault(part, []).append(self.current_line)
        if cells.get("hours"):
            try:
                is_24h, periods = hours_text.parse_hours_text(cells["hours"])
            except hours_text.HoursParseError as exc:
                errors["hours"] = str(exc)
            else:
                values["hours"] = (is_24h, tuple(periods))
        try:
            union = self._union(cells["union"]) if cells.get("union") else self.default_union
            if union is None:
                raise RowInvalid({"union": _("所属工会不能为空（或在导入时指定工会）。")})
            if self.default_union is not None and not union.is_under(self.default_union):
                raise RowInvalid({"union": _("“%(u)s”不在导入时指定的工会“%(d)s”之下。") % {
                    "u": union.name, "d": self.default_union.name}})  # fmt: skip
            values["union"] = union.code
        except RowInvalid as exc:
            errors.update(exc.errors)
        region_text = tidy(cells.get("region", ""))
        region = self.regions.get(fold(region_text)) or self.region_names.get(region_text)
        if region is None:
            errors["region"] = _("未知的行政区划：%(v)s") % {"v": region_text or "—"}
        else:
            values["region"] = region.code
            self._check_datum(values, region)
        if errors:
            raise RowInvalid(errors, warnings=warnings)
        values.pop("_raw", None)
        if warnings:
            values[WARNINGS] = warnings
        return values

    def _check_datum(self, values: dict[str, Any], region: Region) -> None:
        """Count GCJ-02 points that land > 1 km outside their region but inside it as BD-09."""
        raw = values.get("_raw")
        if raw is None or region.boundary is None:
            return
        self.checked += 1
        lat0 = values["lat"]
        metres = datum_metres(lat0)
        here = Point(values["lng"], values["lat"], srid=4326)
        if region.boundary.distance(here) * metres <= BD09_SUSPECT_METRES:
            return
        as_bd = Point(*datum.bd09_to_wgs84(*raw), srid=4326)
        if region.boundary.distance(as_bd) * metres < 1.0:
            self.inside_as_bd09 += 1

    def normalize_key(self, key: str) -> str:
        return fold(key).upper()

    def finish(self, report: ImportReport, *, write: bool) -> None:
        add_alias = reverse("admin:stations_servicealias_add")
        for word, lines in sorted(self.unknown_services.items(), key=lambda kv: -len(kv[1])):
            report.unknown.append({
                "column": self.label("services"), "value": word, "rows": len(lines),
                "lines": lines[:20],
                "action": {"label": _("添加为服务项目别名"),
                           "url": f"{add_alias}?{urlencode({'alias': word})}"},
            })  # fmt: skip
        if getattr(self, "staged", None):
            if write:
                station_import.stations_merge_staged(actor=self.actor, stage=self.staged)
            self.staged.drop()
        if self.checked and self.inside_as_bd09 / self.checked > BD09_SUSPECT_SHARE:
            report.warnings.append(
                _("%(n)d/%(total)d 个点按 GCJ-02（高德/腾讯）换算后落在所属区划外，"
                  "按 BD-09（百度）换算却在区划内："
                  "这个文件的坐标可能取自百度地图，请确认坐标系后重新导入。")
                % {"n": self.inside_as_bd09, "total": self.checked}
            )  # fmt: skip

    # Current values and writes --------------------------------------------------------------

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        found = (
            Station.objects.filter(code__in=keys)
            .select_related("union", "region")
            .prefetch_related("services", "periods")
        )
        out: dict[str, dict[str, Any]] = {}
        for station in found:
            if self.scope is not None and not self.scope.covers_union(station.union):
                message = _("站点 %(code)s 属于“%(union)s”，您无权修改。") % {
                    "code": station.code,
                    "union": station.union.name,
                }
                out[station.code] = {"__error__": ("code", message)}
                continue
            cells = self.export_values(station)
            saved = (self.default_union, self.scope, self.checked)
            self.default_union, self.scope = None, None
            try:
                out[station.code] = self.clean_row(cells, crs="wgs84")
                out[station.code].pop(WARNINGS, None)
                # A column the station leaves blank compares as None, so a file that fills
                # it in (services, hours, altitude …) is an update, not "unchanged".
                for column in COLUMNS:
                    out[station.code].setdefault(column.key, None)
            except RowInvalid:
                out[station.code] = {}  # a stored row the import rules would refuse: all changed
            finally:
                self.default_union, self.scope, self.checked = saved
        return out

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> int:
        fields = {k: values[k] for k in STATION_FIELDS if k in values}
        if new:
            fields.setdefault("kind", Station.Kind.OTHER)
        periods = None
        if "hours" in values:
            fields["is_24h"], periods = values["hours"][0], list(values["hours"][1])
        try:
            station, _created = station_upsert(
                actor=self.actor, code=values["code"], union_code=values["union"],
                region_code=values["region"], lat=values["lat"], lng=values["lng"],
                services=values.get("services"), periods=periods, **fields,
            )  # fmt: skip
        except DomainError as exc:
            raise RowInvalid({exc.field or "code": exc.message}) from exc
        return station.pk

    def write_batch(self, outcomes: Sequence[RowOutcome]) -> None:
        """On PostGIS a file's rows are staged with COPY and merged once at the end."""
        if not (self.options.get("bulk", True) and is_postgis()):
            return super().write_batch(outcomes)
        if getattr(self, "staged", None) is None:
            self.staged = station_import.StationStage.create()
        written = [o for o in outcomes if o.action in ("new", "update")]
        self.staged.add([_staged_row(o, self.unions, self.regions) for o in written])
        return None

    def export_values(self, station: Station) -> dict[str, str]:
        periods = list(station.periods.all())
        return {
            "code": station.code, "name": station.name, "name_en": station.name_en,
            "kind": str(station.get_kind_display()), "host_organization": station.host_organization,
            "address": station.address, "lng": f"{station.location.x:.6f}",
            "lat": f"{station.location.y:.6f}", "lnglat": "",
            "services": "、".join(s.name for s in sorted(station.services.all(), key=_code)),
            "hours": hours_text.format_hours_text(periods=periods, is_24h=station.is_24h)
            if (periods or station.is_24h) else "",
            "phone": station.phone, "union": station.union.code, "region": station.region.code,
            "status": str(station.get_status_display()), "seats": str(station.seats),
            "step_free": "是" if station.step_free else "否",
            "accessible_toilet": "是" if station.accessible_toilet else "否",
            "altitude_m": "" if station.altitude_m is None else str(station.altitude_m),
        }  # fmt: skip

    def get_queryset(self) -> Any:
        return Station.objects.select_related("union", "region").prefetch_related(
            "services", "periods"
        )


def _code(service: Service) -> str:
    return service.code


def datum_metres(lat: float) -> float:
    """Metres per degree, conservatively (longitude degrees shrink with latitude)."""
    return 111_320.0 * max(0.3, math.cos(math.radians(lat)))


def _staged_row(
    outcome: RowOutcome, unions: dict[str, Union], regions: dict[str, Region]
) -> station_import.StagedStation:
    values = outcome.values or {}
    hours = values.get("hours")
    return station_import.StagedStation(
        line=outcome.line, code=values["code"], new=outcome.action == "new",
        union_id=unions[values["union"]].pk, region_id=regions[values["region"]].pk,
        lng=values["lng"], lat=values["lat"],
        fields={k: values[k] for k in STATION_FIELDS if k in values},
        services=values.get("services"),
        is_24h=None if hours is None else hours[0],
        periods=None if hours is None else list(hours[1]),
    )  # fmt: skip
