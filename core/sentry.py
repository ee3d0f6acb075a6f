"""Optional error reporting to Sentry (``SENTRY_DSN``), personal data scrubbed first.

PIPL keeps personal data minimal (docs/privacy.md): an event leaves the server without the
request's body, cookies, query string and credentials, without the user's name or address
(only the id), and with every phone number, ID number and e-mail address in any string —
messages, exception values, local variables, breadcrumbs — replaced by ``[scrubbed]``.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

SCRUBBED = "[scrubbed]"
# Mainland mobile numbers (with or without +86), 18-digit resident ID numbers (GB 11643,
# last digit may be X), e-mail addresses. Full-width digits are folded before matching.
PERSONAL = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"
    r"|(?<!\d)\d{17}[\dXx](?!\d)"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_FOLD = str.maketrans("０１２３４５６７８９", "0123456789")
SENSITIVE_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}
# Keys of dicts (request data, local variables, extras) whose values are dropped whole;
# matched as words between underscores, so ``filename`` and ``module`` stay.
SENSITIVE_KEYS = re.compile(
    r"(?:^|_)(?:phone|mobile|id_number|id_digits|contact|email|name|address|password|passwd"
    r"|secret|token|key|session\w*|csrf\w*|cookie|authorization)(?:$|_)",
    re.IGNORECASE,
)


def scrub_text(value: str) -> str:
    return PERSONAL.sub(SCRUBBED, value.translate(_FOLD))


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return SCRUBBED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: SCRUBBED
            if isinstance(key, str) and SENSITIVE_KEYS.search(key) and value[key] not in (None, "")
            else _scrub(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Strip what may identify a person from an event (also used for transactions)."""
    request = event.get("request")
    if isinstance(request, dict):
        for part in ("data", "cookies", "query_string", "env"):
            request.pop(part, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            k: (SCRUBBED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key in ("exception", "logentry", "message", "breadcrumbs", "extra", "contexts", "tags"):
        if key in event:
            event[key] = _scrub(event[key])
    return event


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    return _scrub(crumb)


def sentry_init(*, dsn: str, environment: str, release: str | None) -> None:
    """Start the SDK with Django, Celery and logging (ERROR and above become events)."""

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=True,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=0.0,
    )
