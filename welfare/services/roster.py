"""An employer's worker roster (XLSX) imported at a workplace: a preview of every row
first (new / update / error, with the column and the reason), then all rows applied in
one transaction or none.

Columns, by header in Chinese or English (any order; extra columns are ignored):
姓名 / name, 身份证后四位 / id_last4, 手机号 / phone, 岗位 / job, 接触危害因素 / hazards.
A phone is turned into its HMAC as soon as the row is read; the preview and everything
after it carry only the HMAC.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.errors import DomainError
from core.tabular import Column, TabularError, map_columns, open_table
from welfare.exceptions import WelfareError
from welfare.models import Hazard, Worker, Workplace
from welfare.services._common import require_union
from welfare.services.health import (
    clean_hazards,
    clean_id_last4,
    phone_key_of,
    worker_register,
    worker_update,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024

# Column → accepted headers (compared without spaces, case-insensitive).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "id_last4": ("身份证后四位", "idlast4", "id_last4", "idcardlast4", "id"),
    "phone": ("手机号", "手机", "phone", "mobile"),
    "job": ("岗位", "job", "post"),
    "hazards": ("接触危害因素", "危害因素", "hazards", "exposures"),
}
COLUMN_LABELS = {
    "name": gettext_lazy("姓名"),
    "id_last4": gettext_lazy("身份证后四位"),
    "phone": gettext_lazy("手机号"),
    "job": gettext_lazy("岗位"),
    "hazards": gettext_lazy("接触危害因素"),
}
TEMPLATE_HEADERS = ["姓名", "身份证后四位", "手机号", "岗位", "接触危害因素"]

# Names a roster may use for each hazard, besides our own labels and codes.
HAZARD_ALIASES: dict[str, str] = {
    "高温作业": Hazard.HIGH_TEMPERATURE,
    "heat": Hazard.HIGH_TEMPERATURE,
    "hightemperature": Hazard.HIGH_TEMPERATURE,
    "低温作业": Hazard.LOW_TEMPERATURE,
    "cold": Hazard.LOW_TEMPERATURE,
    "lowtemperature": Hazard.LOW_TEMPERATURE,
    "化学因素": Hazard.TOXIC,
    "化学毒物": Hazard.TOXIC,
    "有毒物质": Hazard.TOXIC,
    "chemicals": Hazard.TOXIC,
    "chemical": Hazard.TOXIC,
    "矽尘": Hazard.DUST,
    "煤尘": Hazard.DUST,
    "高原作业": Hazard.HIGH_ALTITUDE,
    "highaltitude": Hazard.HIGH_ALTITUDE,
    "altitude": Hazard.HIGH_ALTITUDE,
}
HAZARD_SPLIT = re.compile(r"[、,，;；/|]+")


@dataclass
class RosterRow:
    """One row as the preview shows it; ``phone_key`` is the HMAC, never the number."""

    line: int
    name: str = ""
    id_last4: str = ""
    phone_key: str = ""
    job: str = ""
    hazards: list[str] = field(default_factory=list)
    action: str = "new"  # new | update | error
    worker_id: int | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.action = "error"
        self.errors.append({"column": str(COLUMN_LABELS.get(column, column)), "message": message})


@dataclass
class RosterPreview:
    workplace_id: int
    rows: list[RosterRow]
    errors: list[str] = field(default_factory=list)  # about the whole file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(r.action != "error" for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def to_payload(self) -> dict[str, Any]:
        return {"workplace": self.workplace_id, "rows": [asdict(r) for r in self.rows]}


def _key(text: Any) -> str:
    return re.sub(r"\s+", "", str(text or "")).lower()


def hazard_lookup() -> dict[str, str]:
    """Every name a file may give a hazard → code: its code, common aliases, and its label in
    each of our languages (the employer's file is in Chinese whatever language the page is in)."""
    lookup = {_key(alias): code for alias, code in HAZARD_ALIASES.items()}
    for code, _label in Hazard.choices:
        lookup[_key(code)] = code
        lookup[_key(code.replace("_", " "))] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in Hazard.choices:
                lookup[_key(label)] = code
    return lookup


def roster_template() -> bytes:
    """An empty roster with the Chinese headers and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "roster"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["张三", "123X", "13800000000", "焊工", "高温、噪声"])
    for column, width in zip("ABCDE", (12, 14, 16, 14, 24), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read_rows(data: bytes, filename: str = "roster.xlsx") -> list[tuple[int, dict[str, str]]]:
    """The roster's rows, read by ``core.tabular`` (XLSX checked for zip bombs; CSV in
    UTF-8 or GBK with any separator), the same reader every import uses."""
    if len(data) > MAX_BYTES:
        raise WelfareError(_("文件太大（最大 2 MB）。"), field="file")
    columns = [Column(key, str(COLUMN_LABELS[key]), names) for key, names in COLUMNS.items()]
    try:
        with open_table(data, filename=filename or "roster.xlsx") as table:
            try:
                positions = map_columns(table.headers, columns)
            except TabularError:
                positions = {}
            if "name" not in positions or not ({"phone", "id_last4"} & positions.keys()):
                raise WelfareError(
                    _("第 1 行应是表头：姓名、身份证后四位、手机号、岗位、接触危害因素。"),
                    field="file",
                )
            out = []
            for count, (number, values) in enumerate(table.rows(), start=1):
                if count > MAX_ROWS:
                    raise WelfareError(_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}, field="file")
                cells = {c: values[i] if i < len(values) else "" for c, i in positions.items()}
                if any(cells.values()):
                    out.append((number, cells))
    except TabularError as exc:
        if "空的" in exc.message:
            raise WelfareError(_("名册是空的。"), field="file") from None
        raise WelfareError(exc.message, field="file") from None
    if not out:
        raise WelfareError(_("名册里没有劳动者。"), field="file")
    return out


def _check_row(row: RosterRow, *, workplace: Workplace, seen: dict[str, int]) -> None:
    """Judge one row against the workplace's registered workers and the rows above it."""
    if not row.name:
        row.error("name", _("姓名不能为空。"))
    if len(row.name) > 50:
        row.error("name", _("姓名最多 50 字。"))
    if len(row.job) > 100:
        row.error("job", _("岗位最多 100 字。"))
    if not row.phone_key and not row.id_last4 and row.action != "error":
        row.error("phone", _("手机号和身份证后四位至少填一项，用来识别劳动者。"))
    if row.action == "error":
        return
    identity = row.phone_key or f"{row.name}|{row.id_last4}"
    if identity in seen:
        column = "phone" if row.phone_key else "id_last4"
        row.error(column, _("与第 %(n)d 行是同一个人。") % {"n": seen[identity]})
        return
    seen[identity] = row.line
    workers = Worker.objects.filter(workplace=workplace, left_on__isnull=True)
    existing = (
        workers.filter(phone_key=row.phone_key).first()
        if row.phone_key
        else workers.filter(name=row.name, id_last4=row.id_last4).first()
    )
    row.action, row.worker_id = ("update", existing.pk) if existing else ("new", None)


def roster_preview(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    data: bytes,
    filename: str = "roster.xlsx",
) -> RosterPreview:
    """Read a roster (XLSX or CSV) and judge every row (nothing is written)."""
    require_union(actor, workplace.union)
    lookup = hazard_lookup()
    preview = RosterPreview(workplace_id=workplace.pk, rows=[])
    seen: dict[str, int] = {}
    for line, cells in _read_rows(data, filename):
        row = RosterRow(line=line, name=cells.get("name", ""), job=cells.get("job", ""))
        try:
            row.id_last4 = clean_id_last4(cells.get("id_last4", ""))
        except DomainError as exc:
            row.error("id_last4", exc.message)
        try:
            row.phone_key = phone_key_of(cells.get("phone", ""))
        except DomainError as exc:
            row.error("phone", exc.message)
        unknown = []
        for part in HAZARD_SPLIT.split(cells.get("hazards", "")):
            # "high temperature" is one name; "高温 噪声" two.
            words = [part] if _key(part) in lookup else part.split()
            for word in words:
                code = lookup.get(_key(word))
                if code is None:
                    unknown.append(word)
                elif code not in row.hazards:
                    row.hazards.append(code)
        if unknown:
            row.error(
                "hazards",
                _("不认识的危害因素：%(h)s（可填：%(known)s）。")
                % {"h": "、".join(unknown)[:60],
                   "known": "、".join(str(label) for _code, label in Hazard.choices)},
            )  # fmt: skip
        _check_row(row, workplace=workplace, seen=seen)
        preview.rows.append(row)
    return preview


@transaction.atomic
def roster_apply(
    *,
    actor: AbstractBaseUser | None,
    workplace: Workplace,
    rows: Sequence[dict[str, Any]],
    category: str,
    consent: bool,
) -> dict[str, int]:
    """Apply a previewed roster: every row or none. The rows are judged again against the
    workplace as it is now, so a change since the preview cannot slip through."""
    require_union(actor, workplace.union)
    if not consent:
        raise WelfareError(_("请确认用人单位已取得名册上每位劳动者的同意。"), field="consent")
    seen: dict[str, int] = {}
    judged = []
    for data in rows:
        row = RosterRow(
            line=int(data["line"]), name=str(data["name"]).strip(),
            id_last4=clean_id_last4(str(data["id_last4"])), phone_key=str(data["phone_key"]),
            job=str(data["job"]).strip(), hazards=clean_hazards(list(data["hazards"])),
        )  # fmt: skip
        _check_row(row, workplace=workplace, seen=seen)
        if row.action == "error":
            first = row.errors[0]
            raise WelfareError(
                _("第 %(line)d 行 %(column)s：%(message)s")
                % {"line": row.line, "column": first["column"], "message": first["message"]},
                field="file",
            )
        judged.append(row)
    if not judged:
        raise WelfareError(_("名册里没有劳动者。"), field="file")
    counts = {"new": 0, "update": 0}
    for row in judged:
        if row.action == "update":
            worker = Worker.objects.get(pk=row.worker_id)
            worker_update(
                actor=actor, worker=worker, name=row.name, id_last4=row.id_last4, job=row.job,
                hazards=row.hazards, reason=_("名册导入"),
            )  # fmt: skip
        else:
            worker_register(
                actor=actor, name=row.name, category=category, union=workplace.union,
                consent=True, workplace=workplace, hazards=row.hazards,
                id_last4=row.id_last4, job=row.job, phone_key=row.phone_key,
            )  # fmt: skip
        counts[row.action] += 1
    return counts
