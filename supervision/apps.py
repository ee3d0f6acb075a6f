from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from stations.panels import register_area_column, register_attention, register_organizer_panel


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("劳动保护监督")

    def ready(self) -> None:
        # stations may not import supervision (layers): supervision registers its panel
        # on the organizer overview. The module reads models, so it loads once apps are ready.
        panels = import_module("supervision.panels")
        register_organizer_panel(
            name="supervision-overview",
            template="supervision/panels/overview.html",
            context=panels.supervision_panel,
        )
        # The organizer home's lines (and the province overview's columns).
        attention = import_module("supervision.attention")
        register_attention(name="supervision-findings", source=attention.findings_attention)
        for column in attention.AREA_COLUMNS:
            register_area_column(column)
