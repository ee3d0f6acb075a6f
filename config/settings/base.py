"""Settings shared by every environment. Values an operator sets come from the environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
    "core",
    "stations",
    "campaigns",
    "welfare",
    "supervision",
    "maps",
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",  # first: every log line of the request has it
    "core.api.ApiErrorMiddleware",  # every error under /api/ answers the envelope
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.replicas.ReplicaRoutingMiddleware",
    "core.middleware.ReadSmallBodiesMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
                "core.context_processors.csp_nonce",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", base_dir=BASE_DIR)}
# Persistent connections: PostGIS connection set-up costs more than a nearby query.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] > 0
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer) a server connection
# changes between transactions: no server-side cursors (named cursors outlive the
# transaction) and no prepared statements kept on a connection. psycopg's client-side
# binding, Django's default, prepares nothing; prepare_threshold=None makes that explicit.
DATABASE_POOLER = env_choice("DATABASE_POOLER", ("none", "pgbouncer"), "none")
# A streaming read replica for the public read path (core.replicas); off when unset.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", base_dir=BASE_DIR)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True  # a stopped replica is noticed
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_REPLICA_CONNECT_TIMEOUT", 2, minimum=1
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _alias in DATABASES.values():
    if DATABASE_POOLER == "pgbouncer" and "postgis" in _alias["ENGINE"]:
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias.setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# Public reads the replica answers (URL names, and path prefixes for tiles and open data).
REPLICA_READ_VIEWS = env_list(
    "REPLICA_READ_VIEWS",
    [
        "api-station-nearby",
        "api-station-list",
        "api-station-clusters",
        "api-station-detail",
        "station",
        "nearby",
    ],
)
REPLICA_READ_PREFIXES = env_list("REPLICA_READ_PREFIXES", ["/tiles/", "/opendata/", "/ogc/"])
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=0)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 5, minimum=1)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# core.scoping reads roles from this model, as Django reads users from AUTH_USER_MODEL.
SCOPE_MEMBERSHIP_MODEL = "stations.Membership"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES. Counted in the
# database, so every process sees the same count; successful logins are not logged (PIPL).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# ... and an address is locked after AXES_IP_FAILURE_LIMIT failures over any user names
# (guesses spread over many names), core.login_limits.
AXES_HANDLER = "core.login_limits.PerAddressDatabaseHandler"
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30, minimum=1)
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("NUM_PROXIES", 0, minimum=0)

# Second factor (django-otp, TOTP): organizers and admins may turn it on at
# /accounts/two-factor/; with OTP_REQUIRED_FOR_ADMINS, union admins and superusers must.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "yizhan"
# API tokens issued at POST /api/v1/auth/token/ expire after this many hours.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)

# Content-Security-Policy on every page (django-csp): scripts only from our own static
# files (no inline script; django-leaflet's widget scripts carry the request's nonce),
# tiles from the configured provider over HTTPS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # Leaflet and Swagger UI style elements
        "img-src": [SELF, "data:", "blob:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: zh-Hans first, English second; everything in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Private files (admin import uploads, contest evidence): outside MEDIA_ROOT, so the web
# server never serves them; only core.private_files' view does, after checking scope.
# PRIVATE_MEDIA_SERVE: "django" streams the file; "x-accel-redirect" (nginx) and
# "x-sendfile" (Apache) hand it to the web server under PRIVATE_MEDIA_INTERNAL_URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
PRIVATE_MEDIA_SERVE = env_choice(
    "PRIVATE_MEDIA_SERVE", ("django", "x-accel-redirect", "x-sendfile"), "django"
)
PRIVATE_MEDIA_INTERNAL_URL = env_str("PRIVATE_MEDIA_INTERNAL_URL", "/_private/")
#: Hours an import's uploaded file is kept when its job never ends (docs/privacy.md).
IMPORT_FILE_RETENTION_HOURS = env_int("IMPORT_FILE_RETENTION_HOURS", 24, minimum=1)

# Public files under MEDIA_ROOT (folders), served at MEDIA_URL by the web server in front,
# or by Django itself with SERVE_PUBLIC_MEDIA (make serve). Everything else there is private.
PUBLIC_MEDIA_PREFIXES = env_list("PUBLIC_MEDIA_PREFIXES", ["public/"])
SERVE_PUBLIC_MEDIA = env_bool("SERVE_PUBLIC_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home-for-role"  # each role lands on its own home
LOGOUT_REDIRECT_URL = "/"

# Celery (broker, queues, retries, the beat schedule): config/settings/queue.py.
from config.settings.queue import *  # noqa: E402

CELERY_TIMEZONE = TIME_ZONE
STOCK_ALERT_DAYS = env_int("STOCK_ALERT_DAYS", 5, minimum=1)

# Public forms (feedback, problem reports, hazard reports): per client address.
PUBLIC_FORM_RATE = env_str("PUBLIC_FORM_RATE", "10/minute")

# REST API
REST_FRAMEWORK = {
    # JSON strings may not hold NUL (PostgreSQL text cannot): a 400 naming the field.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONWithoutNulParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's, refusing expired tokens and a second-factor user's token not issued
        # after a second-factor login (core.authentication).
        "core.authentication.SecondFactorTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public_form": PUBLIC_FORM_RATE},
    # Behind a proxy, set to the number of proxies that append to X-Forwarded-For;
    # 0 trusts only the connection's own address (a client cannot spoof it).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "yizhan API",
    "DESCRIPTION": "Outdoor-worker service stations: public finder, station desk, campaigns.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "WorkerCategoryEnum": "core.categories.WorkerCategory",
        "FindingCategoryEnum": "supervision.models.FindingCategory",
        "FindingStatusEnum": "supervision.models.FindingStatus",
        "AccidentCategoryEnum": "supervision.models.AccidentCategory",
        "ProjectKindEnum": "supervision.models.Project.Kind",
        "AccidentCheckKindEnum": "supervision.models.AccidentCheck.Kind",
        "AccidentKindEnum": "supervision.models.Accident.Kind",
    },
}

# Map tiles. "osm" (default), "tianditu" (needs TIANDITU_KEY), "gcj02" (a GCJ-02 provider
# such as Amap; markers are shifted for display) or "none" (no base layer, offline).
MAP_TILE_PROVIDER = env_choice("MAP_TILE_PROVIDER", ("osm", "tianditu", "gcj02", "none"), "osm")
TIANDITU_KEY = env_str("TIANDITU_KEY", "")
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
if MAP_TILE_PROVIDER == "tianditu" and not TIANDITU_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Environment variable TIANDITU_KEY is required when MAP_TILE_PROVIDER=tianditu."
    )

TILE_PROVIDERS = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap contributors",
        "subdomains": "abc",
        "crs": "wgs84",
    },
    "tianditu": {
        "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + TIANDITU_KEY,
        "attribution": "© 天地图",
        "subdomains": "01234567",
        "crs": "wgs84",  # CGCS2000 is WGS-84 to within centimetres
    },
    "gcj02": {
        "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
        "&style=8&x={x}&y={y}&z={z}",
        "attribution": "© 高德地图",
        "subdomains": "1234",
        "crs": "gcj02",  # markers are shifted from WGS-84 for display
    },
    "none": {"url": "", "attribution": "", "subdomains": "", "crs": "wgs84"},
}
TILE_PROVIDER = dict(TILE_PROVIDERS[MAP_TILE_PROVIDER])
if MAP_TILE_URL:
    TILE_PROVIDER["url"] = MAP_TILE_URL

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (36.6171, 101.7782),  # Xining
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "TILES": (
        [
            (
                "base",
                TILE_PROVIDER["url"],
                {
                    "attribution": TILE_PROVIDER["attribution"],
                    "subdomains": TILE_PROVIDER["subdomains"],
                },
            )
        ]
        if TILE_PROVIDER["url"] and TILE_PROVIDER["crs"] == "wgs84"
        else []
    ),
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# Phone numbers of workers are kept only as HMACs with this secret (PIPL: minimal data).
# Changing it makes earlier hand-outs unrecognisable for per-person limits.
WORKER_ID_SECRET = env_str("WORKER_ID_SECRET", "") or f"worker-id:{SECRET_KEY}"

# Retention (PIPL, docs/privacy.md): days after a report is closed before the hazard
# reporter's contact and report photos are deleted by the daily retention task.
HAZARD_CONTACT_RETENTION_DAYS = env_int("HAZARD_CONTACT_RETENTION_DAYS", 180, minimum=1)
REPORT_PHOTO_RETENTION_DAYS = env_int("REPORT_PHOTO_RETENTION_DAYS", 90, minimum=1)

# Stations
REPORT_PHOTO_MAX_BYTES = env_int("REPORT_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
STATION_INSPECTION_MAX_AGE_DAYS = env_int("STATION_INSPECTION_MAX_AGE_DAYS", 180, minimum=1)
# Mainland China, Hainan and the South China Sea islands, as a bounding box for sanity
# checks on coordinates (lng_min, lat_min, lng_max, lat_max).
CHINA_BOUNDS = (73.4, 3.8, 135.1, 53.6)

# A cache shared by every process (rate limits): redis://… in production; the quick start
# runs one process and keeps it in memory.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if YIZHAN_DEPLOYMENT:
    CACHES["default"]["KEY_PREFIX"] = YIZHAN_DEPLOYMENT

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "yizhan@localhost")

# One JSON object a line (timestamp, level, logger, message, request_id; core.observability);
# LOG_FORMAT=text for a person reading a terminal.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes says at INFO level every time it clears a user's failures: on each login.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}

YIZHAN_ALLOW_DEMO = False  # only the quick-start settings turn it on

# Monitoring (docs/operations.md). /metrics answers these networks (the client address as
# NUM_PROXIES reads it) or a request with "Authorization: Bearer $METRICS_TOKEN".
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# /healthz is degraded when the worker's or beat's heartbeat (every minute) is older.
HEARTBEAT_STALE_SECONDS = env_int("HEARTBEAT_STALE_SECONDS", 300, minimum=60)
# Import uploads (names and phones in plain text) are deleted after this many days.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 7, minimum=1)
# Errors by e-mail (ADMINS, comma-separated addresses) and to Sentry (SENTRY_DSN), with
# personal data scrubbed before sending (core.sentry).
ADMINS = [(address, address) for address in env_list("ADMINS", [])]
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE", ""),
    )

SITE_NAME = _("驿站 · 户外劳动者服务站点")

# Debian 12 ships GDAL 3.6; the check asks for 3.9 to block file and network access while
# GDAL parses a spatial reference. yizhan never hands GDAL a spatial reference or a file
# name a client wrote: coordinates arrive as numbers and every geometry is SRID 4326.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Welfare: workplaces, health surveillance, hazard reports, weather.
# The national tables the rules apply (WBGT limits, the heat, cold-wave and wind-chill
# rules, the warm-up schedule, the cold-work grades) live with the app that applies them:
# welfare/rules_tables.py, the seasons in core/seasons.py, the winter category weights in
# campaigns/services/lifecycle.py. A setting of the same name, when set, replaces one.
HEALTH_CHECK_INTERVAL_MONTHS = env_int("HEALTH_CHECK_INTERVAL_MONTHS", 12, minimum=1)
# Season dates (the heat and cold checks), reward amounts per grade, the report phone and
# e-mail, the station standard (六有/八有) and the hot hours are province rules: data in the
# admin (welfare.ProvinceRule, read through welfare.rules.rule_value), not settings.
# Official warning signals (CAP 1.2, GB/T 35965.1-2018 profile): the feed polled every
# 10 minutes ("" = none; signals may still be loaded from files, load_official_alerts).
OFFICIAL_ALERT_FEED_URL = env_str("OFFICIAL_ALERT_FEED_URL", "")
# A signal without <expires> is shown this many hours after it was sent.
OFFICIAL_ALERT_DEFAULT_HOURS = env_int("OFFICIAL_ALERT_DEFAULT_HOURS", 24, minimum=1)
# Minutes after a hand-out is recorded in which the desk may take it back (a wrong tap);
# later, stock is corrected by an adjustment with a reason (campaigns.services.reversals).
HAND_OUT_UNDO_MINUTES = env_int("HAND_OUT_UNDO_MINUTES", 5, minimum=0)
WEATHER_API_URL = env_str("WEATHER_API_URL", "https://api.open-meteo.com/v1/forecast")
WEATHER_CONNECT_TIMEOUT = 3.05
WEATHER_READ_TIMEOUT = 10
WEATHER_RETRIES = env_int("WEATHER_RETRIES", 2, minimum=0)
WEATHER_BACKOFF = 0.5
# Per province (GB/T 2260 code): replace the "heat", "cold_wave" or "wind_chill" list.
WEATHER_RULE_OVERRIDES: dict[str, dict] = {}
# High-altitude work (高原作业): GBZ 188-2014 §9.8 and GBZ 92 (职业性高原病) count work at or
# above 3000 m; a workplace at or above this altitude is flagged.
HIGH_ALTITUDE_M = env_int("HIGH_ALTITUDE_M", 3000, minimum=0)
# The quick start's season: "" follows today's date (Nov–Mar winter, May–Sep summer,
# Apr/Oct a campaign being planned); winter|summer|planning forces one.
YIZHAN_DEMO_SEASON = env_choice("YIZHAN_DEMO_SEASON", ("", "winter", "summer", "planning"), "")

# Supervision: the TrueType font (a .ttc collection is fine) of the PDF notices, Chinese
# included; Debian's fonts-wqy-microhei by default (scripts/lib.sh installs it).
NOTICE_FONT_PATH = env_str("NOTICE_FONT_PATH", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
