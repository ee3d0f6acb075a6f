from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("服务站点网络")

    def ready(self) -> None:
        from stations.spatial import repair_spatialite_indexes

        post_migrate.connect(repair_spatialite_indexes, sender=self)
