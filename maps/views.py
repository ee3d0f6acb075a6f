from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The public map page."""
    return render(request, "maps/home.html", {"tile_provider": settings.TILE_PROVIDER})
