"""Back office for regions and the union tree: saved and deleted through
``stations.services.regions_unions``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyForOrganizersMixin, ScopedAdminMixin
from stations.models import Region, Union
from stations.services.regions_unions import region_delete, region_save, union_delete, union_save


@admin.register(Region)
class RegionAdmin(ReadOnlyForOrganizersMixin, LeafletGeoAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        region_save(actor=request.user, region=obj)

    def delete_model(self, request: HttpRequest, obj: Region) -> None:
        region_delete(actor=request.user, region=obj)


@admin.register(Union)
class UnionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    union_path_field = "path"
    list_display = ("name", "code", "kind", "region", "parent")
    list_select_related = ("region", "parent")
    list_filter = ("kind", "region__parent")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("region",)
    readonly_fields = ("path", "depth")

    def _covers(self, request: HttpRequest, obj: Union) -> bool:
        return self._scope(request).covers_union(obj)

    def save_model(self, request: HttpRequest, obj: Union, form: Any, change: bool) -> None:
        union_save(actor=request.user, union=obj)

    def delete_model(self, request: HttpRequest, obj: Union) -> None:
        union_delete(actor=request.user, union=obj)
