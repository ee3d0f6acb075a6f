"""Back office for campaigns and stock. Stock changes only through the services (the API,
the campaign pages); here the ledger and levels are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from campaigns import services
from campaigns.models import (
    Allocation,
    Campaign,
    Distribution,
    Item,
    Lot,
    Movement,
    StockEntry,
    StockLevel,
    StockLocation,
    Transfer,
)
from core.admin import ReadOnlyForOrganizersMixin, ScopedAdminMixin


class ReadOnlyScoped(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    list_display = ("code", "name", "unit", "pack_size", "perishable", "season", "unit_cost")
    list_filter = ("season", "perishable")
    search_fields = ("code", "name", "name_en")


@admin.register(Lot)
class LotAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    list_display = ("item", "batch", "expires_on")
    list_select_related = ("item",)
    list_filter = ("item",)
    search_fields = ("batch", "item__name")


@admin.register(StockLocation)
class StockLocationAdmin(ScopedAdminMixin, LeafletGeoAdmin):
    list_display = ("code", "name", "kind", "union")
    list_select_related = ("union",)
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("station",)

    def save_model(self, request: HttpRequest, obj: StockLocation, form: Any, change: bool) -> None:
        if obj.kind == StockLocation.Kind.DEPOT:
            location = obj.location
            services.depot_create(
                actor=request.user, code=obj.code, name=obj.name, union=obj.union,
                lat=location.y if location else None, lng=location.x if location else None,
                address=obj.address,
            )  # fmt: skip
            obj.pk = StockLocation.objects.get(code=obj.code).pk
        else:
            super().save_model(request, obj, form, change)


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "union", "starts_on", "ends_on", "status", "target_workers")
    list_select_related = ("union",)
    list_filter = ("kind", "status")
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        if not change:
            created = services.campaign_create(
                actor=request.user, kind=obj.kind, name=obj.name, union=obj.union,
                starts_on=obj.starts_on, ends_on=obj.ends_on, target_workers=obj.target_workers,
                category_targets=obj.category_targets, budget=obj.budget,
                per_person_daily_limit=obj.per_person_daily_limit,
            )  # fmt: skip
            obj.pk = created.pk
            return
        previous = Campaign.objects.get(pk=obj.pk)
        if previous.status != obj.status:
            services.campaign_set_status(actor=request.user, campaign=previous, status=obj.status)
            obj.status = previous.status = Campaign.objects.get(pk=obj.pk).status
        obj.save()


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyScoped):
    union_path_field = "location__union__path"
    list_display = ("location", "lot", "quantity", "reorder_level")
    list_filter = ("location__kind", "lot__item")
    list_select_related = ("location", "lot__item")


@admin.register(StockEntry)
class StockEntryAdmin(ReadOnlyScoped):
    union_path_field = "location__union__path"
    list_display = ("created_at", "movement", "location", "lot", "delta")
    list_filter = ("movement__kind",)
    list_select_related = ("movement", "location", "lot__item")


@admin.register(Movement)
class MovementAdmin(ReadOnlyScoped):
    union_path_field = "entries__location__union__path"
    list_display = ("created_at", "kind", "campaign", "actor", "reason", "cost")
    list_select_related = ("campaign", "actor")
    list_filter = ("kind",)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).distinct()


@admin.register(Transfer)
class TransferAdmin(ReadOnlyScoped):
    union_path_field = "source__union__path"
    list_display = ("created_at", "source", "destination", "status", "campaign", "received_at")
    list_select_related = ("source", "destination", "campaign")
    list_filter = ("status",)


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyScoped):
    union_path_field = "location__union__path"
    list_display = (
        "handed_out_on",
        "campaign",
        "location",
        "item",
        "quantity",
        "category",
        "workers",
    )
    list_select_related = ("campaign", "location", "item")
    list_filter = ("category", "campaign")
    exclude = ("worker_key",)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyScoped):
    union_path_field = "location__union__path"
    list_display = ("campaign", "item", "location", "demand", "proposed", "quantity", "status")
    list_select_related = ("campaign", "item", "location")
    list_filter = ("status", "campaign")
