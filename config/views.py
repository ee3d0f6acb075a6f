from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from kombu.exceptions import OperationalError as KombuOperationalError

from config.celery_app import app as celery_app
from config.navigation import HOME_PAGES, home_url_for
from core import replicas
from core.errors import DomainError
from stations import selectors as station_selectors
from stations.models import HomeChoice
from stations.services import preferences


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


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database, the replica and the broker.

    503 when the primary database or the broker does not answer (this process cannot do
    its work). A replica that is down or too stale (``REPLICA_MAX_LAG_SECONDS``) is
    reported but still answers 200: reads fall back to the primary, the site works.
    """
    checks = {
        "database": _check_database(replicas.PRIMARY),
        "replica": _check_replica(),
        "broker": _check_broker(),
    }
    healthy = checks["database"]["ok"] and checks["broker"]["ok"]
    body = {"ok": healthy, "degraded": healthy and not checks["replica"]["ok"], **checks}
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


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    """An unknown address under /api/ answers the API's error envelope, not an HTML page."""
    if _api(request):
        return JsonResponse(
            {"error": {"field": None, "message": _("没有这个接口地址。")}}, status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return JsonResponse(
            {"error": {"field": None, "message": _("服务器出错了，请稍后再试。")}}, status=500
        )
    return defaults.server_error(request)
