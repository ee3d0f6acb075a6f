"""WGS-84 / GCJ-02 / BD-09 conversions against published vectors, plus round-trip properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maps.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# WGS-84 -> GCJ-02 reference points from googollee/eviltransform, the same table in
# python/test.py, go/transform_test.go, c/test.c and javascript/test.js
# (https://github.com/googollee/eviltransform). Their order is (lat, lng) — reordered here to
# our (lng, lat). The Go/C/JS suites compare to 5-6 decimals; we hold 1e-6 degrees.
EVILTRANSFORM_WGS_TO_GCJ = [
    # (wgs lng, wgs lat), (gcj lng, gcj lat)
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]

# hujiulong/gcoord (https://github.com/hujiulong/gcoord), test/unit/crs/WGS84.spec.ts,
# GCJ02.spec.ts and BD09.spec.ts: every conversion of the point [123, 45] (lng, lat). gcoord
# asserts with Jest's toBeCloseTo(x, 5), i.e. |difference| < 5e-6, so that is the precision
# the source gives; its GCJ-02 -> WGS-84 iteration also stops at 1e-6 only.
GCOORD_123_45 = [
    (wgs84_to_gcj02, (123.00607541, 45.00197815)),
    (gcj02_to_wgs84, (122.99395597, 44.99804071)),
    (gcj02_to_bd09, (123.00636499, 45.00636899)),
    (bd09_to_gcj02, (122.99363304, 44.99365430)),
    (wgs84_to_bd09, (123.0124491, 45.0083293)),
    (bd09_to_wgs84, (122.98762210, 44.99171540)),
]
GCOORD_TOLERANCE = 5e-6

# Points comfortably inside the China box (so neither the point nor its shifted image
# crosses the box edge, where the conversions deliberately stop applying).
china_lng = st.floats(min_value=73.0, max_value=135.0, allow_nan=False)
china_lat = st.floats(min_value=3.0, max_value=53.0, allow_nan=False)


def equirectangular_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    r = 6371008.8
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return r * math.hypot(x, y)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_TO_GCJ)
def test_wgs84_to_gcj02_matches_eviltransform(wgs, gcj):
    got = wgs84_to_gcj02(*wgs)
    assert got == pytest.approx(gcj, abs=1e-6)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_TO_GCJ)
def test_gcj02_to_wgs84_inverts_eviltransform_vectors(wgs, gcj):
    # eviltransform's own exact inverse only promises 0.5 m; ours is exact to 1e-6 degrees.
    got = gcj02_to_wgs84(*gcj)
    assert got == pytest.approx(wgs, abs=1e-6)


@pytest.mark.parametrize(("convert", "expected"), GCOORD_123_45)
def test_conversions_match_gcoord(convert, expected):
    got = convert(123.0, 45.0)
    assert got == pytest.approx(expected, abs=GCOORD_TOLERANCE)
    # And the point really moved: a no-op implementation must not pass.
    assert max(abs(got[0] - 123.0), abs(got[1] - 45.0)) > 1e-3


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat)
def test_gcj02_round_trip(lng, lat):
    gcj = wgs84_to_gcj02(lng, lat)
    assert gcj != (lng, lat)
    back = gcj02_to_wgs84(*gcj)
    assert back == pytest.approx((lng, lat), abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat)
def test_gcj02_inverse_is_exact_from_the_gcj_side(lng, lat):
    wgs = gcj02_to_wgs84(lng, lat)
    assert wgs84_to_gcj02(*wgs) == pytest.approx((lng, lat), abs=1e-7)


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat)
def test_bd09_round_trip(lng, lat):
    bd = gcj02_to_bd09(lng, lat)
    assert bd != (lng, lat)
    assert bd09_to_gcj02(*bd) == pytest.approx((lng, lat), abs=1e-6)
    wgs_bd = wgs84_to_bd09(lng, lat)
    assert bd09_to_wgs84(*wgs_bd) == pytest.approx((lng, lat), abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(lng=china_lng, lat=china_lat)
def test_compositions_chain_through_gcj02(lng, lat):
    assert wgs84_to_bd09(lng, lat) == gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))
    assert bd09_to_wgs84(lng, lat) == gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


@pytest.mark.parametrize(
    "point",
    [
        (2.3522, 48.8566),  # Paris
        (-74.006, 40.7128),  # New York
        (139.6917, 35.6895),  # Tokyo: east of the box
        (71.9, 40.0),  # just west of the box
        (100.0, 55.9),  # just north of the box
        (100.0, 0.8),  # just south of the box
        (151.2093, -33.8688),  # Sydney
    ],
)
def test_out_of_china_points_are_unchanged(point):
    assert out_of_china(*point)
    for convert in (
        wgs84_to_gcj02,
        gcj02_to_wgs84,
        gcj02_to_bd09,
        bd09_to_gcj02,
        wgs84_to_bd09,
        bd09_to_wgs84,
    ):
        assert convert(*point) == point


@pytest.mark.parametrize(
    ("point", "outside"),
    [
        ((101.7782, 36.6171), False),  # Xining
        ((116.3975, 39.9087), False),  # Beijing
        ((72.004, 0.8293), False),  # the box's corner is inside
        ((137.8347, 55.8271), False),
        ((72.0039, 30.0), True),
        ((137.8348, 30.0), True),
        ((100.0, 0.8292), True),
        ((100.0, 55.8272), True),
    ],
)
def test_out_of_china_box(point, outside):
    assert out_of_china(*point) is outside


def test_shift_in_xining_is_a_few_hundred_metres():
    wgs = (101.7782, 36.6171)
    gcj = wgs84_to_gcj02(*wgs)
    bd = wgs84_to_bd09(*wgs)
    gcj_m = equirectangular_m(*wgs, *gcj)
    assert 100 < gcj_m < 1000
    # Baidu shifts further still, but stays within a couple of kilometres.
    assert gcj_m < equirectangular_m(*wgs, *bd) < 2000
