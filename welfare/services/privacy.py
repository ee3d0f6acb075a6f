"""Personal data kept no longer than needed (PIPL), and erased on request.

``retention_run`` deletes or anonymises what is past its period (docs/privacy.md): the
contact a hazard reporter left, and report photos, once the report has been closed for the
set number of days. It is safe to run any number of times: a second run finds nothing.

``worker_erase`` erases a registered worker on request: name, ID digits, job and the phone
HMAC are removed from the registration and from its history; health checks keep their
dates and results (the union's statistics) but lose their free-text notes; hand-outs and
vouchers keep their counts but lose the key that linked them to the person.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.privacy import person_key_erasers
from stations.models import FacilityReport
from welfare.models import HazardReport, HealthCheck, Worker
from welfare.services._common import require_union, stamp
from welfare.services.hazards import FINAL_STATUSES

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ERASED_NAME = "（已删除）"
FACILITY_FINAL = ("fixed", "dismissed")


def _delete_files_after_commit(names: list[str]) -> None:
    """Files go only once the rows no longer point at them (a rollback keeps both)."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def retention_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete or anonymise what is past its retention period; answers how many of each."""
    now = now or timezone.now()
    hazard_cutoff = now - dt.timedelta(days=settings.HAZARD_CONTACT_RETENTION_DAYS)
    photo_cutoff = now - dt.timedelta(days=settings.REPORT_PHOTO_RETENTION_DAYS)
    closed = HazardReport.objects.filter(status__in=FINAL_STATUSES, updated_at__lt=hazard_cutoff)
    # .update() leaves updated_at alone: the closure date stays what it was.
    contacts = closed.exclude(contact="").update(contact="")
    hazard_photos = list(closed.exclude(photo="").values_list("pk", "photo"))
    HazardReport.objects.filter(pk__in=[pk for pk, _ in hazard_photos]).update(photo="")
    HazardReport.history.filter(id__in=[pk for pk, _ in hazard_photos]).update(photo="")
    done = FacilityReport.objects.filter(status__in=FACILITY_FINAL, updated_at__lt=photo_cutoff)
    report_photos = list(done.exclude(photo="").values_list("pk", "photo"))
    FacilityReport.objects.filter(pk__in=[pk for pk, _ in report_photos]).update(photo="")
    _delete_files_after_commit([name for _, name in hazard_photos + report_photos])
    return {
        "hazard_contacts": contacts,
        "hazard_photos": len(hazard_photos),
        "report_photos": len(report_photos),
    }


@dataclass(frozen=True)
class Erasure:
    worker: int
    detached: int
    checks: int


@transaction.atomic
def worker_erase(*, actor: AbstractBaseUser | None, worker: Worker) -> Erasure:
    """Erase a registered worker on their request (see the module's docstring)."""
    worker = Worker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    require_union(actor, worker.union)
    detached = 0
    if worker.phone_key:
        marker = f"erased-{secrets.token_hex(16)}"
        for eraser in person_key_erasers().values():
            detached += eraser(worker.phone_key, marker)
    worker.name, worker.id_last4, worker.job, worker.phone_key = ERASED_NAME, "", "", ""
    stamp(worker, actor, _("应本人要求删除个人信息"))
    worker.save()
    Worker.history.filter(id=worker.pk).update(name=ERASED_NAME, id_last4="", job="")
    checks = HealthCheck.objects.filter(worker=worker).exclude(notes="").update(notes="")
    HealthCheck.history.filter(worker_id=worker.pk).update(notes="")
    return Erasure(worker=worker.pk, detached=detached, checks=checks)


def erased(worker: Any) -> bool:
    return worker.name == ERASED_NAME and not worker.phone_key
