"""Production: every secret from the environment, HTTPS only. Refuses to start insecure:
a short or published secret, ``*`` in ALLOWED_HOSTS, DEBUG on (core.deploy), or a
``check --deploy`` warning not accepted below with its reason."""

from config.env import env_bool, env_int, env_list, env_str
from config.settings.base import *
from core.deploy import refuse_insecure_settings

YIZHAN_ALLOW_DEMO = False  # the demo loaders refuse to run
WORKER_ID_SECRET = env_str("WORKER_ID_SECRET")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Off only for plain HTTP on loopback (make serve); a real deployment keeps them on.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the desk's JavaScript reads it to send X-CSRFToken
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", True)
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]

# check --deploy warnings this deployment accepts, each with its reason (core.deploy turns
# any other into an error that stops gunicorn, migrate and check). Served on loopback
# only (make serve, plain HTTP that never leaves the machine), the HTTPS-only settings may
# be off; a deployment that answers any other host name must keep them on.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEPLOY_WARNINGS_ACCEPTED: dict[str, str] = {}
if set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    _REASON = "served on loopback only (ALLOWED_HOSTS): plain HTTP never leaves the machine"
    DEPLOY_WARNINGS_ACCEPTED |= {
        "security.W008": _REASON,  # SECURE_SSL_REDIRECT off
        "security.W012": _REASON,  # SESSION_COOKIE_SECURE off
        "security.W016": _REASON,  # CSRF_COOKIE_SECURE off
    }

refuse_insecure_settings(globals())
