from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """A trivial JSON endpoint for load balancers (and the bench's HTTP floor)."""
    return JsonResponse({"ok": True})
