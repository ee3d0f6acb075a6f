"""gunicorn settings for `make serve` and production (gunicorn reads this file from the
working directory; command-line flags override it).

Workers are processes sized from the CPUs this process may run on: 2 × CPUs + 1, the
usual rule for a WSGI app that waits on PostgreSQL part of the time. ``WEB_CONCURRENCY``
overrides it (a container with a CPU quota it cannot see should set it).

Logs: gunicorn's own lines and the access log (on by default, ``GUNICORN_ACCESS_LOG=off``
turns it off) are JSON objects, one a line, like the application's (core.observability);
an access line carries the request's ``X-Request-ID``.

Reload with new code: ``kill -USR2 <master>`` (systemd: ``ExecReload``). With
``preload_app`` a HUP would fork new workers from the old master's already-imported code,
so a reload serves the old code (or a new view with an old middleware). USR2 starts a new
master that imports the new code; if that fails the old master keeps serving. Once the new
master is ready it takes over as systemd's main process and stops the old one gracefully
(``when_ready`` below): in-flight requests finish, nothing is refused.
"""

import json
import logging
import os
import signal

from gunicorn import glogging
from gunicorn import systemd as gunicorn_systemd

_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

bind = os.environ.get("YIZHAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (_cpus or 1) + 1))
worker_class = "sync"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load Django once, before the fork: less memory, a broken settings module fails at once.
# Database connections are opened lazily, after the fork, so none is shared.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle a worker now and then: a slow leak in any library stays bounded.
max_requests = 5000
max_requests_jitter = 500
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access.lower() in ("off", "none", "") else _access
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None


class _JsonLines(logging.Formatter):
    """One JSON object a line: timestamp, level, logger, message and a record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class JsonLogger(glogging.Logger):
    """gunicorn's error and access logs as JSON lines, like the application's."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(_JsonLines())

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "request_id": atoms.get("{x-request-id}o", "-"),
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": atoms["a"],
        }
        message = f"{atoms['m']} {atoms['U']} {atoms['s']}"
        self.access_log.info(message, extra={"fields": fields})


logger_class = JsonLogger


def when_ready(server):
    """After USR2: the new master has imported the new code and listens; it becomes
    systemd's main process (NotifyAccess=all) and stops the old master gracefully."""
    old = getattr(server, "master_pid", 0)
    if old:
        gunicorn_systemd.sd_notify(f"MAINPID={os.getpid()}", server.log)
        server.log.info("new master ready with the new code; stopping old master %s", old)
        os.kill(old, signal.SIGTERM)


def child_exit(server, worker):
    """Metrics of a dead worker stay counted but its live gauges go (prometheus_client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
