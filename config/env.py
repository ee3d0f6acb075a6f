"""Typed readers for settings taken from the environment.

Every reader names the variable in its error, so a missing or malformed value stops
start-up with a message an operator can act on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_REQUIRED: Any = object()

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def _raw(name: str, default: Any) -> str | None:
    value = os.environ.get(name)
    if value is None:
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return None
    return value


def env_str(name: str, default: Any = _REQUIRED) -> str:
    value = _raw(name, default)
    if value is None:
        return default
    value = value.strip()
    if not value and default is _REQUIRED:
        raise ImproperlyConfigured(f"Environment variable {name} is required but empty.")
    return value


def env_bool(name: str, default: Any = _REQUIRED) -> bool:
    value = _raw(name, default)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be a boolean (true/false, 1/0, yes/no), got {value!r}."
    )


def env_int(name: str, default: Any = _REQUIRED, *, minimum: int | None = None) -> int:
    value = _raw(name, default)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be an integer, got {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be at least {minimum}, got {number}."
        )
    return number


def env_list(name: str, default: Any = _REQUIRED) -> list[str]:
    value = _raw(name, default)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items and default is _REQUIRED:
        raise ImproperlyConfigured(f"Environment variable {name} must list at least one value.")
    return items


def env_choice(name: str, choices: tuple[str, ...], default: Any = _REQUIRED) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be one of {', '.join(choices)}, got {value!r}."
        )
    return value


DATABASE_SCHEMES = {
    "postgis": "django.contrib.gis.db.backends.postgis",
    "spatialite": "django.contrib.gis.db.backends.spatialite",
}


def env_database(name: str, default: Any = _REQUIRED, *, base_dir: Path) -> dict[str, Any]:
    """Parse a ``postgis://`` or ``spatialite://`` URL into a Django DATABASES entry.

    A relative SpatiaLite path is taken relative to ``base_dir`` so the quick start finds
    the same file whatever the working directory.
    """
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a postgis:// or spatialite:// URL, got {url!r}."
        )
    try:
        config = dj_database_url.parse(url)
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(
            f"Environment variable {name} is not a valid database URL: {exc}"
        ) from exc
    config["ENGINE"] = DATABASE_SCHEMES[scheme]
    if scheme == "spatialite":
        path = config.get("NAME") or ""
        if not path:
            raise ImproperlyConfigured(
                f"Environment variable {name} must name a file: spatialite:///var/db.sqlite3"
            )
        if path != ":memory:" and not Path(path).is_absolute():
            config["NAME"] = str(base_dir / path)
        # A busy morning on the embedded default: writers queue instead of failing with
        # "database is locked". WAL lets readers go on while one writer writes;
        # IMMEDIATE takes the write lock when a transaction begins, so two transactions
        # that read then write cannot deadlock on the upgrade; the timeout is how long a
        # writer waits for its turn (seconds).
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30, minimum=1),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif not config.get("NAME"):
        raise ImproperlyConfigured(
            f"Environment variable {name} must name a database: "
            "postgis://user:password@host:5432/dbname"
        )
    return config
