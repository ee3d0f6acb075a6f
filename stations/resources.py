"""Import and export of stations (CSV/XLSX through django-import-export).

Rows carry ``lat``/``lng`` (WGS-84), union and region codes and service codes separated by
``;``. Each row is written by ``stations.services.network.station_upsert`` so an import
obeys the same validation and scoping as the admin form and the API; import-export's own
writes (``save``, many-to-many, delete) are switched off.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from core.errors import DomainError
from stations.models import Station
from stations.services.network import station_upsert

IMPORTED_FIELDS = (
    "name",
    "name_en",
    "kind",
    "host_organization",
    "address",
    "phone",
    "altitude_m",
    "status",
    "seats",
    "step_free",
    "accessible_toilet",
    "is_24h",
)


class StationResource(resources.ModelResource):
    union = fields.Field(attribute="union__code", column_name="union")
    region = fields.Field(attribute="region__code", column_name="region")
    lat = fields.Field(column_name="lat")
    lng = fields.Field(column_name="lng")
    services = fields.Field(column_name="services")

    class Meta:
        model = Station
        import_id_fields = ("code",)
        fields = ("code", *IMPORTED_FIELDS, "union", "region", "lat", "lng", "services")
        export_order = fields
        use_transactions = True
        skip_unchanged = False

    def get_queryset(self):
        return super().get_queryset().select_related("union", "region").prefetch_related("services")

    def dehydrate_lat(self, station: Station) -> float:
        return round(station.location.y, 6)

    def dehydrate_lng(self, station: Station) -> float:
        return round(station.location.x, 6)

    def dehydrate_services(self, station: Station) -> str:
        return ";".join(sorted(s.code for s in station.services.all()))

    def __init__(self, *, actor: Any = None, **kwargs: Any) -> None:
        # ``actor=None`` is the system (management commands); the admin passes the user.
        super().__init__(**kwargs)
        self.actor = actor

    def import_instance(self, instance: Station, row: Any, **kwargs: Any) -> None:
        """Values are applied by station_upsert in save_instance; nothing to copy here."""

    def save_instance(self, instance: Station, is_create: bool, row: Any, **kwargs: Any) -> None:
        data = {name: row.get(name) for name in IMPORTED_FIELDS if row.get(name) not in (None, "")}
        for flag in ("step_free", "accessible_toilet", "is_24h"):
            if flag in data:
                data[flag] = str(data[flag]).strip().lower() in ("1", "true", "yes", "是")
        if "seats" in data:
            data["seats"] = int(data["seats"])
        codes = [c.strip() for c in str(row.get("services") or "").split(";") if c.strip()]
        try:
            lat, lng = float(row.get("lat")), float(row.get("lng"))
        except (TypeError, ValueError):
            raise ValidationError({"lat": "lat/lng must be numbers"}) from None
        try:
            station, _created = station_upsert(
                actor=self.actor,
                code=str(row.get("code")).strip(),
                union_code=str(row.get("union") or "").strip(),
                region_code=str(row.get("region") or "").strip(),
                lat=lat,
                lng=lng,
                services=codes,
                **data,
            )
        except DomainError as exc:  # refused (another union) or invalid: a row error
            raise ValidationError({exc.field or "code": exc.message}) from exc
        instance.pk = station.pk  # the row result names the station written

    def save_m2m(self, instance: Station, row: Any, **kwargs: Any) -> None:
        """Services were set by station_upsert with the row."""

    def delete_instance(self, instance: Station, row: Any, **kwargs: Any) -> None:
        raise ValidationError({"code": _("导入不能删除站点。")})
