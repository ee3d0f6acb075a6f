"""Importing a spreadsheet, the same way for every kind of row (stations, workplaces …).

A kind is a django-import-export resource built on :class:`TabularResource`: it names its
``columns`` (Chinese header, English and other spellings), turns one row's cells into
clean values (``clean_row``, raising :class:`RowInvalid` with the column at fault), reads
the current values of the rows' keys (``current_values``, in the same clean form, so a
file exported and imported again compares equal) and writes one row through its app's
service (``write_row``).

Two drivers share those hooks:

* ``TabularResource.import_row`` — django-import-export's own row-by-row import
  (``resource.import_data(dataset)``), and
* :func:`import_table` — the streamed import used by the admin, the commands and the
  Celery task: rows are judged in batches of ``BATCH`` (one query for the batch's current
  values), kinds may write a whole batch at once (``write_batch``; stations stage rows
  with COPY on PostGIS), and the whole file is one transaction that is rolled back on a
  dry run or when any row is in error — all or nothing.

Every row ends as ``new``, ``update`` (with the changed columns), ``unchanged`` or
``error`` (with the column and the reason).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import RowResult

from core.tabular import Column, Table, TabularError, formula_safe, map_columns, open_table

BATCH = 1000
#: How many rows of each outcome a report keeps to show (counts are always complete).
KEEP_ROWS = 1000


#: The key under which ``clean_row`` returns a row's warnings (column key → message):
#: what was left out of a row that is still imported (an unknown service name).
WARNINGS = "__warnings__"


class RowInvalid(Exception):
    """One row cannot be imported: ``errors`` maps a column key to the reason; the row's
    ``warnings`` (if any) are reported beside them."""

    def __init__(self, errors: dict[str, str], *, warnings: dict[str, str] | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.warnings = warnings or {}


@dataclass
class RowOutcome:
    line: int
    key: str = ""
    action: str = "new"  # new | update | unchanged | error
    changed: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, Any] | None = None
    current: dict[str, Any] | None = None


@dataclass
class ImportReport:
    """What an import did or would do."""

    kind: str
    total: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"new": 0, "update": 0, "unchanged": 0, "error": 0}
    )
    rows: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Values a column did not know, kept out of the rows that had them (the rows were
    #: still imported): [{"column", "value", "rows": n, "lines": [...], "action": {...}}].
    unknown: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    dry_run: bool = True
    written: bool = False
    _shown: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def ok_so_far(self) -> bool:
        return not self.errors and self.counts["error"] == 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.counts["error"] == 0 and self.total > 0

    def add(self, outcome: RowOutcome) -> None:
        self.total += 1
        self.counts[outcome.action] += 1
        shown = self._shown.get(outcome.action, 0)
        if (outcome.action != "unchanged" or outcome.warnings) and shown < KEEP_ROWS:
            self._shown[outcome.action] = shown + 1
            self.rows.append(
                {"line": outcome.line, "key": outcome.key, "action": outcome.action,
                 "changed": outcome.changed, "errors": outcome.errors,
                 "warnings": outcome.warnings}
            )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_shown")
        return {**data, "ok": self.ok}


class TabularResource(resources.ModelResource):
    """A django-import-export resource whose rows are judged and written by our hooks.

    Subclasses set ``kind``, ``columns`` and ``key_column`` and implement ``clean_row``,
    ``current_values``, ``write_row`` and ``export_values``. Export headers are the
    columns' Chinese labels (``english=True`` gives the keys).
    """

    kind = ""
    columns: Sequence[Column] = ()
    key_column = "code"
    #: Export with the English column keys (the admin offers both; Chinese by default).
    english_headers = False

    @classmethod
    def get_display_name(cls) -> str:
        return _("英文表头") if cls.english_headers else _("中文表头")

    @classmethod
    def with_english_headers(cls) -> type[TabularResource]:
        return type(
            f"{cls.__name__}English",
            (cls,),
            {"english_headers": True, "__module__": cls.__module__},
        )

    def __init__(self, *, actor: Any = None, options: dict[str, Any] | None = None,
                 english: bool = False, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.actor = actor
        self.options = dict(options or {})
        self.english = english or self.english_headers
        self.fields = {
            c.key: fields.Field(attribute=None, column_name=c.key if self.english else c.label)
            for c in self.columns
        }
        self._seen: dict[str, int] = {}
        self._prepared = False

    # Hooks -------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Read once what every row needs (lookups, the actor's scope)."""

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def current_values(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Clean values of the existing rows with ``keys``; a row the actor may not
        change carries ``{"__error__": (column, message)}``."""
        raise NotImplementedError

    def write_row(
        self, values: dict[str, Any], *, new: bool, current: dict[str, Any] | None
    ) -> Any:
        """Write one row through the app's service; returns the object's primary key."""
        raise NotImplementedError

    def write_batch(self, outcomes: Sequence[RowOutcome]) -> None:
        """Write a batch's new and updated rows; a row the service refuses becomes an error."""
        for outcome in outcomes:
            if outcome.action not in ("new", "update"):
                continue
            try:
                self.write_row(
                    outcome.values or {}, new=outcome.action == "new", current=outcome.current
                )
            except RowInvalid as exc:
                outcome.action = "error"
                outcome.errors = [
                    {"key": k, "column": self.label(k), "message": str(m)}
                    for k, m in exc.errors.items()
                ]

    def finish(self, report: ImportReport, *, write: bool) -> None:
        """After the last batch (kinds that stage rows merge them here; warnings)."""

    def export_values(self, obj: Any) -> dict[str, str]:
        raise NotImplementedError

    def template_rows(self) -> list[list[str]]:
        return [[c.sample for c in self.columns]]

    def notes(self) -> list[list[str]]:
        lines = [[_("列"), _("必填"), _("说明")]]
        for c in self.columns:
            lines.append([c.label, _("是") if c.required else "", str(c.note)])
        keys = ", ".join(c.key for c in self.columns)
        lines += [[""], [_("英文表头也可以：%(keys)s") % {"keys": keys}],
                  [_("CSV 可用 UTF-8 或 GBK 编码，逗号、分号或制表符分隔。")],
                  [_("整个文件要么全部导入，要么（有任何一行出错时）一行都不导入。")]]  # fmt: skip
        return lines

    # Judging -----------------------------------------------------------------------------

    def label(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.label
        return key

    def normalize_key(self, key: str) -> str:
        """The key of a row whose cleaning failed, as ``clean_row`` would have made it
        (for the duplicate check): the raw cell by default."""
        return key

    def _described(self, messages: dict[str, str]) -> list[dict[str, str]]:
        return [{"key": k, "column": self.label(k), "message": str(m)} for k, m in messages.items()]

    def _ensure_prepared(self) -> None:
        if not self._prepared:
            self.prepare()
            self._prepared = True

    def judge(self, batch: Sequence[tuple[int, dict[str, str]]]) -> list[RowOutcome]:
        """Clean, check duplicates and compare with the database, for a batch of rows."""
        self._ensure_prepared()
        outcomes = []
        for line, cells in batch:
            outcome = RowOutcome(line=line, key=str(cells.get(self.key_column, "")).strip())
            self.current_line = line
            try:
                outcome.values = self.clean_row(cells)
                outcome.key = str(outcome.values[self.key_column])
                outcome.warnings = self._described(outcome.values.pop(WARNINGS, {}))
            except RowInvalid as exc:
                outcome.action = "error"
                outcome.errors = self._described(exc.errors)
                outcome.warnings = self._described(exc.warnings)
                outcome.key = self.normalize_key(outcome.key)
            # Every error of a row is reported: a duplicate key too, beside its other errors.
            first = self._seen.get(outcome.key) if outcome.key else None
            if first is not None:
                outcome.action = "error"
                message = _("编号 %(key)s 与第 %(line)d 行重复。") % {
                    "key": outcome.key, "line": first}  # fmt: skip
                outcome.errors.append(
                    {"key": self.key_column, "column": self.label(self.key_column),
                     "message": message}
                )  # fmt: skip
            elif outcome.key:
                self._seen[outcome.key] = line
            outcomes.append(outcome)
        keys = [o.key for o in outcomes if o.action != "error"]
        current = self.current_values(keys) if keys else {}
        for outcome in outcomes:
            if outcome.action == "error":
                continue
            now = current.get(outcome.key)
            if now is None:
                outcome.action = "new"
                continue
            if "__error__" in now:
                column, message = now["__error__"]
                outcome.action, outcome.errors = (
                    "error",
                    [{"key": column, "column": self.label(column), "message": message}],
                )
                continue
            outcome.current = now
            values = outcome.values or {}
            outcome.changed = [self.label(k) for k in values if k in now and values[k] != now[k]]
            outcome.action = "update" if outcome.changed else "unchanged"
        return outcomes

    # django-import-export ----------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        positions = map_columns([str(h or "") for h in dataset.headers], self.columns)
        by_index = {i: k for k, i in positions.items()}
        dataset.headers = [by_index.get(i, f"__extra_{i}") for i in range(len(dataset.headers))]
        self._seen = {}

    def _check_import_id_fields(self, headers: Any) -> None:
        """Required columns were checked by name in before_import."""

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> RowResult:
        result = self.get_row_result_class()()
        line = int(kwargs.get("row_number", 0)) + 1
        cells = {
            k: ("" if v is None else str(v).strip())
            for k, v in row.items()
            if not str(k).startswith("__extra_")
        }
        (outcome,) = self.judge([(line, cells)])
        if outcome.action == "error":
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError(
                {e["key"]: [e["message"]] for e in outcome.errors}
            )
            return result
        result.import_type = {
            "new": RowResult.IMPORT_TYPE_NEW,
            "update": RowResult.IMPORT_TYPE_UPDATE,
        }.get(outcome.action, RowResult.IMPORT_TYPE_SKIP)
        result.diff = outcome.changed
        result.object_repr = outcome.key
        if outcome.action != "unchanged" and not kwargs.get("dry_run"):
            try:
                result.object_id = self.write_row(
                    outcome.values or {}, new=outcome.action == "new", current=outcome.current
                )
            except RowInvalid as exc:
                result.import_type = RowResult.IMPORT_TYPE_INVALID
                result.validation_error = ValidationError(
                    {k: [str(m)] for k, m in exc.errors.items()}
                )
        return result

    def import_data(self, dataset: Any, dry_run: bool = False, raise_errors: bool = False,
                    use_transactions: bool | None = None, collect_failed_rows: bool = False,
                    rollback_on_validation_errors: bool = True, **kwargs: Any) -> Any:  # fmt: skip
        """All or nothing: a row in error rolls every row back (import-export's default
        keeps the valid rows)."""
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors, **kwargs,
        )  # fmt: skip

    def _export_columns(self, selected_fields: Any = None) -> list[Column]:
        chosen = set(selected_fields or ())
        return [c for c in self.columns if not chosen or c.key in chosen or c.label in chosen]

    def export_resource(
        self, instance: Any, selected_fields: Any = None, **kwargs: Any
    ) -> list[str]:
        values = self.export_values(instance)
        return [formula_safe(values.get(c.key, "")) for c in self._export_columns(selected_fields)]

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        return [c.key if self.english else c.label for c in self._export_columns(selected_fields)]

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        """The admin hands over its change list (filtered as shown); add what rows need."""
        return self.export_queryset(queryset)

    def export_queryset(self, queryset: Any) -> Any:
        return queryset


def _batches(
    rows: Iterable[tuple[int, list[str]]], positions: dict[str, int]
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield [(line, {k: cells[i] if i < len(cells) else "" for k, i in positions.items()})
               for line, cells in batch]  # fmt: skip


def import_table(
    resource: TabularResource,
    table: Table,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Judge every row of ``table`` and, unless ``dry_run``, write them all or none.

    Rows are written batch by batch as they are judged, inside one transaction; when a
    row is in error nothing more is written and the transaction is rolled back at the end,
    so the report still lists every row to fix.
    """
    report = ImportReport(kind=resource.kind, dry_run=dry_run)
    positions = map_columns(table.headers, resource.columns)
    resource._seen = {}
    with transaction.atomic():
        for batch in _batches(table.rows(), positions):
            outcomes = resource.judge(batch)
            clean = all(o.action != "error" for o in outcomes)
            if not dry_run and report.ok_so_far and clean:
                resource.write_batch(outcomes)
            for outcome in outcomes:
                report.add(outcome)
            if progress is not None:
                progress(len(batch))
        if report.total == 0:
            report.errors.append(_("文件里除了表头没有任何数据行。"))
        write = not dry_run and report.ok
        if write:
            resource.finish(report, write=True)
        else:
            resource.finish(report, write=False)
            transaction.set_rollback(True)
        report.written = write
    return report


def import_file(
    resource: TabularResource,
    source: Any,
    *,
    filename: str,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Open and import a file; a file that cannot be read is a report with its error."""
    try:
        with open_table(source, filename=filename) as table:
            return import_table(resource, table, dry_run=dry_run, progress=progress)
    except TabularError as exc:
        report = ImportReport(kind=resource.kind, dry_run=dry_run)
        report.errors.append(exc.message)
        return report
