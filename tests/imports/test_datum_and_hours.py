"""Datums against published reference points; opening hours as clerks write them."""

from __future__ import annotations

import datetime as dt

import pytest

from core.datum import crs_name, to_wgs84
from stations.hours import Period
from stations.hours_text import HoursParseError, format_hours_text, parse_hours_text

# hujiulong/gcoord test/unit/crs/GCJ02.spec.ts and BD09.spec.ts: the point [123, 45]
# (lng, lat) read as GCJ-02 and as BD-09, converted to WGS-84 (toBeCloseTo(x, 5)).
# googollee/eviltransform's table (python/test.py), read backwards: the GCJ-02 point of
# each WGS-84 reference must come back to it.
REFERENCES = [
    ("gcj02", (123.0, 45.0), (122.99395597, 44.99804071)),
    ("bd09", (123.0, 45.0), (122.98762210, 44.99171540)),
    ("gcj02", (121.531541859215, 31.17530398364597), (121.5272106, 31.1774276)),  # Shanghai
    ("gcj02", (113.9171764808363, 22.540796131694766), (113.912316, 22.543847)),  # Shenzhen
    ("gcj02", (116.38404722455657, 39.91334545536069), (116.377817, 39.911954)),  # Beijing
    ("wgs84", (101.7752, 36.62105), (101.7752, 36.62105)),
]


@pytest.mark.parametrize(("crs", "given", "wgs"), REFERENCES)
def test_datums_convert_to_wgs84_against_published_points(crs, given, wgs):
    lng, lat = to_wgs84(*given, crs)
    assert abs(lng - wgs[0]) < 5e-6 and abs(lat - wgs[1]) < 5e-6


def test_datum_names_as_people_write_them():
    assert (
        crs_name("GCJ-02") == "gcj02"
        and crs_name("百度") == "bd09"
        and crs_name("WGS84") == "wgs84"
    )
    assert crs_name("utm") is None


def p(day, opens, closes, overnight=False, start="", end=""):
    return Period(
        day, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes), overnight, start, end
    )


EVERY = range(1, 8)


@pytest.mark.parametrize(
    ("text", "is_24h", "periods"),
    [
        ("24小时", True, []),
        ("全天开放", True, []),
        ("8:00-20:00", False, [p(d, "08:00", "20:00") for d in EVERY]),
        ("08：00—20：00", False, [p(d, "08:00", "20:00") for d in EVERY]),
        ("０８：００～２０：００", False, [p(d, "08:00", "20:00") for d in EVERY]),
        ("周一至周五 9:00-17:00，周六日 10:00-16:00", False,
         [p(d, "09:00", "17:00") for d in range(1, 6)] + [p(d, "10:00", "16:00") for d in (6, 7)]),
        ("夏季 7:00-21:00", False, [p(d, "07:00", "21:00", False, "06-01", "08-31") for d in EVERY]),
        ("8:00-12:00 14:00-18:00", False,
         sorted([p(d, "08:00", "12:00") for d in EVERY] + [p(d, "14:00", "18:00") for d in EVERY],
                key=lambda x: (x.weekday, x.opens))),
        ("20:00-次日2:00", False, [p(d, "20:00", "02:00", True) for d in EVERY]),
        ("工作日 8点-18点半", False, [p(d, "08:00", "18:30") for d in range(1, 6)]),
        ("周一、三、五 9:00-11:00", False, [p(d, "09:00", "11:00") for d in (1, 3, 5)]),
        ("6月1日至9月30日 6:00-22:00", False,
         [p(d, "06:00", "22:00", False, "06-01", "09-30") for d in EVERY]),
    ],
)  # fmt: skip
def test_hours_text_parses_into_periods(text, is_24h, periods):
    parsed_24h, parsed = parse_hours_text(text)
    assert parsed_24h is is_24h
    assert sorted(parsed, key=lambda x: (x.season_start, x.weekday, x.opens)) == sorted(
        periods, key=lambda x: (x.season_start, x.weekday, x.opens)
    )


@pytest.mark.parametrize(
    "text", ["看情况", "早上开门", "25:00-26:00", "9:00-9:00", "8:00-20:00 随缘"]
)
def test_unparseable_hours_are_refused_quoting_the_text(text):
    with pytest.raises(HoursParseError) as caught:
        parse_hours_text(text)
    assert f"“{text}”" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["24小时", "8:00-20:00", "周一至周五 9:00-17:00，周六日 10:00-16:00", "夏季 7:00-21:00",
     "8:00-20:00；夏季 7:00-21:00", "周一、三、五 9:00-11:00", "20:00-次日2:00", "周一至周五 24小时"],
)  # fmt: skip
def test_written_hours_parse_back_to_the_same_periods(text):
    is_24h, periods = parse_hours_text(text)
    again = format_hours_text(periods=periods, is_24h=is_24h)
    assert parse_hours_text(again) == (is_24h, periods), again
