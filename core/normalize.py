"""Cells of a spreadsheet row to values: numbers, yes/no, choices and points.

Each raises ``core.importing.RowInvalid`` naming the column at fault, so a row error says
where to look. Coordinates are checked against China's bounds (a point outside, or with
latitude and longitude swapped, is an error) and converted to WGS-84 from the file's datum.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core import datum
from core.importing import RowInvalid
from core.tabular import fold

TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", "没有", "×", ""}


def choice(value: str, choices: Any, column: str) -> str:
    """The code whose code or label (in any of our languages: a clerk's file is in Chinese
    whatever language the page is in) is ``value``."""
    folded = fold(value)
    for code, label in choices:
        if folded == code:
            return code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if folded == str(label):
                    return code
    raise RowInvalid({column: _("不认识“%(v)s”，可填：%(labels)s。") % {
        "v": value, "labels": "、".join(str(label) for _c, label in choices)}})  # fmt: skip


def parse_number(value: str, column: str) -> float:
    try:
        return float(fold(value).replace(",", ""))
    except ValueError:
        raise RowInvalid({column: _("“%(v)s”不是数字。") % {"v": value}}) from None


def parse_altitude(value: str, column: str = "altitude_m") -> int:
    """Metres above sea level as clerks write them: ``2261``, ``2261米``, ``2,261 m``."""
    text = fold(value).replace(",", "").lower().removesuffix("米").removesuffix("m").strip()
    if re.fullmatch(r"-?\d{1,4}", text) and -500 <= int(text) <= 9000:
        return int(text)
    raise RowInvalid({column: _("海拔“%(v)s”应是 -500 至 9000 之间的整数（米）。") % {"v": value}})


def split_lnglat(value: str) -> tuple[str, str]:
    """'101.77,36.62' (or with ，; space) → ('101.77', '36.62')."""
    parts = [p for p in re.split(r"[,;\s]+", fold(value)) if p]
    if len(parts) != 2:
        raise RowInvalid({"lnglat": _("“%(v)s”应写作“经度,纬度”。") % {"v": value}})
    return parts[0], parts[1]


def clean_point(
    lng_text: str, lat_text: str, *, crs: str, column: str = "lng"
) -> tuple[float, float]:
    """WGS-84 (lng, lat) from text in datum ``crs``; outside China or swapped is an error."""
    lng, lat = (
        parse_number(lng_text, column),
        parse_number(lat_text, "lat" if column == "lng" else column),
    )
    lng_min, lat_min, lng_max, lat_max = settings.CHINA_BOUNDS
    inside = lng_min <= lng <= lng_max and lat_min <= lat <= lat_max
    if not inside and lng_min <= lat <= lng_max and lat_min <= lng <= lat_max:
        message = _("经度 %(lng)s、纬度 %(lat)s 似乎填反了（经度在前，约 73–135；纬度约 4–54）。")
        raise RowInvalid({column: message % {"lng": lng_text, "lat": lat_text}})
    if not inside:
        message = _("位置（经度 %(lng)s，纬度 %(lat)s）不在中国境内。")
        raise RowInvalid({column: message % {"lng": lng_text, "lat": lat_text}})
    lng, lat = datum.to_wgs84(lng, lat, crs)
    return round(lng, 6), round(lat, 6)


def parse_flag(value: str, column: str) -> bool:
    folded = fold(value).lower()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise RowInvalid({column: _("“%(v)s”应填“是”或“否”。") % {"v": value}})


def point_from_cells(
    cells: dict[str, str], *, crs: str
) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((lng, lat) in WGS-84, (lng, lat) as written)`` from the cells ``lng`` and ``lat``,
    or ``lnglat`` ("经度,纬度" in one cell, also accepted under 经度)."""
    if cells.get("lnglat") and not (cells.get("lng") or cells.get("lat")):
        lng_text, lat_text = split_lnglat(cells["lnglat"])
        column = "lnglat"
    elif cells.get("lng") and cells.get("lat"):
        lng_text, lat_text, column = cells["lng"], cells["lat"], "lng"
    elif cells.get("lng") and not cells.get("lat") and "," in fold(cells["lng"]):
        lng_text, lat_text = split_lnglat(cells["lng"])
        column = "lng"
    else:
        raise RowInvalid({"lng": _("经度和纬度都要填写（或在“经纬度”一列写“经度,纬度”）。")})
    raw = (parse_number(lng_text, column), parse_number(lat_text, column))
    return clean_point(lng_text, lat_text, crs=crs, column=column), raw
