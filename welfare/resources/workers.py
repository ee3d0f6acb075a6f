"""Rosters (workers at registered workplaces, with the employer's consent) and their
health checks from spreadsheets; neither is ever exported."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.categories import WorkerCategory
from core.errors import DomainError
from core.importing import RowInvalid
from core.normalize import choice
from core.tabular import Column, fold, tidy
from welfare import services
from welfare.models import HealthCheck, Worker, Workplace
from welfare.resources.scoped import ScopedResource
from welfare.services.health import clean_id_last4, phone_key_of
from welfare.services.roster import HAZARD_SPLIT, hazard_lookup
from welfare.validators import credit_code_normalize

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


class WorkerResource(ScopedResource):
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
