from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults

from config.navigation import home_url_for


def healthz(request: HttpRequest) -> JsonResponse:
    """A trivial JSON endpoint for load balancers (and the bench's HTTP floor)."""
    return JsonResponse({"ok": True})


@login_required
def home_for_role(request: HttpRequest) -> HttpResponse:
    """Where login lands: each role on its own home (LOGIN_REDIRECT_URL)."""
    return redirect(home_url_for(request.user))


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
