from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from config.navigation import home_url_for


def healthz(request: HttpRequest) -> JsonResponse:
    """A trivial JSON endpoint for load balancers (and the bench's HTTP floor)."""
    return JsonResponse({"ok": True})


@login_required
def home_for_role(request: HttpRequest) -> HttpResponse:
    """Where login lands: each role on its own home (LOGIN_REDIRECT_URL)."""
    return redirect(home_url_for(request.user))
