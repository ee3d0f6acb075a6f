from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.privacy import register_person_key_eraser
from stations.panels import (
    register_area_column,
    register_attention,
    register_desk_panel,
    register_organizer_panel,
)


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("季节性关爱活动")

    def ready(self) -> None:
        # The desk is a stations page, below us in the layers: it shows our supplies
        # through its panel registry. campaigns.panels reads models, so it is loaded only
        # once the apps are ready.
        desk = import_module("campaigns.panels")
        tabs = (
            ("hand-out", _("发放"), "campaigns/desk_hand_out.html"),
            ("deliveries", _("签收"), "campaigns/desk_deliveries.html"),
            ("stock", _("库存"), "campaigns/desk_stock.html"),
        )
        for name, title, template in tabs:
            register_desk_panel(
                name=name,
                template=template,
                context=desk.desk_panel(title),
                scripts=["campaigns/desk-supplies.js"],
            )
        # Erasing a worker (welfare, below us) detaches their key from our records.
        privacy = import_module("campaigns.services.privacy")
        register_person_key_eraser("campaigns", privacy.person_key_detach)
        register_organizer_panel(
            name="campaigns-vouchers",
            template="campaigns/voucher_panel.html",
            context=desk.voucher_panel,
        )
        # The organizer home's "stock below reorder" line and the province overview's
        # hand-outs column.
        overview = import_module("campaigns.overview")
        register_attention(name="campaigns-stock", source=overview.stock_attention)
        register_area_column(overview.HAND_OUT_COLUMN)
