"""Stations imported from a spreadsheet are written by station_upsert, with its checks."""

from __future__ import annotations

import pytest
import tablib

from stations.models import Station
from stations.resources.stations import StationResource

pytestmark = [pytest.mark.django_db]

HEADERS = ["code", "name", "kind", "address", "union", "region", "lat", "lng", "services"]


def dataset(*rows: list[str]) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def test_an_import_writes_the_station_and_its_read_copies(network, organizer_xining):
    rows = dataset(
        ["QH-XN-0500", "新驿站", "bank", "城中区", "QH-XN-CZ", "630103", "36.62", "101.78",
         "water;toilet"],
    )  # fmt: skip
    result = StationResource(actor=organizer_xining).import_data(rows, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    station = Station.objects.get(code="QH-XN-0500")
    assert station.union == network.chengzhong
    assert sorted(station.service_codes) == ["toilet", "water"]
    assert station.history.first().history_user == organizer_xining
    assert result.rows[0].object_id == station.pk


def test_an_import_into_another_union_is_refused_row_by_row(network, organizer_xining):
    rows = dataset(
        ["QH-HX-0500", "别人的", "bank", "格尔木", "QH-HX-GEM", "632801", "36.4", "94.9", ""],
        ["QH-XN-0501", "自己的", "bank", "城中区", "QH-XN-CZ", "630103", "36.62", "101.78", ""],
    )  # fmt: skip
    result = StationResource(actor=organizer_xining).import_data(rows, dry_run=False)
    assert not result.has_errors()  # no crash: a validation error naming the union
    (invalid,) = result.invalid_rows
    assert invalid.number == 1
    assert "格尔木市总工会" in str(invalid.error)
    assert not Station.objects.filter(code="QH-HX-0500").exists()
    assert not Station.objects.filter(code="QH-XN-0501").exists()  # all or nothing


def test_a_dry_run_writes_nothing(network, organizer_xining):
    rows = dataset(
        ["QH-XN-0502", "试导入", "bank", "城中区", "QH-XN-CZ", "630103", "36.62", "101.78", ""],
    )  # fmt: skip
    result = StationResource(actor=organizer_xining).import_data(rows, dry_run=True)
    assert not result.has_errors()
    assert not Station.objects.filter(code="QH-XN-0502").exists()
