"""gunicorn settings for `make serve` and production (gunicorn reads this file from the
working directory; command-line flags override it).

Workers are processes sized from the CPUs this process may run on: 2 × CPUs + 1, the
usual rule for a WSGI app that waits on PostgreSQL part of the time. ``WEB_CONCURRENCY``
overrides it (a container with a CPU quota it cannot see should set it).
"""

import os

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
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
