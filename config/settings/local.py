"""Quick start: SpatiaLite file under var/, debug on, tasks in-process."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-quick-start-key-change-me")
os.environ.setdefault("DATABASE_URL", "spatialite:///var/db.sqlite3")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_FORMAT", "text")

from config.settings.base import *

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# The quick start may create demo data and the published demo accounts.
YIZHAN_ALLOW_DEMO = True
