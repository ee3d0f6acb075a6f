import os
import time

from celery import Celery
from celery.signals import before_task_publish

from core.heartbeat import HEARTBEAT_TASK, heartbeat_record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("yizhan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect(dispatch_uid="yizhan-beat-heartbeat")
def _beat_heartbeat(sender: str | None = None, **kwargs: object) -> None:
    """Only beat sends the heartbeat task: sending it is beat's heartbeat (core.heartbeat)."""

    if sender == HEARTBEAT_TASK:
        heartbeat_record(kind="beat", at=time.time())
