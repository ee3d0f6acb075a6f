from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from core.deploy import deploy_warnings_check
from core.spatial import repair_spatialite_indexes, restore_sqlite_busy_timeout


class CoreConfig(AppConfig):
    """What every app shares and no app owns. Imports no app of ours."""

    name = "core"
    verbose_name = _("公共")

    def ready(self) -> None:
        # post_migrate is sent once per app after the whole plan ran: once is enough.
        post_migrate.connect(repair_spatialite_indexes, sender=self)
        connection_created.connect(restore_sqlite_busy_timeout, dispatch_uid="yizhan-busy-timeout")
        if getattr(settings, "DEPLOY_WARNINGS_ACCEPTED", None) is not None:  # production
            checks.register(deploy_warnings_check, "yizhan_deploy")
