"""Reading the files people send: encodings, separators, and every bad file refused clearly."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.tabular import (
    MAX_RATIO,
    Column,
    TabularError,
    detect_encoding,
    fold,
    map_columns,
    open_table,
)

ROWS = [
    ["站点编号", "站点名称", "经度"],
    ["QH-XN-0001", "西大街驿站", "101.77"],
    ["QH-XN-0002", "南川；东路", "101.7"],
]


def read(data: bytes, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(data, filename=name) as table:
        return table.headers, list(table.rows())


def csv_text(sep: str) -> str:
    return "\r\n".join(sep.join(f'"{c}"' if sep in c else c for c in row) for row in ROWS) + "\r\n"


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_in_each_encoding_and_separator_reads_the_same(encoding, sep):
    headers, rows = read(csv_text(sep).encode(encoding), "站点.csv")
    assert headers == ROWS[0]
    assert rows == [(2, ROWS[1]), (3, ROWS[2])]


def test_gbk_without_a_bom_is_detected():
    data = csv_text(",").encode("gbk")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert detect_encoding(data) == "gb18030"
    assert read(data, "a.csv")[1][0][1][1] == "西大街驿站"


def test_xlsx_rows_stream_with_line_numbers_and_blank_rows_skipped():
    data = xlsx([ROWS[0], ROWS[1], [None, None, None], [*ROWS[2][:2], 101.7]])
    headers, rows = read(data, "a.xlsx")
    assert headers == ROWS[0]
    assert rows == [(2, ROWS[1]), (4, ROWS[2])]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("站点.pdf", b"%PDF-1.4", "不支持的文件类型“.pdf”"),
        ("站点.xls", b"\xd0\xcf\x11\xe0", "旧版 Excel（.xls）"),
        ("站点", b"a,b", "无扩展名"),
        ("站点.csv", xlsx(ROWS), "扩展名却是“.csv”"),
        ("站点.xlsx", b"code,name\n1,2\n", "不是有效的 Excel"),
        ("站点.xlsx", b"PK\x03\x04" + b"\x00" * 200, "已损坏"),
        ("站点.csv", b"", "文件是空的"),
        ("站点.csv", b"\x00\x01\x02binary", "不是文本格式"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(TabularError) as caught:
        read(data, name)
    assert message in caught.value.message
    assert caught.value.field == "file"


def test_a_truncated_xlsx_is_refused():
    data = xlsx(ROWS)
    with pytest.raises(TabularError, match="损坏"):
        read(data[: len(data) // 2], "a.xlsx")


def zip_bomb() -> bytes:
    """A valid-looking workbook whose sheet expands 50 MB from a few kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(xlsx(ROWS)))
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, b"<!--" + b" " * (50 * 1024 * 1024) + b"-->")
            else:
                archive.writestr(info, source.read(info.filename))
    return out.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_expanded():
    data = zip_bomb()
    assert len(data) < 200 * 1024
    with pytest.raises(TabularError) as caught:
        read(data, "炸弹.xlsx")
    assert "压缩炸弹" in caught.value.message
    assert f"{MAX_RATIO}" not in caught.value.message or "倍" in caught.value.message


COLUMNS = [Column("code", "站点编号", ("station_code",), True), Column("name", "站点名称", (), True),
           Column("lng", "经度", ("lon",))]  # fmt: skip


def test_headers_match_in_chinese_english_full_width_and_with_units():
    assert map_columns(["ＣＯＤＥ", " 站点名称 ", "经度(WGS-84)"], COLUMNS) == {
        "code": 0,
        "name": 1,
        "lng": 2,
    }
    assert map_columns(["station_code", "name"], COLUMNS) == {"code": 0, "name": 1}


def test_a_missing_required_column_is_named():
    with pytest.raises(TabularError) as caught:
        map_columns(["站点编号", "经度"], COLUMNS)
    assert "缺少必填列：站点名称" in caught.value.message


def test_fold_turns_full_width_into_ascii():
    assert fold("　１０１．７７５２，３６．６２　") == "101.7752,36.62"
    assert fold("08：00—20：00") == "08:00—20:00"
