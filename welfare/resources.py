"""Import of workplaces (CSV/XLSX). Each row goes through ``welfare.services.workplace_save``,
so a wrong credit code is refused with the same message as in the admin and the API."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from core.errors import DomainError
from stations.models import Region, Union
from welfare import services
from welfare.models import Workplace


class WorkplaceResource(resources.ModelResource):
    region = fields.Field(attribute="region__code", column_name="region")
    union = fields.Field(attribute="union__code", column_name="union")
    lat = fields.Field(column_name="lat")
    lng = fields.Field(column_name="lng")

    class Meta:
        model = Workplace
        import_id_fields = ("credit_code",)
        fields = ("name", "credit_code", "address", "industry", "contact_name", "region", "union",
                  "lat", "lng", "altitude_m")  # fmt: skip
        use_transactions = True

    def __init__(self, *, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.actor = actor

    def dehydrate_lat(self, w: Workplace) -> float:
        return round(w.location.y, 6)

    def dehydrate_lng(self, w: Workplace) -> float:
        return round(w.location.x, 6)

    def import_instance(self, instance: Workplace, row: Any, **kwargs: Any) -> None:
        """Values are applied by workplace_save in save_instance."""

    def delete_instance(self, instance: Workplace, row: Any, **kwargs: Any) -> None:
        """An import never removes a workplace (that is ``services.workplace_delete``)."""

    def save_m2m(self, instance: Workplace, row: Any, **kwargs: Any) -> None:
        """A workplace has no many-to-many fields; workplace_save wrote everything."""

    def save_instance(self, instance: Workplace, is_create: bool, row: Any, **kwargs: Any) -> None:
        code = str(row.get("credit_code") or "").strip().upper()
        workplace = Workplace.objects.filter(credit_code=code).first() or Workplace(
            credit_code=code
        )
        workplace.name = str(row.get("name") or "")
        workplace.address = str(row.get("address") or "")
        workplace.industry = str(row.get("industry") or "")
        workplace.contact_name = str(row.get("contact_name") or "")
        if str(row.get("altitude_m") or "").strip():  # blank keeps what is recorded
            workplace.altitude_m = str(row.get("altitude_m")).strip()  # full_clean converts
        try:
            workplace.location = Point(float(row.get("lng")), float(row.get("lat")), srid=4326)
        except (TypeError, ValueError):
            raise ValidationError({"lat": _("lat 和 lng 必须都是数字。")}) from None
        workplace.region = Region.objects.filter(code=str(row.get("region") or "")).first()
        workplace.union = Union.objects.filter(code=str(row.get("union") or "")).first()
        if workplace.region is None:
            raise ValidationError(
                {"region": _("未知的行政区划代码：%(code)s") % {"code": row.get("region")}}
            )
        if workplace.union is None:
            raise ValidationError(
                {"union": _("未知的工会编号：%(code)s") % {"code": row.get("union")}}
            )
        try:
            services.workplace_save(actor=self.actor, workplace=workplace)
        except DomainError as exc:
            raise ValidationError({exc.field or "name": exc.message}) from exc
        instance.pk = workplace.pk  # the import's result rows and log entries name it
