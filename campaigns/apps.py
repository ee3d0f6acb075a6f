from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from stations.panels import register_desk_panel


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("季节性关爱活动")

    def ready(self) -> None:
        # The desk is a stations page, below us in the layers: it shows our supplies
        # through its panel registry. campaigns.desk reads models, so it is loaded only
        # once the apps are ready.
        desk = import_module("campaigns.desk")
        register_desk_panel(
            name="campaigns-supplies",
            template="campaigns/desk_supplies.html",
            context=desk.desk_supplies_panel,
            scripts=["campaigns/desk-supplies.js"],
        )
