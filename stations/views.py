"""Pages for station staff and organizers (login required)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.categories import WorkerCategory
from stations import selectors
from stations.models import Service


@login_required
@ensure_csrf_cookie
def desk(request: HttpRequest) -> HttpResponse:
    """The station desk: one tap per visit, works offline (see static/stations/desk.js)."""
    stations = list(selectors.desk_stations(user=request.user)[:200])
    catalog = {s.code: s for s in Service.objects.all()}
    english = (request.LANGUAGE_CODE or "").startswith("en")
    config = {
        "stations": [
            {
                "code": s.code,
                "name": (s.name_en or s.name) if english else s.name,
                "services": [
                    {
                        "code": c,
                        "name": (catalog[c].name_en if english else catalog[c].name),
                        "icon": catalog[c].icon,
                    }
                    for c in s.service_codes
                    if c in catalog
                ],
            }
            for s in stations
        ],
        "categories": [{"code": c, "name": str(label)} for c, label in WorkerCategory.choices],
        "user": request.user.get_username(),
        "api": {
            "batch": "/api/v1/visits/batch/",
            "undo": "/api/v1/visits/",
            "today": "/api/v1/desk/today/",
        },
        "strings": {
            "waiting": _("%(n)s 条待上传"),
            "all_sent": _("已全部上传"),
            "offline": _("无网络：记录保存在本机，恢复网络后自动上传。"),
            "sent": _("已上传"),
            "rejected": _("被拒绝：%(reason)s"),
            "undone": _("已撤销上一条"),
            "nothing_to_undo": _("没有可撤销的记录"),
            "added": _("已记录：%(category)s"),
            "total": _("今日合计"),
        },
    }
    return render(request, "stations/desk.html", {"config": config, "has_stations": bool(stations)})


def desk_service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /desk/ so its scope covers the desk (a script under /static/ could only
    control /static/)."""
    path = finders.find("stations/desk-sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response
