"""Celery: the broker, how tasks are queued and retried, and what beat sends when.

Part of the settings (``config.settings.base`` imports it whole); each value an operator
sets comes from the environment.
"""

from __future__ import annotations

from celery.schedules import crontab

from config.env import env_str

# Celery: with no broker configured (quick start) tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With the broker down, a web request gives up queueing within about two seconds (and
# does the work itself or says so) instead of hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Two deployments on one Redis (a second `make serve`, staging beside production) keep
# apart: YIZHAN_DEPLOYMENT names the queue and prefixes every broker, result and cache key.
YIZHAN_DEPLOYMENT = env_str("YIZHAN_DEPLOYMENT", "")
CELERY_TASK_DEFAULT_QUEUE = YIZHAN_DEPLOYMENT or "celery"
if YIZHAN_DEPLOYMENT:
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{YIZHAN_DEPLOYMENT}:"
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{YIZHAN_DEPLOYMENT}:"}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING (JSON) too
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}  # fmt: skip
CELERY_BEAT_SCHEDULE = {
    # Sent by beat, run by a worker: /healthz and /metrics see both alive (core.heartbeat).
    "heartbeat-every-minute": {
        "task": "core.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Expired sessions and old import files (core.services.housekeeping_run).
    "housekeeping-daily": {
        "task": "core.tasks.housekeeping_daily",
        "schedule": crontab(hour=4, minute=10),
    },
    "stock-alerts-daily": {
        "task": "campaigns.tasks.stock_alerts_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    "weather-every-3-hours": {
        "task": "welfare.tasks.refresh_all_weather",
        "schedule": crontab(minute=15, hour="*/3"),
    },
    "official-alerts-every-10-minutes": {
        "task": "welfare.tasks.poll_official_alerts",
        "schedule": crontab(minute="*/10"),
    },
    "visit-partitions-daily": {
        "task": "stations.tasks.visit_partitions_ensure",
        "schedule": crontab(hour=3, minute=30),
    },
    "retention-daily": {
        "task": "welfare.tasks.retention_daily",
        "schedule": crontab(hour=3, minute=30),
    },
    "health-checks-weekly": {
        "task": "welfare.tasks.health_checks_weekly",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "import-files-purge-hourly": {
        "task": "core.tasks.import_files_purge_hourly",
        "schedule": crontab(minute=5),
    },
    "findings-overdue-daily": {
        "task": "supervision.tasks.findings_overdue_daily",
        "schedule": crontab(hour=7, minute=30),
    },
    "notices-overdue-daily": {
        "task": "supervision.tasks.notices_overdue_daily",
        "schedule": crontab(hour=7, minute=40),
    },
}
