"""Reading the spreadsheets people really send: XLSX and CSV, streamed row by row.

* XLSX is read with openpyxl in read-only mode, after the zip directory has been checked:
  a member that claims to expand more than ``MAX_RATIO`` times, or a workbook that would
  expand beyond ``MAX_UNCOMPRESSED`` bytes, is refused before openpyxl opens it (a zip
  bomb of a few kilobytes can otherwise ask for gigabytes of memory).
* CSV may be UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"),
  or GBK/GB18030 (what Excel in China saves): a sample is decoded as UTF-8 and, if that
  fails, as GB18030 (a superset of GBK). The separator (``,``, ``;`` or tab) is the one
  the header line uses most.
* Every failure is a :class:`TabularError` (``field="file"``) with a message a clerk can
  act on; nothing here writes anything.

Cells come out as stripped strings (``""`` for empty); whole empty rows are skipped, and
each row carries its line number in the file (the header is line 1), so a row error can
say where to look.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import DomainError

# openpyxl parses a workbook's XML through defusedxml when it is installed (and
# OPENPYXL_DEFUSEDXML is not "False"): a DTD, entity expansion (billion laughs) or an
# external entity (XXE) is then refused. Never read a client's workbook without it.
if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured("openpyxl must read XML through defusedxml (pip install defusedxml)")

#: A workbook may not expand beyond this many bytes in total …
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: … nor any large member beyond this ratio of expanded to stored size (real XLSX: < 20).
MAX_RATIO = 100
#: Members smaller than this are not held to the ratio (tiny XML compresses very well).
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
SAMPLE_BYTES = 64 * 1024
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".tsv": "csv", ".txt": "csv"}
DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"


class TabularError(DomainError):
    """The file as a whole cannot be read (not one row of it)."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message, field="file", **extra)


@dataclass(frozen=True)
class Column:
    """One column a kind of import reads: ``key`` in code, ``label`` as the header a clerk
    writes (Chinese), ``aliases`` also accepted (English codes and other spellings)."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""
    sample: str = ""


def header_key(text: Any) -> str:
    """A header compared without width, case, spaces, underscores or brackets' content."""
    folded = fold(text).lower()
    folded = re.sub(r"[（(\[【].*?[）)\]】]", "", folded)  # "经度(WGS-84)" → "经度"
    return re.sub(r"[\s_\-*:：]+", "", folded)


def fold(text: Any) -> str:
    """Full-width digits, letters and punctuation to ASCII (NFKC), spaces collapsed, ends
    stripped. For codes, numbers, times and coordinates; names keep their own spelling."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"\s+", " ", value.replace("\u3000", " ")).strip()


def tidy(text: Any) -> str:
    """Free text (names, addresses): stray spaces collapsed and stripped, nothing else."""
    value = "" if text is None else str(text)
    return re.sub(r"[\s\u3000]+", " ", value).strip()


def map_columns(headers: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    """Where each known column is in ``headers``; a missing required column is refused,
    naming it as the template does."""
    wanted: dict[str, str] = {}
    for column in columns:
        for name in (column.label, column.key, *column.aliases):
            wanted.setdefault(header_key(name), column.key)
    positions: dict[str, int] = {}
    for index, title in enumerate(headers):
        key = wanted.get(header_key(title))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if missing:
        raise TabularError(
            _("缺少必填列：%(columns)s。第 1 行应是表头（可下载模板对照）。")
            % {"columns": "、".join(missing)},
            missing=missing,
        )
    return positions


@dataclass
class Table:
    """An opened file: its header and a one-pass iterator over its rows."""

    format: str
    headers: list[str]
    _rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    delimiter: str = ""
    estimated_rows: int | None = None  # for a progress bar; blank lines make it high
    _closers: list[Any] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` for each non-empty row after the header, read lazily."""
        return self._rows

    def close(self) -> None:
        for closer in self._closers:
            closer()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _extension(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise TabularError(
            _("无法读取旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 或 CSV 后再上传。")
        )
    if suffix not in EXTENSIONS:
        raise TabularError(
            _("不支持的文件类型“%(ext)s”：请上传 Excel（.xlsx）或 CSV（.csv）文件。")
            % {"ext": suffix or _("无扩展名")}
        )
    return EXTENSIONS[suffix]


def _stream(source: bytes | str | Path | IO[bytes]) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return open(source, "rb")
    return source


def open_table(source: bytes | str | Path | IO[bytes], *, filename: str) -> Table:
    """Open ``source`` (bytes, a path or a binary file) named ``filename``.

    The extension decides the format and the content must agree with it.
    """
    kind = _extension(filename)
    stream = _stream(source)
    stream.seek(0)
    head = stream.read(len(ZIP_MAGIC))
    stream.seek(0)
    if kind == "xlsx":
        if head != ZIP_MAGIC:
            raise TabularError(
                _("文件不是有效的 Excel（.xlsx）工作簿，可能已损坏或只是改了扩展名。")
            )
        return _open_xlsx(stream)
    if head == ZIP_MAGIC:
        raise TabularError(
            _("文件内容是 Excel 工作簿，扩展名却是“%(name)s”：请改为 .xlsx 后再上传。")
            % {"name": Path(filename).suffix}
        )
    return _open_csv(stream)


# XLSX -------------------------------------------------------------------------------------


def check_zip(stream: IO[bytes]) -> None:
    """Refuse a workbook whose zip directory promises more than a real one ever holds."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularError(_("Excel 文件已损坏，无法打开：请重新保存后再上传。")) from None
    if len(members) > MAX_MEMBERS:
        raise TabularError(_("Excel 文件结构异常（成员过多），已拒绝读取。"))
    total = 0
    for member in members:
        total += member.file_size
        stored = max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and member.file_size / stored > MAX_RATIO:
            raise TabularError(
                _(
                    "Excel 文件解压后异常膨胀（%(name)s 压缩比 %(ratio)d 倍），"
                    "疑似“压缩炸弹”，已拒绝读取。"
                )
                % {"name": member.filename, "ratio": member.file_size // stored}
            )
    if total > MAX_UNCOMPRESSED:
        raise TabularError(
            _("Excel 文件解压后超过 %(mb)d MB，已拒绝读取：请拆分后上传或改用 CSV。")
            % {"mb": MAX_UNCOMPRESSED // (1024 * 1024)}
        )
    stream.seek(0)


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return str(value).strip()


XML_REFUSED = gettext_lazy("Excel 文件含有不允许的 XML 内容（DTD 或实体），请重新保存后再上传。")


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl wraps it in a ValueError)."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _open_xlsx(stream: IO[bytes]) -> Table:
    check_zip(stream)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header, start = _first_row((_xlsx_cell(v) for v in row) for row in values)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError,
            ParseError) as exc:  # fmt: skip
        if _defused(exc):
            raise TabularError(XML_REFUSED) from None
        raise TabularError(_("Excel 文件已损坏，无法打开：请重新保存后再上传。")) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, row in enumerate(values, start=start + 1):
                cells = [_xlsx_cell(v) for v in row]
                if any(cells):
                    yield line, cells
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError) as exc:
            if _defused(exc):
                raise TabularError(XML_REFUSED) from None
            raise TabularError(_("Excel 文件已损坏，无法读完：请重新保存后再上传。")) from None

    estimate = max((sheet.max_row or 0) - start, 0) if sheet.max_row else None
    return Table(format="xlsx", headers=header, _rows=rows(), estimated_rows=estimate,
                 _closers=[book.close, stream.close])  # fmt: skip


def _first_row(rows: Iterator[Any]) -> tuple[list[str], int]:
    for line, row in enumerate(rows, start=1):
        cells = list(row)
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells, line
    raise TabularError(_("文件是空的：第 1 行应是表头。"))


# CSV --------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030 (covers GBK and GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise TabularError(_("文件不是文本格式的 CSV：请上传 .xlsx 或另存为 CSV。"))
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: the sample may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TabularError(_("无法识别文件的文字编码：请用 UTF-8 或 GBK 保存 CSV。"))


def detect_delimiter(header_line: str) -> str:
    """The separator the header uses most, outside quotes (``,`` when there is one column)."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_lines(stream: IO[bytes]) -> int:
    lines = 0
    while chunk := stream.read(1024 * 1024):
        lines += chunk.count(b"\n")
    stream.seek(0)
    return lines


def _open_csv(stream: IO[bytes]) -> Table:
    estimate = _count_lines(stream)
    sample = stream.read(SAMPLE_BYTES)
    stream.seek(0)
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    first = sample.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines() or [""]
    delimiter = detect_delimiter(first[0])
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header, start = _first_row([c.strip() for c in row] for row in reader)
    except (UnicodeDecodeError, csv.Error):
        raise TabularError(_("无法读取 CSV 文件：请用 UTF-8 或 GBK 重新保存。")) from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, row in enumerate(reader, start=start + 1):
                cells = [c.strip() for c in row]
                if any(cells):
                    yield line, cells
        except UnicodeDecodeError:
            raise TabularError(
                _("第 %(line)d 行附近有无法按 %(enc)s 解读的文字：请统一用 UTF-8 或 GBK 保存。")
                % {"line": reader.line_num + 1, "enc": encoding}
            ) from None
        except csv.Error as exc:
            raise TabularError(
                _("第 %(line)d 行格式有误（%(error)s）。") % {"line": reader.line_num, "error": exc}
            ) from None

    return Table(
        format="csv", headers=header, _rows=rows(), encoding=encoding, delimiter=delimiter,
        estimated_rows=max(estimate - start, 0), _closers=[text.close],
    )  # fmt: skip


# Writing ----------------------------------------------------------------------------------


# Formula injection (CSV/XLSX): a spreadsheet runs a cell that begins with one of these as a
# formula (=HYPERLINK(...) to leak data, DDE to run programs). OWASP's advice: prefix "'".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def formula_safe(value: Any) -> Any:
    """``value`` for a cell of an export: text that a spreadsheet would run as a formula gets
    a leading ``'`` (shown as text); a plain number written as text stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook saved, after every text cell (and every cell openpyxl took for a
    formula: it does so for any text starting with "=") is made :func:`formula_safe`.
    Every XLSX export saves through here; our exports never hold formulas."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    text = cell.value if isinstance(cell.value, str) else str(cell.value)
                    cell.value = formula_safe(text)
                    cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bytes(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]],
    *,
    title: str = "data",
    notes: Sequence[Sequence[str]] = (),
) -> bytes:
    """A workbook with one data sheet and, when ``notes`` are given, a sheet "说明"."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([formula_safe(v) for v in headers])
    for row in rows:
        sheet.append([formula_safe(v) for v in row])
    if notes:
        help_sheet = book.create_sheet(_("说明"))
        for line in notes:
            help_sheet.append([formula_safe(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
