from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import extend_schema, inline_serializer
from kombu.exceptions import OperationalError as KombuOperationalError
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from config.celery_app import app as celery_app
from config.navigation import HOME_PAGES, home_url_for
from core import replicas, services
from core.api import error_json, is_api_request, status_message
from core.errors import DomainError
from core.heartbeat import heartbeat_age
from maps.ogc import errors as ogc_errors
from stations import selectors as station_selectors
from stations.models import HomeChoice
from stations.services import preferences

OGC_PREFIX = "/ogc/"


def livez(request: HttpRequest) -> JsonResponse:
    """A trivial JSON endpoint: the process answers (and the bench's HTTP floor)."""
    return JsonResponse({"ok": True})


def _check_database(alias: str) -> dict[str, Any]:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connections[alias].close()
        return {"ok": False, "error": str(exc).strip().splitlines()[0][:200]}
    return {"ok": True}


def _check_replica() -> dict[str, Any]:
    """The replica answers, is a standby, and how far it is behind the primary: seconds
    since the last replayed transaction (0 when it has replayed all it received) and
    bytes of primary WAL not yet replayed."""
    if not replicas.replica_configured():
        return {"ok": True, "configured": False}
    if not replicas.replica_usable():  # cached for REPLICA_RETRY_SECONDS: no wait per call
        return {"ok": False, "configured": True, "error": "unreachable"}
    status = _check_database(replicas.REPLICA)
    if not status["ok"]:
        return {"configured": True, **status}
    with connections[replicas.REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
            "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        standby, replay_lsn, lag_seconds = cursor.fetchone()
    lag_bytes = None
    if standby and replay_lsn:
        with connections[replicas.PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replay_lsn])
            lag_bytes = int(cursor.fetchone()[0])
    lag = float(lag_seconds or 0)
    return {
        "ok": bool(standby) and lag <= settings.REPLICA_MAX_LAG_SECONDS,
        "configured": True,
        "standby": bool(standby),
        "lag_seconds": round(lag, 3),
        "lag_bytes": lag_bytes,
    }


def _check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "configured": False}  # tasks run in-process
    try:
        with celery_app.connection_for_write(url) as connection:
            connection.ensure_connection(max_retries=0, timeout=2)
    except (OSError, KombuOperationalError) as exc:
        return {"ok": False, "configured": True, "error": str(exc)[:200]}
    return {"ok": True, "configured": True}


def _check_heartbeat(kind: str) -> dict[str, Any]:
    """The Celery worker's or beat's last heartbeat (core.heartbeat), fresh or stale."""
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "configured": False}  # tasks run in-process
    age = heartbeat_age(kind=kind)
    stale_after = settings.HEARTBEAT_STALE_SECONDS
    if age is None:
        return {"ok": False, "configured": True, "age_seconds": None, "error": "never seen"}
    return {"ok": age <= stale_after, "configured": True, "age_seconds": round(age, 1)}


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database, the replica, the broker, and the
    heartbeats of the Celery worker and beat.

    503 when the primary database or the broker does not answer (this process cannot do
    its work). A replica that is down or too stale (``REPLICA_MAX_LAG_SECONDS``), or a
    worker or beat whose heartbeat is older than ``HEARTBEAT_STALE_SECONDS``, is reported
    as degraded but still answers 200: the web keeps serving, and a load balancer must not
    take every web process out because a worker died.
    """
    checks = {
        "database": _check_database(replicas.PRIMARY),
        "replica": _check_replica(),
        "broker": _check_broker(),
        "worker": _check_heartbeat("worker"),
        "beat": _check_heartbeat("beat"),
    }
    healthy = checks["database"]["ok"] and checks["broker"]["ok"]
    degraded = not all(checks[part]["ok"] for part in ("replica", "worker", "beat"))
    body = {"ok": healthy, "degraded": healthy and degraded, **checks}
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def home_for_role(request: HttpRequest) -> HttpResponse:
    """Where login lands (LOGIN_REDIRECT_URL): each role on its own home. Someone whose
    roles give several homes picks one here; the choice is kept for the next login
    (``?choose=1`` offers the picker again)."""
    homes = station_selectors.homes_for(user=request.user)
    error = ""
    if request.method == "POST":
        try:
            choice = preferences.home_choose(
                actor=request.user, home=request.POST.get("home", "")[:20]
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(HOME_PAGES[choice.home])
    elif not request.GET.get("choose"):
        url = home_url_for(request.user)
        if url is not None:
            return redirect(url)
    labels = dict(HomeChoice.Home.choices)
    return render(
        request,
        "registration/home_choice.html",
        {
            "homes": [(home, labels[home]) for home in homes],
            "chosen": station_selectors.home_chosen(user=request.user),
            "error": error,
        },
        status=400 if error else 200,
    )


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    """An unknown address under /api/ answers the API's error envelope, under /ogc/ the
    OGC exception in the format asked for, elsewhere the site's page. (In DEBUG Django
    answers its own page instead; ``core.api.ApiErrorMiddleware`` and the /ogc/ catch-all
    keep those two JSON there too.)"""
    if is_api_request(request):
        return error_json(status_message(request, 404), status_code=404)
    if request.path.startswith(OGC_PREFIX):
        return ogc_errors.error_answer(request, status=404, message=_("未找到。"))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return error_json(status_message(request, 500), status_code=500)
    if request.path.startswith(OGC_PREFIX):
        return ogc_errors.error_answer(request, status=500, message=status_message(request, 500))
    return defaults.server_error(request)


@extend_schema(
    summary="Issue an API token that expires (after a second-factor login where required)",
    request=None,
    responses={
        201: inline_serializer(
            "ApiTokenIssued",
            {
                "token": serializers.CharField(),
                "expires_at": serializers.DateTimeField(),
                "second_factor": serializers.BooleanField(),
            },
        )
    },
)
@api_view(["POST"])
@authentication_classes([SessionAuthentication])  # a token cannot mint the next one
@permission_classes([IsAuthenticated])
def api_token_issue(request: Request) -> Response:
    """A new API token for the signed-in user, expiring after API_TOKEN_TTL_HOURS.

    Users who must use a second factor get one only from a session verified with it
    (core.authentication refuses their other tokens).
    """
    key, grant = services.api_token_issue(
        actor=request.user, second_factor=bool(request.user.is_verified())
    )
    return Response(
        {"token": key, "expires_at": grant.expires_at, "second_factor": grant.second_factor},
        status=201,
        headers={"Cache-Control": "no-store"},
    )
