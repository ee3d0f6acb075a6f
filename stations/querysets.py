"""Reusable filters for the network's tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon

from core.scoping import path_prefix_q

if TYPE_CHECKING:
    from stations.models import Union


class UnionQuerySet(models.QuerySet):
    def under(self, union: Union) -> UnionQuerySet:
        """The union and every union below it: one prefix query on the indexed path."""
        return self.filter(path__startswith=union.path)

    def under_any(self, paths: Iterable[str]) -> UnionQuerySet:
        return self.filter(path_prefix_q("path", paths))


class StationQuerySet(models.QuerySet):
    def active(self) -> StationQuerySet:
        return self.filter(status="active")

    def under(self, union: Union) -> StationQuerySet:
        return self.filter(union__path__startswith=union.path)

    def under_any(self, paths: Iterable[str]) -> StationQuerySet:
        return self.filter(path_prefix_q("union__path", paths))

    def with_services(self, codes: Iterable[str]) -> StationQuerySet:
        """Stations offering every one of ``codes``."""
        qs = self
        for code in codes:
            qs = qs.filter(services__code=code)
        return qs

    def in_bbox(
        self, min_lng: float, min_lat: float, max_lng: float, max_lat: float
    ) -> StationQuerySet:
        box = Polygon.from_bbox((min_lng, min_lat, max_lng, max_lat))
        box.srid = 4326
        return self.filter(location__intersects=box)
