from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from stations.panels import register_area_column, register_attention


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("服务站点网络")

    def ready(self) -> None:
        # The organizer home and the province overview: the stations' own lines and
        # columns (apps above register theirs the same way). Loaded once apps are ready.
        overview = import_module("stations.overview")
        register_attention(name="stations-visits", source=overview.visits_attention)
        register_attention(name="stations-inspections", source=overview.inspections_attention)
        for column in (*overview.STATION_COLUMNS, overview.INSPECTION_COLUMN):
            register_area_column(column)
