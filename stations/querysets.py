"""Reusable filters for the network's tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.gis.db import models

if TYPE_CHECKING:
    from stations.models import Union


class UnionQuerySet(models.QuerySet):
    def under(self, union: Union) -> UnionQuerySet:
        """The union and every union below it: one prefix query on the indexed path."""
        return self.filter(path__startswith=union.path)


class StationQuerySet(models.QuerySet):
    def active(self) -> StationQuerySet:
        """Stations that are running (not paused or closed)."""
        return self.filter(status="active")

    def under(self, union: Union) -> StationQuerySet:
        """Stations run by the union or any union below it."""
        return self.filter(union__path__startswith=union.path)
