"""Weather alerts: our own estimates and the official signals, public and never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from welfare.models import OfficialAlert, WeatherAlert


class PublicAlertAdmin(admin.ModelAdmin):
    """Public information that only its own writer changes: staff view it, nobody edits."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WeatherAlert)
class WeatherAlertAdmin(PublicAlertAdmin):
    """Public information (the map shows it to everyone); written only by the forecast."""

    list_display = ("day", "region", "kind", "level", "temperature", "stale")
    list_select_related = ("region",)
    list_filter = ("kind", "level", "stale")


@admin.register(OfficialAlert)
class OfficialAlertAdmin(PublicAlertAdmin):
    """Signals as the meteorological offices issued them: public, written only by the
    ingest (feed poll, ``load_official_alerts``); nobody edits what an office issued."""

    list_display = ("sent", "headline", "sender_name", "colour", "msg_type", "expires",
                    "withdrawn_at")  # fmt: skip
    list_filter = ("msg_type", "colour", "kind")
    search_fields = ("identifier", "headline", "sender", "sender_name")
