from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from stations.panels import register_attention, register_desk_panel, register_organizer_panel


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("特殊环境劳动保护")

    def ready(self) -> None:
        # The organizer overview (a stations page) shows checks due through this panel;
        # stations may not import welfare (layers), so welfare registers it there. The
        # module reads models, so it is loaded only once the apps are ready.
        panels = import_module("welfare.panels")
        register_organizer_panel(
            name="welfare-checks-due",
            template="welfare/panels/checks_due.html",
            context=panels.checks_due_panel,
        )
        register_desk_panel(
            name="welfare-cold",
            template="welfare/panels/desk_cold.html",
            context=panels.desk_cold_panel,
        )
        register_organizer_panel(
            name="welfare-cold",
            template="welfare/panels/cold.html",
            context=panels.cold_panel,
        )
        # The organizer home's lines (and the province overview's columns).
        attention = import_module("welfare.attention")
        register_attention(name="welfare", source=attention.welfare_attention)
