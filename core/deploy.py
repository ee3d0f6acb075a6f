"""Production refuses to start insecure (issue 29, issue 22).

Two gates, both run before a request is served:

- ``refuse_insecure_settings`` at the end of ``config.settings.production``: secrets that are
  short or published, ``*`` in ``ALLOWED_HOSTS``, ``DEBUG`` on. Settings fail to load, so
  every entry point (gunicorn, Celery, every ``manage.py`` command) stops with the reason.
- ``deploy_warnings_check``, a system check registered when the settings define
  ``DEPLOY_WARNINGS_ACCEPTED``: every ``check --deploy`` warning that the settings do not
  accept, with a reason written beside it, becomes an error. ``manage.py`` commands that run
  checks (migrate, check) and ``config.wsgi`` (gunicorn) stop on it.

Imports nothing but Django: the settings module calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

#: Django's rule for ``check --deploy`` (security.W009), raised: at least this long.
SECRET_MIN_LENGTH = 50
SECRET_MIN_UNIQUE_CHARACTERS = 5

#: Secrets published in this repository (settings, docs, tests) or in Django's template:
#: anyone can read them, so they sign nothing.
KNOWN_SECRETS = frozenset(
    {
        "insecure-quick-start-key-change-me",  # config/settings/local.py
        "test-secret-key-not-for-production",  # config/settings/test.py
        "k7#Qm2!vX9@pL4$wR8^tY1&zN6*hB3(eJ5)cU0_gF-aD+sK=oI~",  # an old test fixture
        "a-long-random-secret-for-phone-hmacs",  # an old test fixture
        "build",  # the container recipe's build step before it generated one
        "change-me",
        "changeme",
        "secret",
    }
)
KNOWN_SECRET_PREFIXES = ("django-insecure-", "insecure-")
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_problem(name: str, value: str) -> str | None:
    """Why ``value`` may not be the secret ``name`` in production, or None."""
    if value in KNOWN_SECRETS or value.startswith(KNOWN_SECRET_PREFIXES):
        return f"{name} is a published value; generate one: {GENERATE}"
    if len(value) < SECRET_MIN_LENGTH:
        return (
            f"{name} must be at least {SECRET_MIN_LENGTH} characters long, got {len(value)}; "
            f"generate one: {GENERATE}"
        )
    if len(set(value)) < SECRET_MIN_UNIQUE_CHARACTERS:
        return f"{name} must have at least {SECRET_MIN_UNIQUE_CHARACTERS} different characters."
    return None


def insecure_settings(values: Mapping[str, Any]) -> list[str]:
    """Every reason the settings in ``values`` are not fit for production."""
    problems = [
        problem
        for name in ("SECRET_KEY", "WORKER_ID_SECRET")
        if (problem := secret_problem(name, str(values.get(name) or "")))
    ]
    if values.get("WORKER_ID_SECRET") and values.get("WORKER_ID_SECRET") == values.get(
        "SECRET_KEY"
    ):
        problems.append("WORKER_ID_SECRET must differ from SECRET_KEY.")
    hosts = list(values.get("ALLOWED_HOSTS") or [])
    if any("*" in host for host in hosts):
        problems.append("ALLOWED_HOSTS may not contain '*': list the host names this site answers.")
    if values.get("DEBUG"):
        problems.append("DEBUG is on: production never shows debug pages (unset DEBUG).")
    return problems


def refuse_insecure_settings(values: Mapping[str, Any]) -> None:
    """Raise ImproperlyConfigured naming every problem at once."""
    problems = insecure_settings(values)
    if problems:
        raise ImproperlyConfigured(
            "Production refuses to start insecure:\n  - " + "\n  - ".join(problems)
        )


def _deploy_warnings() -> list[checks.CheckMessage]:
    """What ``check --deploy`` adds to ``check`` (database checks left out: no connection)."""
    messages: list[checks.CheckMessage] = []
    for check in checks.registry.registry.deployment_checks:
        if "database" not in getattr(check, "tags", ()):
            messages.extend(check(app_configs=None, databases=None))
    return messages


def deploy_warnings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Each ``check --deploy`` warning not in ``settings.DEPLOY_WARNINGS_ACCEPTED`` is an error.

    ``DEPLOY_WARNINGS_ACCEPTED`` maps a check id (``security.W008``) to the reason it is
    accepted in this deployment; an entry with no reason is itself an error.
    """

    accepted: Mapping[str, str] = getattr(settings, "DEPLOY_WARNINGS_ACCEPTED", None) or {}
    silenced = set(settings.SILENCED_SYSTEM_CHECKS)
    errors = [
        checks.Error(
            f"DEPLOY_WARNINGS_ACCEPTED[{check_id!r}] gives no reason.",
            hint="Write why this deployment may ignore the warning, or remove the entry.",
            id="yizhan.E901",
        )
        for check_id, reason in accepted.items()
        if not str(reason or "").strip()
    ]
    for message in _deploy_warnings():
        if message.level < checks.WARNING or message.id in silenced:
            continue
        if str(accepted.get(message.id) or "").strip():
            continue
        errors.append(
            checks.Error(
                f"check --deploy warning {message.id} is not accepted: {message.msg}",
                hint="Fix the setting, or accept the warning in DEPLOY_WARNINGS_ACCEPTED "
                "with the reason (config/settings/production.py).",
                id="yizhan.E902",
            )
        )
    return errors


def refuse_unaccepted_deploy_warnings() -> None:
    """For entry points that run no system checks of their own (config.wsgi: gunicorn)."""

    if getattr(settings, "DEPLOY_WARNINGS_ACCEPTED", None) is None:
        return
    errors = [m for m in checks.run_checks() if m.level >= checks.ERROR and not m.is_silenced()]
    if errors:
        raise ImproperlyConfigured(
            "Production refuses to start:\n  - " + "\n  - ".join(str(m) for m in errors)
        )
