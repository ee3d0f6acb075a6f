"""Workplaces and rosters to and from spreadsheets (Chinese or English headers).

Each row is written by ``welfare.services`` (``workplace_save``, ``worker_register`` /
``worker_update``, ``health_check_record``), so a wrong credit code or a worker of another
union is refused with the same message as in the admin and the API. Exports carry no
personal data: a workplace's contact person is imported but never exported, and workers
and health checks are not exported at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import datum
from core.categories import WorkerCategory
from core.errors import DomainError
from core.importing import RowInvalid, TabularResource
from core.normalize import choice, parse_altitude, point_from_cells
from core.scoping import scope_for
from core.tabular import Column, fold, tidy
from stations.models import Region, Union
from welfare import services
from welfare.models import HealthCheck, Worker, Workplace, WorkplaceHazard
from welfare.services.health import clean_id_last4, phone_key_of
from welfare.services.roster import HAZARD_SPLIT, hazard_lookup
from welfare.validators import credit_code_normalize, validate_credit_code

HAZARD_COUNT = re.compile(r"^(?P<name>.*?)[\s:：(（]*(?P<n>\d+)?\s*人?[)）]?$")


class _Scoped(TabularResource):
    """Lookups every welfare kind needs: unions, regions and the actor's scope."""

    def prepare(self) -> None:
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self.unions = {u.code: u for u in Union.objects.all()}
        self.union_names = {u.name: u for u in self.unions.values()}
        self.default_union = None
        if self.options.get("union"):
            self.default_union = self.union_of(str(self.options["union"]))

    def union_of(self, text: str, column: str = "union") -> Union:
        value = tidy(text)
        union = self.unions.get(fold(value).upper()) or self.union_names.get(value)
        if union is None:
            raise RowInvalid({column: _("未知的工会：%(v)s") % {"v": value}})
        if self.scope is not None and not self.scope.covers_union(union):
            message = _("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name}
            raise RowInvalid({column: message})
        if self.default_union is not None and not union.is_under(self.default_union):
            message = _("“%(u)s”不在导入时指定的工会“%(d)s”之下。") % {
                "u": union.name, "d": self.default_union.name}  # fmt: skip
            raise RowInvalid({column: message})
        return union

    def row_union(self, cells: dict[str, str]) -> Union:
        if cells.get("union"):
            return self.union_of(cells["union"])
        if self.default_union is None:
            raise RowInvalid({"union": _("所属工会不能为空（或在导入时指定工会）。")})
        return self.default_union

    def out_of_scope(self, union: Union, what: str) -> dict[str, Any] | None:
        if self.scope is not None and not self.scope.covers_union(union):
            message = _("%(what)s属于“%(union)s”，您无权修改。") % {
                "what": what,
                "union": union.name,
            }
            return {"__error__": (self.key_column, message)}
        return None


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


class WorkplaceResource(_Scoped):
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


WORKER_COLUMNS = (
    Column(
        "credit_code",
        "统一社会信用代码",
        ("用人单位信用代码", "信用代码"),
        True,
        gettext_lazy("劳动者所在单位（须已登记）"),
        "91630100MA7XXXXXXX",
    ),
    Column("name", "姓名", (), True, "", "张三"),
    Column(
        "id_last4", "身份证后四位", ("idlast4",), False, gettext_lazy("与手机号至少填一项"), "123X"
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "mobile"),
        False,
        gettext_lazy("只保存不可逆摘要"),
        "13800000000",
    ),
    Column("job", "岗位", ("post",), False, "", "焊工"),
    Column(
        "hazards",
        "接触危害因素",
        ("危害因素", "exposures"),
        False,
        gettext_lazy("如“高温、噪声”"),
        "高温、噪声",
    ),
    Column(
        "category",
        "劳动者类别",
        ("类别",),
        False,
        gettext_lazy("如环卫工人、建筑工人；不填为“其他”"),
        "",
    ),
)


class WorkerResource(_Scoped):
    """Rosters: workers at registered workplaces, matched by phone (its HMAC) or by name
    and the last four of the ID card. The employer's consent is required to import."""

    kind = "workers"
    columns = WORKER_COLUMNS
    key_column = "key"
    needs_consent = True

    class Meta:
        model = Worker
        fields = ()
        use_transactions = True

    def prepare(self) -> None:
        super().prepare()
        self.hazards = hazard_lookup()
        self.workplaces: dict[str, Workplace | None] = {}

    def workplace(self, code: str) -> Workplace:
        if code not in self.workplaces:
            self.workplaces[code] = (
                Workplace.objects.select_related("union")
                .filter(credit_code=code)
                .order_by("site", "pk")  # the main site ("") first
                .first()
            )
        workplace = self.workplaces[code]
        if workplace is None:
            raise RowInvalid({"credit_code": _("未登记的用人单位：%(c)s") % {"c": code}})
        if self.scope is not None and not self.scope.covers_union(workplace.union):
            message = _("您无权管理“%(union)s”及其下级的数据。") % {"union": workplace.union.name}
            raise RowInvalid({"credit_code": message})
        return workplace

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {
            "name": tidy(cells.get("name", "")),
            "job": tidy(cells.get("job", "")),
        }
        code = credit_code_normalize(cells.get("credit_code", ""))
        try:
            values["workplace"] = self.workplace(code).pk
        except RowInvalid as exc:
            errors.update(exc.errors)
        if not values["name"] or len(values["name"]) > 50:
            errors["name"] = _("姓名不能为空，最多 50 字。")
        try:
            values["id_last4"] = clean_id_last4(fold(cells.get("id_last4", "")))
        except DomainError as exc:
            errors["id_last4"] = exc.message
        try:
            values["phone_key"] = phone_key_of(fold(cells.get("phone", "")))
        except DomainError as exc:
            errors["phone"] = exc.message
        if not errors and not values["phone_key"] and not values["id_last4"]:
            errors["phone"] = _("手机号和身份证后四位至少填一项，用来识别劳动者。")
        hazards, unknown = [], []
        for part in HAZARD_SPLIT.split(fold(cells.get("hazards", ""))):
            for word in (
                [part] if re.sub(r"\s+", "", part).lower() in self.hazards else part.split()
            ):
                code_ = self.hazards.get(re.sub(r"\s+", "", word).lower())
                if code_ is None:
                    unknown.append(word)
                elif code_ not in hazards:
                    hazards.append(code_)
        if unknown:
            errors["hazards"] = _("不认识的危害因素：%(h)s。") % {"h": "、".join(unknown)}
        values["hazards"] = tuple(sorted(hazards))
        values["category"] = WorkerCategory.OTHER
        if cells.get("category"):
            try:
                values["category"] = choice(cells["category"], WorkerCategory.choices, "category")
            except RowInvalid as exc:
                errors.update(exc.errors)
        if errors:
            raise RowInvalid(errors)
        identity = values["phone_key"] or f"{values['name']}|{values['id_last4']}"
        values["key"] = f"{values['workplace']}|{identity}"
        return values

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        by_workplace: dict[int, list[str]] = {}
        for key in keys:
            by_workplace.setdefault(int(key.split("|", 1)[0]), []).append(key)
        for workplace_id, wanted in by_workplace.items():
            workers = Worker.objects.filter(workplace_id=workplace_id, left_on__isnull=True)
            for worker in workers:
                for identity in {worker.phone_key, f"{worker.name}|{worker.id_last4}"} - {""}:
                    key = f"{workplace_id}|{identity}"
                    if key in wanted:
                        out[key] = {
                            "key": key, "worker": worker.pk, "workplace": workplace_id,
                            "name": worker.name, "job": worker.job, "id_last4": worker.id_last4,
                            "phone_key": worker.phone_key, "hazards": tuple(sorted(worker.hazards)),
                            "category": worker.category,
                        }  # fmt: skip
        return out

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> Any:
        if not self.options.get("consent"):
            raise RowInvalid({"name": _("请确认用人单位已取得名册上每位劳动者的同意。")})
        workplace = Workplace.objects.select_related("union").get(pk=values["workplace"])
        try:
            if current:
                worker = Worker.objects.get(pk=current["worker"])
                services.worker_update(
                    actor=self.actor, worker=worker, name=values["name"],
                    id_last4=values["id_last4"], job=values["job"],
                    hazards=list(values["hazards"]), reason=_("名册导入"),
                )  # fmt: skip
                return worker.pk
            worker = services.worker_register(
                actor=self.actor, name=values["name"], category=values["category"],
                union=workplace.union, consent=True, workplace=workplace,
                hazards=list(values["hazards"]), id_last4=values["id_last4"], job=values["job"],
                phone_key=values["phone_key"],
            )  # fmt: skip
        except DomainError as exc:
            raise RowInvalid({exc.field or "name": exc.message}) from exc
        return worker.pk

    def export_values(self, worker: Worker) -> dict[str, str]:
        raise DomainError(_("劳动者名册含个人信息，不能导出。"), field="kind")


HEALTH_COLUMNS = (
    Column(
        "credit_code",
        "统一社会信用代码",
        ("用人单位信用代码", "信用代码"),
        True,
        "",
        "91630100MA7XXXXXXX",
    ),
    Column("name", "姓名", (), True, "", "张三"),
    Column("id_last4", "身份证后四位", (), False, gettext_lazy("与手机号至少填一项"), "123X"),
    Column("phone", "手机号", ("手机",), False, "", ""),
    Column(
        "kind",
        "体检类型",
        ("类型",),
        True,
        gettext_lazy("上岗前、在岗期间、离岗时、应急、复查"),
        "在岗期间",
    ),
    Column("checked_on", "体检日期", ("日期",), True, gettext_lazy("如 2027-05-20"), "2027-05-20"),
    Column(
        "result",
        "结论",
        ("体检结论",),
        True,
        gettext_lazy("未见异常、需复查、职业禁忌证、疑似职业病"),
        "未见异常",
    ),
    Column("notes", "备注", (), False, "", ""),
)


class HealthCheckResource(WorkerResource):
    """Health checks of registered workers (one row: one worker, one check)."""

    kind = "health_checks"
    columns = HEALTH_COLUMNS
    needs_consent = False

    class Meta:
        model = HealthCheck
        fields = ()
        use_transactions = True

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        try:
            values = super().clean_row({**cells, "hazards": "", "job": "", "category": ""})
            for roster_only in ("hazards", "job", "category"):
                values.pop(roster_only)
        except RowInvalid as exc:
            errors.update(exc.errors)
            values = {}
        for column, choices in (
            ("kind", HealthCheck.Kind.choices),
            # Reports often write "未见异常" for GBZ 188 §4.8.3 a) 目前未见异常.
            ("result", [*HealthCheck.Result.choices, (HealthCheck.Result.NORMAL, "未见异常")]),
        ):
            try:
                values[column] = choice(cells.get(column, ""), choices, column)
            except RowInvalid as exc:
                errors.update(exc.errors)
        try:
            values["checked_on"] = dt.date.fromisoformat(
                fold(cells.get("checked_on", "")).replace("/", "-")
            )
        except ValueError:
            errors["checked_on"] = _("“%(v)s”不是日期（如 2027-05-20）。") % {
                "v": cells.get("checked_on")
            }
        values["notes"] = tidy(cells.get("notes", ""))
        if errors:
            raise RowInvalid(errors)
        values["key"] = f"{values['key']}|{values['checked_on']}|{values['kind']}"
        return values

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        workers = super().current_values(list({k.rsplit("|", 2)[0] for k in keys}))
        out: dict[str, dict[str, Any]] = {}
        for key in keys:
            worker_key, day, kind = key.rsplit("|", 2)
            worker = workers.get(worker_key)
            if worker is None:
                out[key] = {"__error__": ("name", _("名册里没有这位劳动者，请先导入名册。"))}
                continue
            check = HealthCheck.objects.filter(
                worker_id=worker["worker"], checked_on=day, kind=kind
            ).first()
            if check is not None:
                # Only the check is compared: the row names its worker either way.
                out[key] = {"key": key, "kind": kind, "checked_on": check.checked_on,
                            "result": check.result, "notes": check.notes}  # fmt: skip
        return out

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> Any:
        if current:
            raise RowInvalid({"result": _("这次体检已经登记过；更正请在后台修改并写明原因。")})
        workers = Worker.objects.filter(workplace_id=values["workplace"], left_on__isnull=True)
        if values["phone_key"]:
            worker = workers.filter(phone_key=values["phone_key"]).first()
        else:
            worker = workers.filter(name=values["name"], id_last4=values["id_last4"]).first()
        if worker is None:
            raise RowInvalid({"name": _("名册里没有这位劳动者，请先导入名册。")})
        try:
            check = services.health_check_record(
                actor=self.actor, worker=worker, kind=values["kind"],
                checked_on=values["checked_on"], result=values["result"], notes=values["notes"],
            )  # fmt: skip
        except DomainError as exc:
            raise RowInvalid({exc.field or "result": exc.message}) from exc
        return check.pk
