"""A URL that fails with personal data about: tests/test_sentry.py reports it to Sentry."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def fail_with_personal_data(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone", "")
    id_number = "630102199001011234"
    contact = {"name": "张三", "mobile": phone}
    raise ValueError(f"hand-out failed for worker {phone} ({id_number}) {contact}")


urlpatterns = [path("fail/", fail_with_personal_data)]
