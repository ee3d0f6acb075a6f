"""Back office for campaigns and stock. Every save, status change and delete goes through
``campaigns.services`` (the same functions the pages and the API call); the ledger, levels,
movements, transfers, hand-outs and plan lines are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

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
from campaigns.resources import CampaignResource, DistributionResource, ReceiptResource
from campaigns.services import items, lifecycle, locations
from core.admin import ReadOnlyForOrganizersMixin, ReadOnlyScopedAdminMixin, ScopedAdminMixin
from core.admin_import import TabularAdminMixin, TabularExportMixin
from core.errors import DomainError
from core.scoping import is_organizer


class ReadOnlyScoped(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Item)
class ItemAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    list_display = ("code", "name", "unit", "pack_size", "perishable", "season", "unit_cost")
    list_filter = ("season", "perishable")
    search_fields = ("code", "name", "name_en")

    def save_model(self, request: HttpRequest, obj: Item, form: Any, change: bool) -> None:
        items.item_save(actor=request.user, item=obj)

    def delete_model(self, request: HttpRequest, obj: Item) -> None:
        items.item_delete(actor=request.user, item=obj)


@admin.register(Lot)
class LotAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    """Lots are made by receipts (a batch and its expiry, checked against earlier ones)."""

    list_display = ("item", "batch", "expires_on")
    list_select_related = ("item",)
    list_filter = ("item",)
    search_fields = ("batch", "item__name")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StockLocationForm(forms.ModelForm):
    class Meta:
        model = StockLocation
        fields = ("code", "name", "kind", "union", "location", "address")

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if not self.instance.pk and kind != StockLocation.Kind.DEPOT:
            raise forms.ValidationError(
                _("这里只能新建仓库；站点和作业场所的库存地点在第一次调拨时自动建立。")
            )
        return kind


@admin.register(StockLocation)
class StockLocationAdmin(ScopedAdminMixin, LeafletGeoAdmin):
    form = StockLocationForm
    list_display = ("code", "name", "kind", "union")
    list_select_related = ("union",)
    list_filter = ("kind",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: StockLocation | None = None):
        if obj is None:
            return ("station", "workplace")
        fixed = ("code", "kind", "station", "workplace")
        # A station's or workplace's location belongs to its place's union.
        return fixed if obj.kind == StockLocation.Kind.DEPOT else (*fixed, "union")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the ledger points at every location

    def save_model(self, request: HttpRequest, obj: StockLocation, form: Any, change: bool) -> None:
        if change:
            saved = locations.stock_location_edit(
                actor=request.user, location=obj, name=obj.name, address=obj.address,
                point=obj.location, union=obj.union,
            )  # fmt: skip
        else:
            point = obj.location
            saved = locations.depot_create(
                actor=request.user, code=obj.code, name=obj.name, union=obj.union,
                lat=point.y if point else None, lng=point.x if point else None,
                address=obj.address,
            )  # fmt: skip
        obj.pk = saved.pk


CAMPAIGN_DETAILS = (
    "kind",
    "name",
    "union",
    "starts_on",
    "ends_on",
    "target_workers",
    "category_targets",
    "category_weights",
    "budget",
    "per_person_daily_limit",
    "voucher_name",
)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = (*CAMPAIGN_DETAILS, "status")

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        old = self.instance.status if self.instance.pk else Campaign.Status.PLANNED
        if status != old and status not in lifecycle.CAMPAIGN_TRANSITIONS[old]:
            raise forms.ValidationError(
                _("活动不能从“%(old)s”改为“%(new)s”。")
                % {"old": Campaign.Status(old).label, "new": Campaign.Status(status).label}
            )
        return status


@admin.register(Campaign)
class CampaignAdmin(ScopedAdminMixin, TabularExportMixin, SimpleHistoryAdmin):
    form = CampaignForm
    import_resource_class = CampaignResource
    list_display = ("name", "kind", "union", "starts_on", "ends_on", "status", "target_workers")
    list_select_related = ("union",)
    list_filter = ("kind", "status")
    search_fields = ("name",)
    actions = ["activate_campaigns", "close_campaigns"]

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        details = {name: getattr(obj, name) for name in CAMPAIGN_DETAILS}
        if change:
            saved = Campaign.objects.get(pk=obj.pk)
            if any(getattr(saved, name) != value for name, value in details.items()):
                saved = lifecycle.campaign_update(actor=request.user, campaign=saved, **details)
        else:
            saved = lifecycle.campaign_create(actor=request.user, **details)
        if obj.status != saved.status:
            saved = lifecycle.campaign_set_status(
                actor=request.user, campaign=saved, status=obj.status
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Campaign) -> None:
        lifecycle.campaign_delete(actor=request.user, campaign=obj)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Campaign], status: str) -> None:
        done = 0
        for campaign in queryset:
            try:
                lifecycle.campaign_set_status(actor=request.user, campaign=campaign, status=status)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{campaign}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("已更新 %(n)d 个活动。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("开始所选活动"))
    def activate_campaigns(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.ACTIVE)

    @admin.action(description=_("结束所选活动"))
    def close_campaigns(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.CLOSED)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyScoped):
    union_path_field = "location__union__path"
    list_display = ("location", "lot", "quantity")
    list_filter = ("location__kind", "lot__item")
    list_select_related = ("location", "lot__item")


@admin.register(StockEntry)
class StockEntryAdmin(TabularAdminMixin, ReadOnlyScoped):
    """The ledger, read only; goods receipts are imported here (and exported)."""

    union_path_field = "location__union__path"
    import_resource_class = ReceiptResource

    def may_import(self, request: HttpRequest) -> bool:
        return is_organizer(request.user)

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
class DistributionAdmin(TabularExportMixin, ReadOnlyScoped):
    union_path_field = "location__union__path"
    import_resource_class = DistributionResource
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
class AllocationAdmin(ReadOnlyScoped, SimpleHistoryAdmin):
    """Plan lines are proposed, edited and confirmed on the campaign's plan page; here
    they and their history are read."""

    union_path_field = "location__union__path"
    list_display = ("campaign", "item", "location", "demand", "proposed", "quantity", "status")
    list_select_related = ("campaign", "item", "location")
    list_filter = ("status", "campaign")
