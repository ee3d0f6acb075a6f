"""Settings come from the environment and fail early, naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "yizhan.example.org",
    "DATABASE_URL": "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan",
    "WORKER_ID_SECRET": secrets.token_urlsafe(50),
}


def run_django(env_vars: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "MAP_TILE_PROVIDER",
            "WORKER_ID_SECRET",
            "SECURE_SSL_REDIRECT",
            "SECURE_COOKIES",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process
        )
    }
    clean.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "WORKER_ID_SECRET"]
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_django(env_vars, "check")
    assert result.returncode != 0
    assert f"Environment variable {missing} is required" in result.stderr


def test_malformed_database_url_names_the_variable():
    result = run_django({**PRODUCTION_ENV, "DATABASE_URL": "mysql://x@y/z"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgis:// or spatialite:// URL" in result.stderr


def test_malformed_boolean_names_the_variable():
    result = run_django({**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "maybe"}, "check")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be a boolean" in result.stderr


def test_tianditu_without_a_key_is_refused():
    result = run_django({**PRODUCTION_ENV, "MAP_TILE_PROVIDER": "tianditu"}, "check")
    assert result.returncode != 0
    assert "TIANDITU_KEY is required" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_django(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


DEMO_LOADERS = sorted(path.stem for path in ROOT.glob("*/management/commands/load_demo*.py"))


def test_there_are_demo_loaders_to_refuse():
    assert {"load_demo", "load_demo_campaign", "load_demo_welfare"} <= set(DEMO_LOADERS)


@pytest.mark.parametrize("loader", DEMO_LOADERS)
def test_production_settings_never_run_a_demo_loader(loader):
    result = run_django(PRODUCTION_ENV, loader)
    assert result.returncode != 0
    assert "YIZHAN_ALLOW_DEMO" in result.stderr or "quick-start" in result.stderr


# Refuse to start insecure (issue 29, issue 22): each refusal names its reason.
@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("SECRET_KEY", "x", "SECRET_KEY must be at least 50 characters long, got 1"),
        ("SECRET_KEY", "s" * 49 + "0123", None),  # long enough, passes the length rule
        ("SECRET_KEY", "ab" * 30, "SECRET_KEY must have at least 5 different characters"),
        ("SECRET_KEY", "insecure-quick-start-key-change-me", "SECRET_KEY is a published value"),
        ("SECRET_KEY", "test-secret-key-not-for-production", "SECRET_KEY is a published value"),
        (
            "SECRET_KEY",
            "django-insecure-"
            + "q7Wm-Zr2" * 7,  # fixed: pytest-xdist workers must collect the same ids
            "SECRET_KEY is a published value",
        ),
        (
            "SECRET_KEY",
            "k7#Qm2!vX9@pL4$wR8^tY1&zN6*hB3(eJ5)cU0_gF-aD+sK=oI~",
            "SECRET_KEY is a published value",
        ),
        ("WORKER_ID_SECRET", "x", "WORKER_ID_SECRET must be at least 50 characters long"),
        (
            "WORKER_ID_SECRET",
            "a-long-random-secret-for-phone-hmacs",
            "WORKER_ID_SECRET is a published value",
        ),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS may not contain '*'"),
        ("ALLOWED_HOSTS", "yizhan.example.org,*", "ALLOWED_HOSTS may not contain '*'"),
        ("DEBUG", "true", "DEBUG is on"),
    ],
)
def test_production_refuses_to_start_insecure(variable, value, reason):
    result = run_django({**PRODUCTION_ENV, variable: value}, "check")
    if reason is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0
    assert "Production refuses to start insecure" in result.stderr
    assert reason in result.stderr


def test_the_same_secret_twice_is_refused():
    key = secrets.token_urlsafe(50)
    result = run_django({**PRODUCTION_ENV, "SECRET_KEY": key, "WORKER_ID_SECRET": key}, "check")
    assert result.returncode != 0
    assert "WORKER_ID_SECRET must differ from SECRET_KEY" in result.stderr


def test_an_unaccepted_deploy_warning_stops_check_and_migrate():
    plain_http = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false"}
    for command in (("check",), ("migrate", "--check")):
        result = run_django(plain_http, *command)
        assert result.returncode != 0, command
        assert "check --deploy warning security.W008 is not accepted" in result.stderr


def test_an_unaccepted_deploy_warning_stops_gunicorn_loading_the_app():
    env_vars = {**PRODUCTION_ENV, "SECURE_COOKIES": "false"}
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env={**clean, **env_vars},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Production refuses to start" in result.stderr
    assert "security.W012" in result.stderr and "security.W016" in result.stderr
    # The control: the same settings with the cookies secure load.
    ok = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env={**clean, **PRODUCTION_ENV},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr


def test_plain_http_is_accepted_only_on_loopback_with_its_reason():
    loopback = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"}  # fmt: skip
    result = run_django(loopback, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    shown = run_django(
        loopback, "shell", "-c",
        "from django.conf import settings; print(sorted(settings.DEPLOY_WARNINGS_ACCEPTED.items()))",
    )  # fmt: skip
    assert "security.W008" in shown.stdout and "loopback" in shown.stdout


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_INT", "12")
    assert env.env_int("X_INT") == 12
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be an integer"):
        env.env_int("X_INT")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.env_list("X_LIST") == ["a", "b", "c"]
    monkeypatch.delenv("X_MISSING", raising=False)
    assert env.env_bool("X_MISSING", True) is True
    with pytest.raises(ImproperlyConfigured, match="X_MISSING is required"):
        env.env_str("X_MISSING")
    monkeypatch.setenv("X_CHOICE", "bing")
    with pytest.raises(ImproperlyConfigured, match="X_CHOICE must be one of osm"):
        env.env_choice("X_CHOICE", ("osm", "none"))


def test_spatialite_path_is_relative_to_the_project(monkeypatch):
    monkeypatch.setenv("X_DB", "spatialite:///var/db.sqlite3")
    config = env.env_database("X_DB", base_dir=ROOT)
    assert config["ENGINE"] == "django.contrib.gis.db.backends.spatialite"
    assert config["NAME"] == str(ROOT / "var" / "db.sqlite3")


def test_spatialite_queues_writers_instead_of_failing(monkeypatch):
    monkeypatch.setenv("X_DB", "spatialite:///var/db.sqlite3")
    options = env.env_database("X_DB", base_dir=ROOT)["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 30
    assert "journal_mode=WAL" in options["init_command"]
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", "0")
    with pytest.raises(ImproperlyConfigured, match="SQLITE_BUSY_TIMEOUT"):
        env.env_database("X_DB", base_dir=ROOT)


def test_a_spatialite_connection_keeps_the_configured_busy_timeout(tmp_path):
    # Loading mod_spatialite resets SQLite's busy timeout to 5 s; under a busy morning that
    # made writers give up after 5 s with "database is locked" (issue 12).
    db = tmp_path / "busy.sqlite3"
    result = run_django(
        {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"spatialite:///{db}",
         "SQLITE_BUSY_TIMEOUT": "17"},
        "shell", "-c",
        "from django.db import connection\n"
        "print('BUSY', connection.cursor().execute('PRAGMA busy_timeout').fetchone()[0])",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "BUSY 17000" in result.stdout


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
