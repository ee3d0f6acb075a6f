"""Test settings: PostGIS by default (make test sets DATABASE_URL), fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")

from config.settings.base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAP_TILE_PROVIDER = "none"
TILE_PROVIDER = dict(TILE_PROVIDERS["none"])
LEAFLET_CONFIG["TILES"] = []
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)

# pytest-django gives each xdist worker its own test database by appending "_gw0", "_gw1"
# to TEST["NAME"], or to "test_" + NAME when no TEST name is set. It leaves plain sqlite3
# in memory but not SpatiaLite, whose NAME is an absolute path: "test_/work/…_gw0" is no
# file anyone can open. The test database is the configured file with the suffix beside it.
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(DATABASES["default"]["NAME"])
    )
